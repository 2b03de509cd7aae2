import assert from "node:assert/strict";
import {
  continuationToken,
  listKeys,
  listV1Xml,
  listV2Xml,
  tokenKey,
} from "../../local/s3/_listing.ts";

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html

const at = new Date("2025-01-01T00:00:00Z");
const objects = ["b", "B", "a/1", "a/2", "c d", "é"].map((key) => ({
  key,
  etag: '"e"',
  size: 1,
  lastModified: at,
}));
const base = { prefix: "", delimiter: "", maxKeys: 1000, after: "" };

Deno.test("listKeys() orders keys by UTF-8 bytes", () => {
  assert.deepEqual(listKeys(objects, base).objects.map((o) => o.key), [
    "B",
    "a/1",
    "a/2",
    "b",
    "c d",
    "é",
  ]);
});

Deno.test("listKeys() groups common prefixes, counting each toward max-keys", () => {
  const page = listKeys(objects, { ...base, delimiter: "/", maxKeys: 2 });
  assert.deepEqual(page.objects.map((o) => o.key), ["B"]);
  assert.deepEqual(page.prefixes, ["a/"]);
  assert.equal(page.isTruncated, true);
  assert.equal(page.last, "a/");
  const next = listKeys(objects, { ...base, delimiter: "/", after: "a/" });
  assert.deepEqual(next.objects.map((o) => o.key), ["b", "c d", "é"]);
  assert.deepEqual(next.prefixes, []);
});

Deno.test("listKeys() returns nothing and no truncation for max-keys 0", () => {
  assert.deepEqual(listKeys(objects, { ...base, maxKeys: 0 }), {
    objects: [],
    prefixes: [],
    isTruncated: false,
  });
});

Deno.test("continuationToken() and tokenKey() round-trip keys and refuse foreign tokens", () => {
  assert.equal(tokenKey(continuationToken("a/é")), "a/é");
  assert.equal(tokenKey("%%%"), undefined);
});

Deno.test("listV2Xml() reports KeyCount, the next token and URL-encoded keys", () => {
  const params = { ...base, maxKeys: 1 };
  const xml = listV2Xml(listKeys(objects.slice(4), params), {
    bucket: "b",
    params,
    url: true,
    owner: false,
  });
  assert.match(xml, /<KeyCount>1<\/KeyCount><IsTruncated>true<\/IsTruncated>/);
  assert.match(xml, /<NextContinuationToken>[^<]+<\/NextContinuationToken>/);
  assert.match(xml, /<Key>c%20d<\/Key>/);
  assert.match(xml, /<EncodingType>url<\/EncodingType>/);
});

Deno.test("listV1Xml() sends NextMarker only with a delimiter, and owners", () => {
  const params = { ...base, maxKeys: 1 };
  const plain = listV1Xml(listKeys(objects, params), {
    bucket: "b",
    params,
    url: false,
    owner: true,
    marker: "",
  });
  assert.doesNotMatch(plain, /NextMarker/);
  assert.match(plain, /<Owner><ID>/);
  const delimited = { ...params, delimiter: "/" };
  assert.match(
    listV1Xml(listKeys(objects, delimited), {
      bucket: "b",
      params: delimited,
      url: false,
      owner: true,
      marker: "",
    }),
    /<NextMarker>B<\/NextMarker>/,
  );
});
