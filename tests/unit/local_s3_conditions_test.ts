import assert from "node:assert/strict";
import {
  checkWriteConditions,
  etagMatches,
  evaluateReadConditions,
  resolveRange,
  responseOverrides,
} from "../../local/s3/_conditions.ts";

const target = { etag: '"abc"', lastModified: new Date("2025-01-01T10:00:00.600Z") };

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (conditional headers)

Deno.test("etagMatches() accepts quoted, unquoted, weak, listed and * values", () => {
  assert.ok(etagMatches('"abc"', '"abc"'));
  assert.ok(etagMatches("abc", '"abc"'));
  assert.ok(etagMatches('W/"abc"', '"abc"'));
  assert.ok(etagMatches('"x", "abc"', '"abc"'));
  assert.ok(etagMatches("*", '"abc"'));
  assert.ok(!etagMatches('"x"', '"abc"'));
});

Deno.test("evaluateReadConditions() fails a wrong If-Match and ignores If-Unmodified-Since then", () => {
  assert.deepEqual(evaluateReadConditions({ "if-match": '"x"' }, target), {
    outcome: "failed",
    condition: "If-Match",
  });
  assert.deepEqual(
    evaluateReadConditions({
      "if-match": '"abc"',
      "if-unmodified-since": "Wed, 01 Jan 2020 00:00:00 GMT",
    }, target),
    { outcome: "proceed" },
  );
  assert.deepEqual(
    evaluateReadConditions({ "if-unmodified-since": "Wed, 01 Jan 2020 00:00:00 GMT" }, target),
    { outcome: "failed", condition: "If-Unmodified-Since" },
  );
});

Deno.test("evaluateReadConditions() answers 304 for a matching If-None-Match or an old If-Modified-Since", () => {
  assert.deepEqual(evaluateReadConditions({ "if-none-match": '"abc"' }, target), {
    outcome: "not-modified",
  });
  // To the second: the object's 10:00:00.600 is not after 10:00:00.
  assert.deepEqual(
    evaluateReadConditions({ "if-modified-since": "Wed, 01 Jan 2025 10:00:00 GMT" }, target),
    { outcome: "not-modified" },
  );
  assert.deepEqual(
    evaluateReadConditions({
      "if-none-match": '"other"',
      "if-modified-since": "Wed, 01 Jan 2030 00:00:00 GMT",
    }, target),
    { outcome: "proceed" },
  );
  assert.deepEqual(evaluateReadConditions({ "if-modified-since": "not a date" }, target), {
    outcome: "proceed",
  });
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html

Deno.test("checkWriteConditions() refuses If-None-Match: * on an existing object", () => {
  assert.equal(
    checkWriteConditions({ "if-none-match": "*" }, { etag: '"abc"' }, { allowIfNoneMatch: true })
      ?.status,
    412,
  );
  assert.equal(
    checkWriteConditions({ "if-none-match": "*" }, { etag: undefined }, { allowIfNoneMatch: true }),
    undefined,
  );
  assert.equal(
    checkWriteConditions({ "if-none-match": '"abc"' }, { etag: undefined }, {
      allowIfNoneMatch: true,
    })?.code,
    "NotImplemented",
  );
});

Deno.test("checkWriteConditions() answers If-Match with 404 NoSuchKey or 412", () => {
  assert.equal(
    checkWriteConditions({ "if-match": '"abc"' }, { etag: undefined }, { allowIfNoneMatch: false })
      ?.code,
    "NoSuchKey",
  );
  const failed = checkWriteConditions({ "if-match": '"x"' }, { etag: '"abc"' }, {
    allowIfNoneMatch: false,
  });
  assert.equal(failed?.status, 412);
  assert.deepEqual(failed?.extra, { Condition: "If-Match" });
  assert.equal(
    checkWriteConditions({ "if-match": '"abc"' }, { etag: '"abc"' }, { allowIfNoneMatch: false }),
    undefined,
  );
});

// https://www.rfc-editor.org/rfc/rfc9110#name-range (as GetObject's Range follows it)

Deno.test("resolveRange() serves one byte range and clamps its end", () => {
  assert.deepEqual(resolveRange("bytes=0-9", 100), { kind: "partial", start: 0, end: 9 });
  assert.deepEqual(resolveRange("bytes=90-200", 100), { kind: "partial", start: 90, end: 99 });
  assert.deepEqual(resolveRange("bytes=95-", 100), { kind: "partial", start: 95, end: 99 });
  assert.deepEqual(resolveRange("bytes=-10", 100), { kind: "partial", start: 90, end: 99 });
  assert.deepEqual(resolveRange("bytes=-500", 100), { kind: "partial", start: 0, end: 99 });
});

Deno.test("resolveRange() is unsatisfiable past the end and whole for what S3 ignores", () => {
  assert.deepEqual(resolveRange("bytes=100-", 100), { kind: "unsatisfiable" });
  assert.deepEqual(resolveRange("bytes=0-", 0), { kind: "unsatisfiable" });
  assert.deepEqual(resolveRange("bytes=0-1,5-6", 100), { kind: "whole" });
  assert.deepEqual(resolveRange("bytes=9-1", 100), { kind: "whole" });
  assert.deepEqual(resolveRange("items=0-1", 100), { kind: "whole" });
  assert.deepEqual(resolveRange(undefined, 100), { kind: "whole" });
});

Deno.test("responseOverrides() maps response-* parameters to headers", () => {
  assert.deepEqual(
    responseOverrides(
      new URLSearchParams(
        "response-content-type=text/plain&response-cache-control=no-cache&other=1",
      ),
    ),
    { "content-type": "text/plain", "cache-control": "no-cache" },
  );
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
Deno.test("checkWriteConditions() names the key in If-Match's NoSuchKey when it is given", () => {
  assert.deepEqual(
    checkWriteConditions({ "if-match": '"abc"' }, { etag: undefined, key: "a/b" }, {
      allowIfNoneMatch: true,
    }),
    {
      status: 404,
      code: "NoSuchKey",
      message: "The specified key does not exist.",
      extra: { Key: "a/b" },
    },
  );
});

Deno.test("checkWriteConditions() matches quoted, unquoted and listed ETags alike", () => {
  for (const header of ['"abc"', "abc", '"x", "abc"', "*"]) {
    assert.equal(
      checkWriteConditions({ "if-match": header }, { etag: '"abc"' }, { allowIfNoneMatch: true }),
      undefined,
      header,
    );
  }
});
