import assert from "node:assert/strict";
import {
  compareKeys,
  type KeyVersions,
  listVersions,
  listVersionsXml,
  newVersionId,
} from "../../local/s3/_versions.ts";

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html

const at = "2025-01-01T00:00:00.000Z";
const keys: KeyVersions[] = [
  {
    key: "b/2",
    versions: [{ id: "v3", deleteMarker: true, lastModified: at }, {
      id: "v2",
      etag: '"e"',
      size: 1,
      lastModified: at,
    }],
  },
  { key: "a", versions: [{ id: "null", etag: '"e"', size: 1, lastModified: at }] },
  { key: "b/1", versions: [{ id: "v1", etag: '"e"', size: 1, lastModified: at }] },
];

Deno.test("newVersionId() makes distinct 32-character URL-safe ids", () => {
  const id = newVersionId();
  assert.match(id, /^[A-Za-z0-9._]{32}$/);
  assert.notEqual(id, newVersionId());
});

Deno.test("compareKeys() orders by UTF-8 bytes, upper case before lower", () => {
  assert.deepEqual(["b", "a", "B", "é"].sort(compareKeys), ["B", "a", "b", "é"]);
});

Deno.test("listVersions() lists keys in order, versions newest first, the first latest", () => {
  const page = listVersions(keys, {});
  assert.deepEqual(
    page.items.map((i) =>
      i.kind === "version" ? `${i.key}@${i.entry.id}${i.isLatest ? "*" : ""}` : i.prefix
    ),
    ["a@null*", "b/1@v1*", "b/2@v3*", "b/2@v2"],
  );
  assert.equal(page.isTruncated, false);
});

Deno.test("listVersions() pages with key and version-id markers", () => {
  const first = listVersions(keys, { maxKeys: 3 });
  assert.equal(first.isTruncated, true);
  assert.equal(first.nextKeyMarker, "b/2");
  assert.equal(first.nextVersionIdMarker, "v3");
  const second = listVersions(keys, {
    keyMarker: first.nextKeyMarker,
    versionIdMarker: first.nextVersionIdMarker,
  });
  assert.deepEqual(second.items.map((i) => i.kind === "version" ? i.entry.id : ""), ["v2"]);
});

Deno.test("listVersions() groups common prefixes under a delimiter", () => {
  const page = listVersions(keys, { delimiter: "/" });
  assert.deepEqual(page.items.map((i) => i.kind === "prefix" ? `${i.prefix}/` : i.key), [
    "a",
    "b//",
  ]);
});

Deno.test("listVersionsXml() renders versions, delete markers and URL encoding", () => {
  const xml = listVersionsXml("bkt", { encodingType: "url" }, {
    items: [
      { kind: "version", key: "a b", entry: keys[1]!.versions[0]!, isLatest: true },
      { kind: "version", key: "c", entry: keys[0]!.versions[0]!, isLatest: true },
    ],
    isTruncated: false,
  });
  assert.match(xml, /<Version><Key>a%20b<\/Key><VersionId>null<\/VersionId><IsLatest>true/);
  assert.match(xml, /<DeleteMarker><Key>c<\/Key><VersionId>v3<\/VersionId>/);
  assert.match(xml, /<EncodingType>url<\/EncodingType><\/ListVersionsResult>$/);
});
