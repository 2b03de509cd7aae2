import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };

const SHORT = /(^|\s)-(A|[NERWS]|[a-zA-Z]*A[a-zA-Z]*)(\s|$)/;

function commands(): [string, string][] {
  return Object.entries(config.tasks as Record<string, string | { command: string }>).map((
    [name, task],
  ) => [name, typeof task === "string" ? task : task.command]);
}

/** Finds the permission flags of a task command that are not scoped. */
function unscopedFlags(command: string): string[] {
  const problems: string[] = [];
  for (const word of command.split(/\s+/)) {
    if (word === "--allow-all") problems.push(word);
    else if (/^--allow-[a-z-]+$/.test(word)) problems.push(word);
    else if (/^--allow-[a-z-]+=$/.test(word)) problems.push(word);
    else if (/^--allow-[a-z]+=(.*,)?(\*|\/|\.)(,.*)?$/.test(word)) {
      problems.push(word);
    }
  }
  if (SHORT.test(command)) problems.push(command.match(SHORT)?.[0]?.trim() ?? "-A");
  return problems;
}

Deno.test("unscopedFlags() finds every form of unscoped permission", () => {
  assert.deepEqual(unscopedFlags("deno run -A x.ts"), ["-A"]);
  assert.deepEqual(unscopedFlags("deno run --allow-all x.ts"), ["--allow-all"]);
  assert.deepEqual(unscopedFlags("deno run --allow-net x.ts"), ["--allow-net"]);
  assert.deepEqual(unscopedFlags("deno test --allow-read= x.ts"), ["--allow-read="]);
  assert.deepEqual(unscopedFlags("deno run --allow-read=/ x.ts"), ["--allow-read=/"]);
  assert.deepEqual(unscopedFlags("deno run -N x.ts"), ["-N"]);
  assert.deepEqual(unscopedFlags("deno run --allow-net=127.0.0.1 --allow-env=AWS_* x.ts"), []);
});

Deno.test("deno.json tasks scope every permission flag", () => {
  const tasks = commands();
  assert.ok(tasks.length >= 5, "the tasks are read");
  for (const [name, command] of tasks) {
    assert.deepEqual(unscopedFlags(command), [], `task ${name}: ${command}`);
  }
});

Deno.test("deno.json tasks that run the programs load .env and allow only what they use", () => {
  const tasks = Object.fromEntries(commands());
  for (const name of ["generate", "service"]) {
    const command = tasks[name] ?? "";
    assert.match(command, /--env-file=\.env/, name);
    assert.match(command, /--allow-net=127\.0\.0\.1,localhost,\*\.amazonaws\.com\s/, name);
    assert.doesNotMatch(command, /--allow-(run|ffi|sys)/, name);
  }
  assert.match(tasks.generate ?? "", /--allow-write=out\s/);
  assert.doesNotMatch(tasks.service ?? "", /--allow-write/);
});

Deno.test("deno.json tasks reach only this machine and AWS over the network", () => {
  for (const [name, command] of commands()) {
    for (const flag of command.match(/--allow-net=\S+/g) ?? []) {
      for (const host of flag.slice("--allow-net=".length).split(",")) {
        assert.match(
          host,
          /^(127\.0\.0\.1|localhost|\*\.amazonaws\.com)(:\d+)?$/,
          `task ${name} may reach ${host}`,
        );
      }
    }
  }
});
