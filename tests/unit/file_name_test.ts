import assert from "node:assert/strict";
import { fileNamesFor, validateFileName } from "../../lib/file_name.ts";

Deno.test("validateFileName() accepts plain .json names", () => {
  for (const name of ["laptop.json", "a.json", "my-laptop_2.v1.json", "X".repeat(123) + ".json"]) {
    assert.equal(validateFileName(name), name);
  }
});

Deno.test("validateFileName() rejects unsafe or malformed names, saying why", () => {
  const cases: [string, RegExp][] = [
    ["../x.json", /path separator|"\.\."/],
    ["..json", /"\.\."/],
    ["/etc/passwd", /path separator/],
    ["a/b.json", /path separator/],
    ["a\\b.json", /path separator/],
    ["", /it is empty/],
    ["x".repeat(1000), /1000 characters, more than 128/],
    ["laptop.txt", /does not end in "\.json"/],
    ["laptop.JSON", /does not end in "\.json"/],
    [".json", /no name before/],
    ["lap\u0000top.json", /control characters/],
    ["lap\ntop.json", /control characters/],
    ["lap top.json", /only letters, digits/],
    ["-rf.json", /starting with a letter or digit/],
    [".hidden.json", /starting with a letter or digit/],
  ];
  for (const [name, pattern] of cases) {
    assert.throws(() => validateFileName(name), (error: unknown) => {
      assert.ok(error instanceof TypeError, JSON.stringify(name));
      assert.match(error.message, /^Invalid file name /);
      assert.match(error.message, pattern);
      assert.match(error.message, /give a plain name such as laptop\.json$/);
      return true;
    });
  }
});

Deno.test("fileNamesFor() numbers the files of a run", () => {
  assert.deepEqual(fileNamesFor("laptop.json", 1), ["laptop.json"]);
  assert.deepEqual(fileNamesFor("laptop.json", 3), [
    "laptop-1.json",
    "laptop-2.json",
    "laptop-3.json",
  ]);
  assert.equal(fileNamesFor("l.json", 1000).length, 1000);
});

Deno.test("fileNamesFor() rejects a bad count and a name that grows too long", () => {
  for (const count of [0, -1, 1.5, NaN]) {
    assert.throws(() => fileNamesFor("laptop.json", count), RangeError);
  }
  const name = "x".repeat(122) + ".json"; // 127 characters; "-10.json" makes it 130
  assert.equal(validateFileName(name), name);
  assert.throws(() => fileNamesFor(name, 10), /more than 128/);
});
