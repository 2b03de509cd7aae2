/**
 * MD5 (RFC 1321) of a few bytes, in this isolate.
 *
 * dynalite hashes every item key with MD5 (`db/index.js` `hashPrefix`)
 * through `node:crypto`, which costs several calls into the runtime per key
 * (create, three updates, digest): about 5 µs, against well under 1 µs here
 * for a key of a few dozen bytes. MD5 is used as dynalite uses it, to spread
 * keys, not for security.
 *
 * @module
 */

/** The per-step additive constants: floor(|sin(i + 1)| * 2^32). */
const SINES = Int32Array.from(
  { length: 64 },
  (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0,
);

/** The per-step left rotations, four per round. */
const ROTATIONS = Uint8Array.from(
  { length: 64 },
  (_, i) => [[7, 12, 17, 22], [5, 9, 14, 20], [4, 11, 16, 23], [6, 10, 15, 21]][i >> 4]![i & 3]!,
);

/** The message word each step reads. */
const WORDS = Uint8Array.from({ length: 64 }, (_, i) => {
  if (i < 16) return i;
  if (i < 32) return (5 * i + 1) % 16;
  if (i < 48) return (3 * i + 5) % 16;
  return (7 * i) % 16;
});

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

const block = new Int32Array(16);
const state = new Int32Array(4);
const encoder = new TextEncoder();

/** The message and its padding; grown when a longer message comes. */
let padded = new Uint8Array(256);

/**
 * The MD5 digest of `input` (bytes, or a string as UTF-8), as lowercase hex.
 *
 * @example
 * ```ts
 * import { md5Hex } from "./_md5.ts";
 * md5Hex("abc"); // "900150983cd24fb0d6963f7d28e17f72"
 * ```
 */
export function md5Hex(input: Uint8Array | string): string {
  const most = typeof input === "string" ? input.length * 3 : input.length;
  if (padded.length < most + 72) padded = new Uint8Array(most + 72);
  let length: number;
  if (typeof input === "string") {
    length = encoder.encodeInto(input, padded).written;
  } else {
    padded.set(input);
    length = input.length;
  }
  const size = (((length + 8) >> 6) + 1) * 64;
  padded.fill(0, length, size);
  padded[length] = 0x80;
  const bits = length * 8;
  const high = Math.floor(bits / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    padded[size - 8 + i] = (bits >>> (8 * i)) & 0xff;
    padded[size - 4 + i] = (high >>> (8 * i)) & 0xff;
  }
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  for (let offset = 0; offset < size; offset += 64) {
    for (let i = 0, at = offset; i < 16; i++, at += 4) {
      block[i] = padded[at]! | (padded[at + 1]! << 8) | (padded[at + 2]! << 16) |
        (padded[at + 3]! << 24);
    }
    compress();
  }
  let hex = "";
  for (let i = 0; i < 4; i++) {
    const word = state[i]!;
    hex += HEX[word & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[(word >>> 16) & 0xff]! +
      HEX[word >>> 24]!;
  }
  return hex;
}

/** Mixes `block` into `state`: MD5's 64 steps over one 64-byte block. */
function compress(): void {
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  for (let i = 0; i < 64; i++) {
    let mixed: number;
    if (i < 16) mixed = (b & c) | (~b & d);
    else if (i < 32) mixed = (d & b) | (~d & c);
    else if (i < 48) mixed = b ^ c ^ d;
    else mixed = c ^ (b | ~d);
    mixed = (mixed + a + SINES[i]! + block[WORDS[i]!]!) | 0;
    a = d;
    d = c;
    c = b;
    const rotation = ROTATIONS[i]!;
    b = (b + ((mixed << rotation) | (mixed >>> (32 - rotation)))) | 0;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
}
