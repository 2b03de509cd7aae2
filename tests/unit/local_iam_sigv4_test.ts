/**
 * Signature verification against AWS's published SigV4 examples (Amazon S3
 * API Reference: "Examples: Signature Calculations in AWS Signature Version
 * 4", "Authenticating Requests: Using Query Parameters" and "Transferring
 * Payload in Multiple Chunks (Chunked Upload)"), and against requests signed
 * by the SDK's signer for the JSON services.
 */

import assert from "node:assert/strict";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { type SignedRequest, verifySignature } from "../../local/iam/_sigv4.ts";

// The credentials and time of AWS's examples.
const KEY = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const AT = new Date("2013-05-24T00:00:00Z");
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SCOPE = `${KEY}/20130524/us-east-1/s3/aws4_request`;

const secretOf = (key: string) => (key === KEY ? SECRET : undefined);

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Uint8Array | string = new Uint8Array(),
): SignedRequest {
  return {
    method,
    url: new URL(url),
    headers: new Headers(headers),
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
  };
}

function authorization(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${SCOPE},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

/** AWS's "GET Object" example: a Range header, an empty payload. */
function getObject(signature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41") {
  return request("GET", "https://examplebucket.s3.amazonaws.com/test.txt", {
    host: "examplebucket.s3.amazonaws.com",
    range: "bytes=0-9",
    "x-amz-content-sha256": EMPTY_SHA256,
    "x-amz-date": "20130524T000000Z",
    authorization: authorization("host;range;x-amz-content-sha256;x-amz-date", signature),
  });
}

Deno.test("verifySignature() accepts AWS's GET Object example", async () => {
  assert.deepEqual(await verifySignature(getObject(), { secretOf, now: AT }), {
    ok: true,
    accessKeyId: KEY,
  });
});

Deno.test("verifySignature() accepts AWS's PUT Object example (a signed Date header, $ in the key)", async () => {
  const body = "Welcome to Amazon S3.";
  const checked = await verifySignature(
    request(
      "PUT",
      "https://examplebucket.s3.amazonaws.com/test$file.text",
      {
        host: "examplebucket.s3.amazonaws.com",
        date: "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-date": "20130524T000000Z",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
        authorization: authorization(
          "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
          "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
        ),
      },
      body,
    ),
    { secretOf, now: AT },
  );
  assert.equal(checked.ok, true);
});

Deno.test("verifySignature() accepts AWS's GET Bucket example (a query string)", async () => {
  const checked = await verifySignature(
    request("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", {
      host: "examplebucket.s3.amazonaws.com",
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": "20130524T000000Z",
      authorization: authorization(
        "host;x-amz-content-sha256;x-amz-date",
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
      ),
    }),
    { secretOf, now: AT },
  );
  assert.equal(checked.ok, true);
});

const PRESIGNED = "https://examplebucket.s3.amazonaws.com/test.txt" +
  "?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
  "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
  "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
  "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

Deno.test("verifySignature() accepts AWS's presigned URL example and refuses it once expired", async () => {
  const presigned = request("GET", PRESIGNED, { host: "examplebucket.s3.amazonaws.com" });
  assert.equal((await verifySignature(presigned, { secretOf, now: AT })).ok, true);
  const later = new Date(AT.getTime() + 86_401_000);
  const expired = await verifySignature(presigned, { secretOf, now: later });
  assert.equal(!expired.ok && expired.failure.kind, "presignExpired");
  const tampered = request("GET", PRESIGNED.replace("test.txt", "other.txt"), {
    host: "examplebucket.s3.amazonaws.com",
  });
  const refused = await verifySignature(tampered, { secretOf, now: AT });
  assert.equal(!refused.ok && refused.failure.kind, "mismatch");
});

/** AWS's chunked upload example: 66,560 bytes of "a" in chunks of 64 KiB, 1 KiB and 0. */
function chunkedUpload(corrupt = false): SignedRequest {
  const chunks: [number, string][] = [
    [65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"],
    [1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"],
    [0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"],
  ];
  let body = "";
  for (const [size, signature] of chunks) {
    const data = "a".repeat(size);
    body += `${size.toString(16)};chunk-signature=${signature}\r\n${
      corrupt && size === 1024 ? `b${data.slice(1)}` : data
    }\r\n`;
  }
  assert.equal(body.length, 66824);
  return request(
    "PUT",
    "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
    {
      host: "s3.amazonaws.com",
      "x-amz-date": "20130524T000000Z",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": "66560",
      "content-length": "66824",
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      authorization: authorization(
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;" +
          "x-amz-decoded-content-length;x-amz-storage-class",
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      ),
    },
    body,
  );
}

Deno.test("verifySignature() checks AWS's chunked upload example chunk by chunk", async () => {
  assert.equal((await verifySignature(chunkedUpload(), { secretOf, now: AT })).ok, true);
  const corrupt = await verifySignature(chunkedUpload(true), { secretOf, now: AT });
  assert.equal(!corrupt.ok && corrupt.failure.kind, "mismatch");
  assert.match(!corrupt.ok ? corrupt.failure.detail : "", /chunk 2/);
});

Deno.test("verifySignature() refuses a wrong signature, naming the canonical request", async () => {
  const checked = await verifySignature(getObject("0".repeat(64)), { secretOf, now: AT });
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.equal(checked.failure.kind, "mismatch");
  assert.equal(checked.failure.accessKeyId, KEY);
  assert.equal(
    checked.failure.canonicalRequest,
    [
      "GET",
      "/test.txt",
      "",
      "host:examplebucket.s3.amazonaws.com",
      "range:bytes=0-9",
      `x-amz-content-sha256:${EMPTY_SHA256}`,
      "x-amz-date:20130524T000000Z",
      "",
      "host;range;x-amz-content-sha256;x-amz-date",
      EMPTY_SHA256,
    ].join("\n"),
  );
});

Deno.test("verifySignature() refuses an unknown key and the right key with a wrong secret", async () => {
  const unknown = await verifySignature(getObject(), { secretOf: () => undefined, now: AT });
  assert.equal(!unknown.ok && unknown.failure.kind, "unknownKey");
  const wrong = await verifySignature(getObject(), { secretOf: () => "not-the-secret", now: AT });
  assert.equal(!wrong.ok && wrong.failure.kind, "mismatch");
});

Deno.test("verifySignature() refuses a request time more than 15 minutes off", async () => {
  const late = await verifySignature(getObject(), {
    secretOf,
    now: new Date(AT.getTime() + 16 * 60_000),
  });
  assert.equal(!late.ok && late.failure.kind, "expired");
  assert.equal(
    !late.ok && late.failure.detail,
    "Signature expired: 20130524T000000Z is now earlier than 20130524T000100Z (20130524T001600Z - 15 min.)",
  );
  const early = await verifySignature(getObject(), {
    secretOf,
    now: new Date(AT.getTime() - 16 * 60_000),
  });
  assert.equal(!early.ok && early.failure.kind, "notYetValid");
  const within = await verifySignature(getObject(), {
    secretOf,
    now: new Date(AT.getTime() + 14 * 60_000),
  });
  assert.equal(within.ok, true);
});

Deno.test("verifySignature() refuses a body that is not the signed x-amz-content-sha256", async () => {
  const body = "Welcome to Amazon S3!";
  const checked = await verifySignature(
    request("PUT", "https://examplebucket.s3.amazonaws.com/test$file.text", {
      host: "examplebucket.s3.amazonaws.com",
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
      authorization: authorization("host;x-amz-content-sha256;x-amz-date", "0".repeat(64)),
    }, body),
    { secretOf, now: AT },
  );
  assert.equal(!checked.ok && checked.failure.kind, "contentMismatch");
});

Deno.test("verifySignature() refuses a missing or malformed Authorization header", async () => {
  const missing = await verifySignature(
    request("GET", "http://127.0.0.1/laptops/a.json", { host: "127.0.0.1" }),
    { secretOf, now: AT },
  );
  assert.equal(!missing.ok && missing.failure.kind, "missing");
  for (
    const value of [
      "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3, SignedHeaders=host, Signature=00",
      "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
    ]
  ) {
    const malformed = await verifySignature(
      request("GET", "http://127.0.0.1/laptops/a.json", {
        host: "127.0.0.1",
        "x-amz-date": "20130524T000000Z",
        authorization: value,
      }),
      { secretOf, now: AT },
    );
    assert.equal(!malformed.ok && malformed.failure.kind, "malformed", value);
  }
});

/** A DynamoDB or SQS JSON request signed by the SDK's signer, as the clients sign it. */
async function sdkSigned(service: string, target: string, body: string, secret = SECRET) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: KEY, secretAccessKey: secret },
    region: "us-east-1",
    service,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      path: "/",
      headers: {
        host: "127.0.0.1:4566",
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": target,
      },
      body,
    }),
    { signingDate: AT },
  );
  return request("POST", "http://127.0.0.1:4566/", signed.headers, body);
}

Deno.test("verifySignature() accepts DynamoDB and SQS requests the SDK signed, and not altered ones", async () => {
  const ddb = await sdkSigned("dynamodb", "DynamoDB_20120810.PutItem", '{"TableName":"laptops"}');
  assert.equal((await verifySignature(ddb, { secretOf, now: AT })).ok, true);
  const sqs = await sdkSigned("sqs", "AmazonSQS.SendMessage", '{"QueueUrl":"q","MessageBody":"x"}');
  assert.equal((await verifySignature(sqs, { secretOf, now: AT })).ok, true);

  // The body is signed: another table is another request.
  const altered = { ...ddb, body: new TextEncoder().encode('{"TableName":"other"}') };
  const refused = await verifySignature(altered, { secretOf, now: AT });
  assert.equal(!refused.ok && refused.failure.kind, "contentMismatch");
  // So is every signed header.
  const headers = new Headers(ddb.headers);
  headers.set("x-amz-target", "DynamoDB_20120810.DeleteTable");
  const retargeted = await verifySignature({ ...ddb, headers }, { secretOf, now: AT });
  assert.equal(!retargeted.ok && retargeted.failure.kind, "mismatch");
  const wrongSecret = await sdkSigned("dynamodb", "DynamoDB_20120810.PutItem", "{}", "guess");
  const guessed = await verifySignature(wrongSecret, { secretOf, now: AT });
  assert.equal(!guessed.ok && guessed.failure.kind, "mismatch");
});
