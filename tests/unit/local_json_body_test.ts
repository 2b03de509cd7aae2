import assert from "node:assert/strict";
import { encodeJsonBody, jsonBody } from "../../local/core/_json_body.ts";

const encoder = new TextEncoder();

Deno.test("jsonBody() parses a body once and gives every reader the same value", () => {
  const body = encoder.encode('{"TableName":"laptops","Key":{"uuid":{"S":"a"}}}');
  const first = jsonBody(body);
  assert.deepEqual(first, { TableName: "laptops", Key: { uuid: { S: "a" } } });
  assert.equal(jsonBody(body), first);
});

Deno.test("jsonBody() parses another body of the same bytes on its own", () => {
  const text = '{"QueueUrl":"q"}';
  const one = jsonBody(encoder.encode(text));
  const other = jsonBody(encoder.encode(text));
  assert.deepEqual(one, other);
  assert.notEqual(one, other);
});

Deno.test("jsonBody() is undefined for an empty body and a body that is not JSON, every time", () => {
  const broken = encoder.encode("{not json");
  assert.equal(jsonBody(new Uint8Array()), undefined);
  assert.equal(jsonBody(broken), undefined);
  assert.equal(jsonBody(broken), undefined);
  assert.equal(jsonBody(encoder.encode("null")), null);
});

Deno.test("encodeJsonBody() writes the value's JSON and jsonBody() gives the value back unparsed", () => {
  const answer = { Responses: { laptops: [{ uuid: { S: "a" } }] } };
  const body = encodeJsonBody(answer);
  assert.equal(new TextDecoder().decode(body), JSON.stringify(answer));
  assert.equal(jsonBody(body), answer);
});
