import assert from "node:assert/strict";
import {
  droppedResponse,
  faultError,
  renderFaultError,
  wireProtocol,
} from "../../local/faults/_responses.ts";

function inner(url: string, headers: Record<string, string> = {}) {
  return { method: "POST", url, headers, body: new Uint8Array() };
}

function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

Deno.test("faultError() gives each service AWS's own codes and statuses", () => {
  const pick = (s: Parameters<typeof faultError>[0], k: "error" | "throttle", a: boolean) => {
    const { status, code } = faultError(s, k, a);
    return `${status} ${code}`;
  };
  // "service kind": [the common answer, the alternative], as AWS documents them
  const expected: Record<string, [string, string]> = {
    "dynamodb error": ["500 InternalServerError", "503 ServiceUnavailable"],
    "dynamodb throttle": ["400 ProvisionedThroughputExceededException", "400 ThrottlingException"],
    "sqs error": ["500 InternalFailure", "503 ServiceUnavailable"],
    "sqs throttle": ["403 RequestThrottled", "400 ThrottlingException"],
    "s3 error": ["500 InternalError", "503 ServiceUnavailable"],
    "s3 throttle": ["503 SlowDown", "503 SlowDown"],
  };
  for (const [key, [common, alternative]] of Object.entries(expected)) {
    const [service, kind] = key.split(" ") as [
      Parameters<typeof faultError>[0],
      "error" | "throttle",
    ];
    assert.equal(pick(service, kind, false), common, key);
    assert.equal(pick(service, kind, true), alternative, `${key}, alternative`);
  }
});

Deno.test("wireProtocol() tells JSON, query and REST-XML requests apart", () => {
  assert.equal(wireProtocol(inner("/", { "x-amz-target": "AmazonSQS.SendMessage" })), "json");
  assert.equal(wireProtocol(inner("/?Action=SendMessage&Version=2012-11-05")), "query");
  assert.equal(
    wireProtocol(
      inner("/", { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }),
    ),
    "query",
  );
  assert.equal(wireProtocol(inner("/laptops/a.json")), "rest-xml");
});

Deno.test("renderFaultError() writes DynamoDB's JSON error", () => {
  const answer = renderFaultError(faultError("dynamodb", "throttle", false), "json");
  assert.equal(answer.status, 400);
  assert.equal(answer.headers["content-type"], "application/x-amz-json-1.0");
  assert.equal(answer.headers["x-amzn-query-error"], undefined);
  const body = JSON.parse(text(answer.body));
  assert.equal(
    body.__type,
    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  );
  assert.match(body.message, /provisioned throughput/);
});

Deno.test("renderFaultError() writes SQS's JSON error with its query-compatible code", () => {
  const answer = renderFaultError(faultError("sqs", "throttle", false), "json");
  assert.equal(answer.status, 403);
  assert.equal(answer.headers["x-amzn-query-error"], "RequestThrottled;Sender");
  assert.equal(JSON.parse(text(answer.body)).__type, "com.amazonaws.sqs#RequestThrottled");
  const failure = renderFaultError(faultError("sqs", "error", false), "json");
  assert.equal(failure.headers["x-amzn-query-error"], "InternalFailure;Receiver");
});

Deno.test("renderFaultError() writes the query protocol's XML error", () => {
  const answer = renderFaultError(faultError("sqs", "throttle", true), "query");
  assert.equal(answer.status, 400);
  assert.equal(answer.headers["content-type"], "text/xml");
  assert.match(
    text(answer.body),
    /^<\?xml version="1\.0"\?><ErrorResponse><Error><Type>Sender<\/Type><Code>ThrottlingException<\/Code><Message>Rate exceeded<\/Message><Detail\/><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
  );
});

Deno.test("renderFaultError() writes S3's XML error with its request id", () => {
  const answer = renderFaultError(faultError("s3", "throttle", false), "rest-xml");
  assert.equal(answer.status, 503);
  const id = answer.headers["x-amz-request-id"];
  assert.match(id ?? "", /^[0-9A-F]{16}$/);
  assert.match(
    text(answer.body),
    /<Code>SlowDown<\/Code><Message>Please reduce your request rate\.<\/Message>/,
  );
  assert.ok(text(answer.body).includes(`<RequestId>${id}</RequestId>`));
});

Deno.test("droppedResponse() announces a body it never sends", async () => {
  const response = droppedResponse(500);
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("content-length"), "64");
  assert.equal((await response.bytes()).length, 0);
});

Deno.test("droppedResponse() keeps an answer's headers and length and sends half its body", async () => {
  const body = new TextEncoder().encode('{"QueueUrl":"http://x"}');
  const response = droppedResponse(
    200,
    new Headers({ "content-type": "application/x-amz-json-1.0", "content-length": "1" }),
    body,
  );
  assert.equal(response.headers.get("content-type"), "application/x-amz-json-1.0");
  assert.equal(response.headers.get("content-length"), String(body.length));
  assert.equal((await response.bytes()).length, Math.floor(body.length / 2));
});
