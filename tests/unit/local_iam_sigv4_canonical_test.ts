/**
 * The canonical request the local AWS builds itself, against the one the
 * SDK's signer (`@smithy/signature-v4`) builds for the same request, and
 * requests the SDK signed with awkward paths, queries and header values,
 * verified end to end.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";
import {
  canonicalRequest,
  escapeUri,
  parseQuery,
  signedHeaderList,
} from "../../local/iam/_sigv4_canonical.ts";
import { HmacKey } from "../../local/iam/_sigv4_hmac.ts";
import { verifySignature } from "../../local/iam/_sigv4.ts";

const KEY = "AKIDCANONICAL";
const SECRET = "canonical/secret+key";
const AT = new Date("2026-12-06T12:00:00Z");
const secretOf = (id: string) => (id === KEY ? SECRET : undefined);

/** The SDK's signer with its canonical request reachable. */
class OracleSigner extends SignatureV4 {
  canonical(request: HttpRequest, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

function signer(service: string, s3: boolean, secret = SECRET): OracleSigner {
  return new OracleSigner({
    credentials: { accessKeyId: KEY, secretAccessKey: secret },
    region: "us-east-1",
    service,
    sha256: Sha256,
    uriEscapePath: !s3,
  });
}

/** Paths as they arrive (`URL.pathname`), S3's and the other services'. */
const PATHS = [
  "/",
  "/laptops/laptops/2026/12/06/laptop-0001.json",
  "/laptops/key%20with%20spaces/%C3%BC.json",
  "/laptops/a%2Fb/c",
  "/laptops/it's%20(a)%20key*!.json",
  "/laptops/a+b=c&d",
  "/laptops/%E2%82%AC/%25done",
  "/laptops/",
  "/000000000000/uploads",
  "//double//slashes//",
  "/a/%2E/b/%2E%2E/c",
  "/laptops/bad%zzescape",
];

/** Query strings as they arrive. */
const QUERIES = [
  "",
  "?x-id=PutObject",
  "?list-type=2&prefix=laptops%2F2026&delimiter=%2F",
  "?b=2&a=1&a=0&b",
  "?a-b=1&a=2&a=10",
  "?uploads",
  "?X-Amz-Signature=ignored&x-amz-signature=ignored&q=%2A%21",
  "?empty=&plus=a+b&space=a%20b&tilde=~",
  "?%C3%BC=%E2%82%AC&Z=z",
];

/** Signed header values, as a client may send them. */
const VALUES = ["plain", "two  spaces", "a\ttab", "runs \t  of\t\twhite", "x-y;z,w"];

Deno.test("canonicalRequest() is the SDK signer's canonical request, for S3 and other paths, queries and header values", () => {
  let compared = 0;
  for (const s3 of [true, false]) {
    for (const path of PATHS) {
      for (const search of QUERIES) {
        for (const value of VALUES) {
          const url = new URL(`http://127.0.0.1:4570${path}${search}`);
          const headers = new Headers({
            host: url.host,
            "x-amz-date": "20261206T120000Z",
            "x-amz-meta-note": value,
          });
          const list = signedHeaderList("x-amz-meta-note;Host; x-amz-date;host");
          const values = new Map(list.names.map((name) => [name, headers.get(name) ?? ""]));
          const query = parseQuery(url.search);
          const ours = canonicalRequest({
            method: "PUT",
            path: url.pathname,
            s3,
            query,
            headers: list,
            values,
            payloadHash: "UNSIGNED-PAYLOAD",
          });
          const theirs = signer(s3 ? "s3" : "sqs", s3).canonical(
            new HttpRequest({
              method: "PUT",
              hostname: url.hostname,
              // The SDK signs S3's path as its client encoded it, segment by segment.
              path: s3
                ? url.pathname.split("/").map((part) => escapeUri(safeDecode(part))).join("/")
                : url.pathname,
              query: Object.fromEntries(
                [...query].map(([name, all]) => [name, all.length === 1 ? all[0] ?? "" : all]),
              ),
              headers: Object.fromEntries(values),
            }),
            getCanonicalHeaders(
              { headers: Object.fromEntries(values) } as HttpRequest,
              undefined,
              new Set(list.names),
            ),
            "UNSIGNED-PAYLOAD",
          );
          assert.equal(ours, theirs, `${s3 ? "s3" : "sqs"} ${path}${search} ${value}`);
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 2 * PATHS.length * QUERIES.length * VALUES.length);
});

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

Deno.test("verifySignature() accepts requests the SDK signed with awkward paths, queries and values, and refuses them altered", async () => {
  // The S3 client encodes each segment of the key as escapeUri() does.
  const key = "/laptops/it's (a) key*!/ü.json".split("/").map(escapeUri).join("/");
  for (const [service, path] of [["s3", key], ["sqs", "/"]]) {
    for (const search of QUERIES.filter((q) => !/signature/i.test(q))) {
      const s3 = service === "s3";
      const url = new URL(`http://127.0.0.1:4570${path}${search}`);
      const query = parseQuery(url.search);
      const signed = await signer(service ?? "", s3).sign(
        new HttpRequest({
          method: "POST",
          hostname: url.hostname,
          port: 4570,
          path: s3 ? path ?? "/" : url.pathname,
          query: Object.fromEntries(
            [...query].map(([name, all]) => [name, all.length === 1 ? all[0] ?? "" : all]),
          ),
          headers: { host: url.host, "x-amz-meta-note": "runs \t  of\t\twhite" },
          body: "{}",
        }),
        { signingDate: AT },
      );
      const request = {
        method: "POST",
        url,
        headers: new Headers(signed.headers),
        body: new TextEncoder().encode("{}"),
      };
      const checked = verifySignature(request, { secretOf, now: AT });
      assert.deepEqual(checked, { ok: true, accessKeyId: KEY }, `${service} ${search}`);
      const other = new URL(url);
      other.searchParams.append("extra", "1");
      const altered = verifySignature({ ...request, url: other }, { secretOf, now: AT });
      assert.equal(!altered.ok && altered.failure.kind, "mismatch", `${service} ${search}`);
    }
  }
});

Deno.test("verifySignature() refuses a wrong signature after the right one, whatever it kept", async () => {
  const body = '{"TableName":"laptops"}';
  const sign = (secret: string) =>
    signer("dynamodb", false, secret).sign(
      new HttpRequest({
        method: "POST",
        hostname: "127.0.0.1",
        port: 4570,
        path: "/",
        headers: {
          host: "127.0.0.1:4570",
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.GetItem",
        },
        body,
      }),
      { signingDate: AT },
    );
  const request = (headers: Record<string, string>) => ({
    method: "POST",
    url: new URL("http://127.0.0.1:4570/"),
    headers: new Headers(headers),
    body: new TextEncoder().encode(body),
  });
  const right = request((await sign(SECRET)).headers);
  const wrong = request((await sign("not the secret")).headers);
  for (let i = 0; i < 3; i++) {
    assert.equal(verifySignature(right, { secretOf, now: AT }).ok, true);
    const refused = verifySignature(wrong, { secretOf, now: AT });
    assert.equal(!refused.ok && refused.failure.kind, "mismatch");
    // The same signature on another request is refused too.
    const retargeted = new Headers(right.headers);
    retargeted.set("x-amz-target", "DynamoDB_20120810.DeleteItem");
    const moved = verifySignature({ ...right, headers: retargeted }, { secretOf, now: AT });
    assert.equal(!moved.ok && moved.failure.kind, "mismatch");
  }
  // Another secret for the same key, date, region and service: the key kept is not reused.
  const rotated = verifySignature(right, { secretOf: () => "rotated", now: AT });
  assert.equal(!rotated.ok && rotated.failure.kind, "mismatch");
});

Deno.test("signedHeaderList() sorts the names once each, lower-cased, and keeps the client's order", () => {
  const list = signedHeaderList("X-Amz-Date;host; content-type;host");
  assert.deepEqual(list.names, ["x-amz-date", "host", "content-type", "host"]);
  assert.deepEqual(list.sorted, ["content-type", "host", "x-amz-date"]);
  assert.equal(list.line, "content-type;host;x-amz-date");
  assert.equal(signedHeaderList("X-Amz-Date;host; content-type;host"), list);
});

Deno.test("HmacKey is HMAC-SHA256 for short, block-sized and long keys, and stays reusable", () => {
  const keys = ["", "k", "x".repeat(64), "y".repeat(65), new Uint8Array(32).fill(7)];
  const messages = ["", "message", "ü€ unicode", new Uint8Array([0, 1, 2, 255]), "z".repeat(1000)];
  for (const key of keys) {
    const hmac = new HmacKey(key);
    for (let round = 0; round < 2; round++) {
      for (const message of messages) {
        const want = createHmac("sha256", key).update(message).digest("hex");
        assert.equal(hmac.hex(message), want);
        assert.equal(Buffer.from(hmac.digest(message)).toString("hex"), want);
      }
    }
  }
});
