import assert from "node:assert/strict";
import { TableDescriptions } from "../../local/engines/_dynalite_tables.ts";
import type { TableCallback, TableDescription } from "../../local/engines/_dynalite_tables.ts";

/** A store like dynalite's: descriptions kept as JSON under `table~<name>`, each read counted. */
function tableStore(mirrored: boolean) {
  const stored = new Map<string, string>();
  const calls: unknown[][] = [];
  const db = mirrored ? { storedNow: (key: string) => stored.get(key) } : {};
  const store = {
    db,
    getTable(name: string, checkStatus: unknown, callback?: TableCallback): void {
      calls.push(callback === undefined ? [name] : [name, checkStatus]);
      const answer = (callback ?? checkStatus) as TableCallback;
      const json = stored.get(`table~${name}`);
      if (json === undefined) return void setTimeout(answer, 0, new Error("NotFoundError"));
      setTimeout(answer, 0, null, JSON.parse(json));
    },
  };
  const put = (table: TableDescription & { TableName: string }) =>
    stored.set(`table~${table.TableName}`, JSON.stringify(table));
  return { store, calls, put };
}

function read(
  store: { getTable(name: string, checkStatus: unknown, callback?: TableCallback): void },
  name: string,
  checkStatus?: boolean,
): Promise<{ error: unknown; table: TableDescription | undefined }> {
  return new Promise((resolve) => {
    const callback: TableCallback = (error, table) => resolve({ error, table });
    if (checkStatus === undefined) store.getTable(name, callback);
    else store.getTable(name, checkStatus, callback);
  });
}

Deno.test("TableDescriptions.forRequest() reads each table once per request", async () => {
  const { store, calls, put } = tableStore(false);
  put({ TableName: "items", TableStatus: "ACTIVE" });
  put({ TableName: "others", TableStatus: "ACTIVE" });
  const tables = new TableDescriptions(store.db);
  const request = tables.forRequest(store);
  const first = await read(request, "items");
  const again = await read(request, "items");
  assert.deepEqual(first, { error: null, table: { TableName: "items", TableStatus: "ACTIVE" } });
  assert.equal(again.table, first.table);
  assert.deepEqual((await read(request, "others", false)).table?.TableStatus, "ACTIVE");
  assert.deepEqual(calls, [["items"], ["others", false]], "dynalite's arguments as given");
  await read(tables.forRequest(store), "items");
  assert.equal(calls.length, 3, "a store without a Map is read again by the next request");
});

Deno.test("TableDescriptions.forRequest() keeps a description while its stored string is the same", async () => {
  const { store, calls, put } = tableStore(true);
  put({ TableName: "items", TableStatus: "ACTIVE" });
  const tables = new TableDescriptions(store.db);
  const first = await read(tables.forRequest(store), "items");
  const next = await read(tables.forRequest(store), "items");
  assert.equal(next.table, first.table);
  assert.equal(calls.length, 1);
  put({ TableName: "items", TableStatus: "UPDATING" });
  const changed = await read(tables.forRequest(store), "items");
  assert.deepEqual(changed.table, { TableName: "items", TableStatus: "UPDATING" });
  assert.equal(calls.length, 2);
});

Deno.test("TableDescriptions.forRequest() reads a table being created or deleted, or missing, each time", async () => {
  const { store, calls, put } = tableStore(true);
  const tables = new TableDescriptions(store.db);
  const request = tables.forRequest(store);
  for (const status of ["CREATING", "DELETING"]) {
    put({ TableName: "items", TableStatus: status });
    await read(request, "items");
    assert.equal((await read(tables.forRequest(store), "items")).table?.TableStatus, status);
  }
  const missing = await read(request, "nowhere");
  assert.ok(missing.error instanceof Error);
  assert.ok((await read(request, "nowhere")).error instanceof Error);
  assert.equal(calls.length, 6);
});
