import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md5Hex } from "../../local/engines/_md5.ts";

function nodeMd5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

Deno.test("md5Hex() gives RFC 1321's test suite digests", () => {
  const suite: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    [
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "d174ab98d277d9f5a5611c2c9f419d9f",
    ],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a",
    ],
  ];
  for (const [text, digest] of suite) {
    assert.equal(md5Hex(new TextEncoder().encode(text)), digest, text);
  }
});

Deno.test("md5Hex() agrees with node:crypto for every length up to three blocks", () => {
  let seed = 7;
  for (let length = 0; length <= 200; length++) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    assert.equal(md5Hex(bytes), nodeMd5(bytes), `length ${length}`);
  }
});

Deno.test("md5Hex() hashes a string as its UTF-8 bytes, as node:crypto does", () => {
  const texts = ["Outliers9b2f6a0e-4c1d", "héllo wörld 😀", "\ud800 lone", "é".repeat(100), ""];
  for (const text of texts) {
    assert.equal(md5Hex(text), createHash("md5").update(text, "utf8").digest("hex"), text);
  }
  const long = new Uint8Array(1000).fill(97);
  assert.equal(md5Hex(long), nodeMd5(long), "a message longer than the buffer so far");
  assert.equal(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72", "a short one after it");
});
