/**
 * Running the project's programs as real processes with their `deno.json`
 * task's own command line (so with exactly the permissions a user's run
 * has), without `deno task` in between: a signal sent to the child reaches
 * the program itself, as Ctrl-C in a terminal does, and a SIGKILL leaves no
 * orphan behind.
 *
 * @module
 */

import config from "../../deno.json" with { type: "json" };

/**
 * The command and arguments of a `deno.json` task, `$HOME` expanded.
 *
 * @param name The task's name.
 * @returns The executable and its arguments.
 */
export function taskCommand(name: string): [string, string[]] {
  const task = (config.tasks as Record<string, string | { command: string }>)[name];
  if (task === undefined) throw new Error(`No task ${name} in deno.json`);
  const command = typeof task === "string" ? task : task.command;
  if (command.includes("&&")) throw new Error(`Task ${name} is not one command: ${command}`);
  const home = Deno.env.get("HOME") ?? "";
  const [executable = "deno", ...args] = command.replaceAll("$HOME", home).split(/\s+/);
  return [executable, args];
}

/** Options of {@linkcode startTask}. */
export interface StartOptions {
  /** Environment variables added to the test's own. */
  readonly env?: Record<string, string>;
  /** Called with each line of standard output. */
  readonly onStdout?: (line: string) => void;
  /** Called with each line of standard error. */
  readonly onStderr?: (line: string) => void;
}

/** A program started by {@linkcode startTask}. */
export interface TaskProcess extends AsyncDisposable {
  /** Process id. */
  readonly pid: number;
  /** Every line of standard output so far. */
  readonly stdout: string[];
  /** Every line of standard error so far. */
  readonly stderr: string[];
  /** Resolves with the exit status once the process ended and its output is read. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Resolves with the first output line (either stream) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal; no error when the process is gone already. */
  kill(signal?: Deno.Signal): void;
}

/**
 * Starts a task's program with extra arguments.
 *
 * @param name The `deno.json` task.
 * @param args Arguments after the task's own.
 * @param options Environment and line callbacks.
 * @returns The running process.
 */
export function startTask(
  name: string,
  args: string[],
  options: StartOptions = {},
): TaskProcess {
  const [command, taskArgs] = taskCommand(name);
  const child = new Deno.Command(command, {
    args: [...taskArgs, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const onLine = (line: string) => {
    for (const waiter of waiters) {
      if (waiter.pattern.test(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  };
  const reading = Promise.all([
    readLines(child.stdout, (line) => {
      stdout.push(line);
      options.onStdout?.(line);
      onLine(line);
    }),
    readLines(child.stderr, (line) => {
      stderr.push(line);
      options.onStderr?.(line);
      onLine(line);
    }),
  ]);
  const status = child.status.then(async (status) => {
    await reading;
    return status;
  });
  const kill = (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch {
      // Gone already.
    }
  };
  return {
    pid: child.pid,
    stdout,
    stderr,
    status,
    waitFor(pattern, timeoutMs = 30_000) {
      const seen = [...stdout, ...stderr].find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `${name}: no line matching ${pattern} within ${timeoutMs} ms; stderr:\n${
                stderr.slice(-20).join("\n")
              }`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
        status.then(() => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(
            new Error(
              `${name} exited before a line matching ${pattern}; stderr:\n${
                stderr.slice(-20).join("\n")
              }`,
            ),
          );
        });
      });
    },
    kill,
    async [Symbol.asyncDispose]() {
      kill("SIGKILL");
      await status;
    },
  };
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  }
  if (buffer !== "") onLine(buffer);
}
