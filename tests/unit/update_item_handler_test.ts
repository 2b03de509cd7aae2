import assert from "node:assert/strict";
import { handler } from "../../lambda/update_item.ts";
import { sqsEvent, sqsRecord } from "../_helpers/sqs_events.ts";

Deno.test("handler() refuses to run without its table and queue, naming the variable", async () => {
  const saved = Deno.env.get("AWS_DYNAMODB_TABLE");
  Deno.env.delete("AWS_DYNAMODB_TABLE");
  try {
    await assert.rejects(
      handler(sqsEvent(sqsRecord("a", "{}"))),
      /^ConfigError: Cannot start update_item: AWS_DYNAMODB_TABLE is not set$/m,
    );
  } finally {
    if (saved !== undefined) Deno.env.set("AWS_DYNAMODB_TABLE", saved);
  }
});
