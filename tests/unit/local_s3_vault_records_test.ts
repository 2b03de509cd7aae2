import assert from "node:assert/strict";
import { startFauxqs } from "../../local/engines/mod.ts";

Deno.test("startFauxqs() vault reads each record as last written", async () => {
  const fauxqs = await startFauxqs({ region: "us-east-1" });
  try {
    const { vault } = fauxqs;
    assert.equal(vault.readRecord("bucket/b"), undefined);
    vault.writeRecord("bucket/b", '{"region":"eu-west-1"}');
    assert.equal(vault.readRecord("bucket/b"), '{"region":"eu-west-1"}');
    assert.equal(vault.readRecord("bucket/b"), '{"region":"eu-west-1"}', "read again");
    vault.writeRecord("bucket/b", '{"region":"eu-west-1","versioning":"Enabled"}');
    assert.equal(vault.readRecord("bucket/b"), '{"region":"eu-west-1","versioning":"Enabled"}');
    vault.deleteRecord("bucket/b");
    assert.equal(vault.readRecord("bucket/b"), undefined);
    vault.writeRecord("bucket/b", "{}");
    assert.equal(vault.readRecord("bucket/b"), "{}");
  } finally {
    await fauxqs.close();
  }
});
