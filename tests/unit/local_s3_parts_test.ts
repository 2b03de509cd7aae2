import assert from "node:assert/strict";
import { parsePartNumber, selectPart } from "../../local/s3/_parts.ts";

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (partNumber)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (x-amz-mp-parts-count)

Deno.test("parsePartNumber() accepts 1 to 10000", () => {
  assert.equal(parsePartNumber("1", undefined), 1);
  assert.equal(parsePartNumber("10000", undefined), 10_000);
});

Deno.test("parsePartNumber() refuses 0, negatives, 10001 and text with S3's InvalidArgument", () => {
  for (const value of ["0", "-1", "10001", "1.5", "two", "", "99999999999"]) {
    assert.deepEqual(parsePartNumber(value, undefined), {
      status: 400,
      code: "InvalidArgument",
      message: "Part number must be an integer between 1 and 10000, inclusive",
      extra: { ArgumentName: "partNumber", ArgumentValue: value },
    }, value);
  }
});

Deno.test("parsePartNumber() refuses a Range header first, even with a bad part number", () => {
  for (const value of ["1", "0"]) {
    const refused = parsePartNumber(value, "bytes=0-1");
    assert.equal(typeof refused, "object");
    assert.deepEqual(refused, {
      status: 400,
      code: "InvalidRequest",
      message: "Cannot specify both Range header and partNumber query parameter",
    });
  }
});

Deno.test("selectPart() numbers a multipart object's parts by position and counts them", () => {
  const parts = [{ offset: 0, length: 5 }, { offset: 5, length: 3 }];
  assert.deepEqual(selectPart(1, parts, 8), { start: 0, end: 4, partsCount: 2 });
  assert.deepEqual(selectPart(2, parts, 8), { start: 5, end: 7, partsCount: 2 });
});

Deno.test("selectPart() serves part 1 of a single-part object as the whole, without a count", () => {
  assert.deepEqual(selectPart(1, undefined, 6), { start: 0, end: 5 });
});

Deno.test("selectPart() answers 416 InvalidPartNumber past the last part", () => {
  assert.deepEqual(selectPart(3, [{ offset: 0, length: 5 }, { offset: 5, length: 3 }], 8), {
    status: 416,
    code: "InvalidPartNumber",
    message: "The requested partnumber is not satisfiable",
    extra: { PartNumberRequested: "3", ActualPartCount: "2" },
  });
  const single = selectPart(2, undefined, 6);
  assert.ok("code" in single);
  assert.equal(single.extra?.ActualPartCount, "1");
});
