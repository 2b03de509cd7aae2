import assert from "node:assert/strict";
import { parseCommandLine, parseFlags, parseNumber, runProgram } from "../../lib/cli.ts";
import { ConfigError, UsageError } from "../../lib/errors.ts";

const OPTIONS = { wait: { type: "string", default: "20" }, json: { type: "boolean" } } as const;

/** Runs `body` with console.log and console.error collected instead of printed. */
async function captured<T>(body: () => T | Promise<T>) {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => out.push(args.join(" "));
  console.error = (...args: unknown[]) => err.push(args.join(" "));
  try {
    return { result: await body(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("parseFlags() reads flags with their defaults and adds -h/--help", () => {
  const { values, positionals } = parseFlags(["--json"], { options: OPTIONS });
  assert.deepEqual({ ...values }, { wait: "20", json: true, help: false });
  assert.deepEqual(positionals, []);
  assert.equal(parseFlags(["-h"], { options: OPTIONS }).values.help, true);
  const named = parseFlags(["a.json"], { options: {}, allowPositionals: true });
  assert.deepEqual(named.positionals, ["a.json"]);
});

Deno.test("parseFlags() throws a UsageError for an unknown flag, a missing value or an argument", () => {
  for (const args of [["--nope"], ["--wait"], ["extra"]]) {
    assert.throws(() => parseFlags(args, { options: OPTIONS }), (error: unknown) => {
      assert.ok(error instanceof UsageError, args.join(" "));
      assert.equal(error.name, "UsageError");
      assert.ok(error.cause instanceof Error, "keeps parseArgs' error");
      return true;
    });
  }
});

Deno.test("parseCommandLine() prints the usage on --help and returns undefined", async () => {
  const spec = { usage: "Usage: example [--wait S]", options: OPTIONS };
  const help = await captured(() => parseCommandLine(["--help"], spec));
  assert.equal(help.result, undefined);
  assert.deepEqual(help.out, ["Usage: example [--wait S]"]);
  const plain = await captured(() => parseCommandLine(["--wait", "3"], spec));
  assert.equal(plain.result?.values.wait, "3");
  assert.deepEqual(plain.out, []);
});

Deno.test("parseNumber() takes digits within the bounds", () => {
  assert.equal(parseNumber("0", { flag: "port", min: 0, max: 65535 }), 0);
  assert.equal(parseNumber("65535", { flag: "port", min: 0, max: 65535 }), 65535);
  assert.equal(parseNumber("2.5", { flag: "rate", min: 0, whole: false }), 2.5);
  assert.equal(parseNumber("0.1", { flag: "timeout", above: 0, whole: false }), 0.1);
});

Deno.test("parseNumber() says what it expected and what it got", () => {
  const cases: [string, Parameters<typeof parseNumber>[1], string][] = [
    [
      "http",
      { flag: "port", min: 0, max: 65535 },
      'Invalid --port: expected 0 to 65535, got "http"',
    ],
    [
      "65536",
      { flag: "port", min: 0, max: 65535 },
      'Invalid --port: expected 0 to 65535, got "65536"',
    ],
    ["1e3", { flag: "items", min: 10 }, 'Invalid --items: expected 10 or more, got "1e3"'],
    ["-1", { flag: "items", min: 10 }, 'Invalid --items: expected 10 or more, got "-1"'],
    [
      "2.5",
      { flag: "wait", min: 0, max: 20, unit: "seconds" },
      'Invalid --wait: expected 0 to 20 seconds, got "2.5"',
    ],
    [
      "0",
      { flag: "timeout", above: 0, whole: false, unit: "seconds" },
      'Invalid --timeout: expected a positive number of seconds, got "0"',
    ],
    [
      "fast",
      { flag: "rate", min: 0, max: 10000, whole: false, unit: "items per second" },
      'Invalid --rate: expected a number of items per second from 0 to 10000, got "fast"',
    ],
    ["", { flag: "count", min: 1 }, 'Invalid --count: expected 1 or more, got ""'],
  ];
  for (const [raw, bounds, message] of cases) {
    assert.throws(() => parseNumber(raw, bounds), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.message, message);
      return true;
    });
  }
});

Deno.test("runProgram() answers a usage error with the message, the usage and exit code 2", async () => {
  const bad = await captured(() =>
    runProgram("Usage: example", () => {
      throw new UsageError('Invalid --wait: expected 0 to 20 seconds, got "x"');
    })
  );
  assert.equal(bad.result, 2);
  assert.deepEqual(bad.err, [
    'Invalid --wait: expected 0 to 20 seconds, got "x"\n\nUsage: example',
  ]);
  const good = await captured(() => runProgram("Usage: example", () => Promise.resolve(130)));
  assert.equal(good.result, 130);
  assert.deepEqual(good.err, []);
  await assert.rejects(
    runProgram("Usage: example", () => Promise.reject(new TypeError("other"))),
    TypeError,
  );
});

Deno.test("runProgram() answers a configuration error with its message and exit code 1", async () => {
  const bad = await captured(() =>
    runProgram("Usage: example", () => {
      throw new ConfigError("Cannot start example: AWS_REGION is not set", "AWS_REGION");
    })
  );
  assert.equal(bad.result, 1);
  assert.deepEqual(bad.err, ["Cannot start example: AWS_REGION is not set"]);
});
