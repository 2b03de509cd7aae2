import assert from "node:assert/strict";
import { jsonToQueryXml, queryErrorXml, queryToJson } from "../../local/sqs/_query.ts";

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-xml-api-responses.html

Deno.test("queryToJson() reads flattened lists, maps and batch entries", () => {
  const params = new URLSearchParams({
    "Action": "SendMessageBatch",
    "Version": "2012-11-05",
    "QueueUrl": "http://q",
    "SendMessageBatchRequestEntry.2.Id": "b",
    "SendMessageBatchRequestEntry.2.MessageBody": "two",
    "SendMessageBatchRequestEntry.1.Id": "a",
    "SendMessageBatchRequestEntry.1.MessageBody": "one",
    "SendMessageBatchRequestEntry.1.DelaySeconds": "5",
    "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name": "n",
    "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType": "Number",
    "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue": "1",
  });
  assert.deepEqual(queryToJson("SendMessageBatch", params), {
    QueueUrl: "http://q",
    Entries: [
      {
        Id: "a",
        MessageBody: "one",
        DelaySeconds: 5,
        MessageAttributes: { n: { DataType: "Number", StringValue: "1" } },
      },
      { Id: "b", MessageBody: "two" },
    ],
  });
});

Deno.test("queryToJson() names CreateQueue's tags and attributes as the JSON protocol does", () => {
  const params = new URLSearchParams(
    "Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40" +
      "&Tag.1.Key=team&Tag.1.Value=x&AttributeName.1=All",
  );
  assert.deepEqual(queryToJson("CreateQueue", params), {
    QueueName: "q",
    Attributes: { VisibilityTimeout: "40" },
    tags: { team: "x" },
    AttributeNames: ["All"],
  });
});

Deno.test("jsonToQueryXml() wraps results and flattens lists and maps", () => {
  const xml = jsonToQueryXml("ReceiveMessage", {
    Messages: [{
      MessageId: "m",
      Body: "a<b",
      Attributes: { SentTimestamp: "1" },
      MessageAttributes: { n: { DataType: "Number", StringValue: "1" } },
    }],
  }, "req");
  assert.match(xml, /^<\?xml version="1.0"\?><ReceiveMessageResponse xmlns="[^"]+">/);
  assert.match(
    xml,
    /<ReceiveMessageResult><Message><MessageId>m<\/MessageId><Body>a&lt;b<\/Body><Attribute><Name>SentTimestamp<\/Name><Value>1<\/Value><\/Attribute><MessageAttribute><Name>n<\/Name><Value><DataType>Number<\/DataType><StringValue>1<\/StringValue><\/Value><\/MessageAttribute><\/Message><\/ReceiveMessageResult>/,
  );
  assert.match(xml, /<ResponseMetadata><RequestId>req<\/RequestId><\/ResponseMetadata>/);
});

Deno.test("jsonToQueryXml() names batch entries and omits an empty result", () => {
  assert.match(
    jsonToQueryXml("DeleteMessageBatch", { Successful: [{ Id: "a" }], Failed: [] }, "r"),
    /<DeleteMessageBatchResult><DeleteMessageBatchResultEntry><Id>a<\/Id><\/DeleteMessageBatchResultEntry><\/DeleteMessageBatchResult>/,
  );
  assert.doesNotMatch(jsonToQueryXml("DeleteQueue", {}, "r"), /Result>/);
  assert.match(
    jsonToQueryXml("ListQueues", { QueueUrls: ["u1", "u2"] }, "r"),
    /<ListQueuesResult><QueueUrl>u1<\/QueueUrl><QueueUrl>u2<\/QueueUrl><\/ListQueuesResult>/,
  );
});

Deno.test("queryErrorXml() uses the query protocol's code", () => {
  const xml = queryErrorXml({
    code: "QueueDoesNotExist",
    message: "The specified queue does not exist.",
  }, "r");
  assert.match(
    xml,
    /<Error><Type>Sender<\/Type><Code>AWS.SimpleQueueService.NonExistentQueue<\/Code><Message>The specified queue does not exist.<\/Message><Detail\/><\/Error><RequestId>r<\/RequestId>/,
  );
});
