import assert from "node:assert/strict";
import { s3ErrorXml, s3RequestId } from "../../local/s3/_error.ts";

Deno.test("s3ErrorXml() renders AWS's error document with extra elements", () => {
  assert.equal(
    s3ErrorXml({
      code: "PreconditionFailed",
      message: "At least one of the pre-conditions you specified did not hold",
      requestId: "0123456789ABCDEF",
      extra: { Condition: "If-None-Match" },
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
      "<Message>At least one of the pre-conditions you specified did not hold</Message>" +
      "<Condition>If-None-Match</Condition><RequestId>0123456789ABCDEF</RequestId>" +
      "<HostId>0123456789ABCDEF</HostId></Error>",
  );
});

Deno.test("s3ErrorXml() escapes markup in values", () => {
  const xml = s3ErrorXml({ code: "X", message: `a<b>&"c'`, requestId: "1" });
  assert.match(xml, /<Message>a&#60;b&#62;&#38;&#34;c&#39;<\/Message>/);
});

Deno.test("s3RequestId() makes 16 upper-case hex digits", () => {
  assert.match(s3RequestId(), /^[0-9A-F]{16}$/);
});
