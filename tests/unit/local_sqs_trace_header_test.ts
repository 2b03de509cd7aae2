import assert from "node:assert/strict";
import {
  attributesMd5,
  hideTraceHeaders,
  revealTraceHeaders,
  TRACE_HEADER_ATTRIBUTE,
} from "../../local/sqs/_trace_header.ts";

const HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
const SYSTEM = { AWSTraceHeader: { DataType: "String", StringValue: HEADER } };
const OWN = { k: { DataType: "String", StringValue: "v" } };

Deno.test("attributesMd5() gives AWS's digest of message attributes", () => {
  // The digest moto 5 (moto.sqs.models.Message.attribute_md5) gives for these attributes.
  assert.equal(attributesMd5(OWN), "0a77b0642718c3d9dd47090567d11e0d");
});

Deno.test("hideTraceHeaders() moves a send's AWSTraceHeader into the reserved attribute", () => {
  assert.deepEqual(
    hideTraceHeaders("SendMessage", {
      QueueUrl: "q",
      MessageBody: "b",
      MessageSystemAttributes: SYSTEM,
    }),
    {
      QueueUrl: "q",
      MessageBody: "b",
      MessageAttributes: { [TRACE_HEADER_ATTRIBUTE]: { DataType: "String", StringValue: HEADER } },
    },
  );
  const batch = hideTraceHeaders("SendMessageBatch", {
    Entries: [
      { Id: "a", MessageBody: "b", MessageAttributes: OWN, MessageSystemAttributes: SYSTEM },
      { Id: "c", MessageBody: "d" },
    ],
  });
  assert.deepEqual(batch.Entries, [
    {
      Id: "a",
      MessageBody: "b",
      MessageAttributes: {
        ...OWN,
        [TRACE_HEADER_ATTRIBUTE]: { DataType: "String", StringValue: HEADER },
      },
    },
    { Id: "c", MessageBody: "d" },
  ]);
  const receive = { QueueUrl: "q", MessageSystemAttributeNames: ["AWSTraceHeader"] };
  assert.deepEqual(hideTraceHeaders("ReceiveMessage", receive).MessageAttributeNames, [
    TRACE_HEADER_ATTRIBUTE,
  ]);
  assert.equal(
    hideTraceHeaders("ReceiveMessage", { QueueUrl: "q" }).MessageAttributeNames,
    undefined,
  );
});

Deno.test("revealTraceHeaders() answers a send with the digests AWS gives", () => {
  const sent = revealTraceHeaders(
    "SendMessageBatch",
    {
      Entries: [{ Id: "a", MessageAttributes: OWN, MessageSystemAttributes: SYSTEM }, { Id: "c" }],
    },
    { Successful: [{ Id: "a", MD5OfMessageAttributes: "fauxqs's" }, { Id: "c" }], Failed: [] },
  );
  assert.deepEqual(sent.Successful, [
    {
      Id: "a",
      MD5OfMessageAttributes: attributesMd5(OWN),
      MD5OfMessageSystemAttributes: attributesMd5(SYSTEM),
    },
    { Id: "c" },
  ]);
  const single = revealTraceHeaders("SendMessage", { MessageSystemAttributes: SYSTEM }, {
    MessageId: "m",
    MD5OfMessageAttributes: "fauxqs's",
  });
  assert.equal(JSON.parse(JSON.stringify(single)).MD5OfMessageAttributes, undefined);
});

Deno.test("revealTraceHeaders() gives a received message its AWSTraceHeader only when asked", () => {
  const message = {
    MessageId: "m",
    Attributes: { ApproximateReceiveCount: "1" },
    MessageAttributes: {
      [TRACE_HEADER_ATTRIBUTE]: { DataType: "String", StringValue: HEADER },
      ...OWN,
    },
    MD5OfMessageAttributes: "fauxqs's",
  };
  const asked = revealTraceHeaders("ReceiveMessage", { AttributeNames: ["All"] }, {
    Messages: [message],
  });
  assert.deepEqual(asked.Messages, [{
    MessageId: "m",
    Attributes: { ApproximateReceiveCount: "1", AWSTraceHeader: HEADER },
    MessageAttributes: OWN,
    MD5OfMessageAttributes: attributesMd5(OWN),
  }]);
  const notAsked = revealTraceHeaders("ReceiveMessage", {}, {
    Messages: [{
      ...message,
      MessageAttributes: { [TRACE_HEADER_ATTRIBUTE]: { StringValue: HEADER } },
    }],
  });
  assert.deepEqual(notAsked.Messages, [{
    MessageId: "m",
    Attributes: { ApproximateReceiveCount: "1" },
  }]);
});

Deno.test("hideTraceHeaders() and revealTraceHeaders() pass sends without a trace header as they are", () => {
  const one = { QueueUrl: "q", MessageBody: "a", MessageAttributes: {} };
  const batch = {
    QueueUrl: "q",
    Entries: [{ Id: "1", MessageBody: "a" }, { Id: "2", MessageBody: "b" }],
  };
  assert.equal(hideTraceHeaders("SendMessage", one), one);
  assert.equal(hideTraceHeaders("SendMessageBatch", batch), batch);
  const sent = { MessageId: "m", MD5OfMessageBody: "x" };
  assert.equal(revealTraceHeaders("SendMessage", one, sent), sent);
  const results = { Successful: [{ Id: "1", MessageId: "m" }], Failed: [] };
  assert.equal(revealTraceHeaders("SendMessageBatch", batch, results), results);
  // One entry with a header: that entry is changed, the answer gets its digests.
  const traced = {
    ...batch,
    Entries: [...batch.Entries, {
      Id: "3",
      MessageBody: "c",
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1" } },
    }],
  };
  const hidden = hideTraceHeaders("SendMessageBatch", traced);
  assert.notEqual(hidden, traced);
  const revealed = revealTraceHeaders("SendMessageBatch", traced, {
    Successful: [{ Id: "3", MessageId: "m3" }],
  });
  assert.equal(
    typeof (revealed.Successful as Record<string, unknown>[])[0]!.MD5OfMessageSystemAttributes,
    "string",
  );
});
