/**
 * CPU seconds of a process and all its descendants: the benchmark's own
 * process (the local AWS and the program workers' threads) and the Lambda's
 * Node.js containers, read from `/proc/<pid>/stat` (by `cat`; the tree from
 * `ps`). Children that ended and were waited for count in their parent's
 * `cutime`/`cstime`.
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/**
 * The processes under `root` (children, grandchildren, …) in `ps -e -o
 * pid=,ppid=` output.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { descendantPids } from "./process_tree_cpu.ts";
 *
 * assert.deepEqual(descendantPids(10, "  10 1\n  11 10\n  12 11\n  13 1\n"), [11, 12]);
 * ```
 *
 * @param root The top process.
 * @param ps One `pid ppid` pair a line.
 * @returns The descendants' pids, parents before children.
 */
export function descendantPids(root: number, ps: string): number[] {
  const children = new Map<number, number[]>();
  for (const line of ps.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined || !Number.isSafeInteger(pid)) continue;
    children.set(ppid, [...children.get(ppid) ?? [], pid]);
  }
  const found: number[] = [];
  const queue = [...children.get(root) ?? []];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (pid === root || found.includes(pid)) continue;
    found.push(pid);
    queue.push(...children.get(pid) ?? []);
  }
  return found;
}

/**
 * The CPU ticks in `/proc/<pid>/stat` lines: `utime + stime + cutime +
 * cstime` of each, summed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { statCpuTicks } from "./process_tree_cpu.ts";
 *
 * const stat = "42 (deno) S 1 42 42 0 -1 4194560 10 0 0 0 150 30 7 3 20 0";
 * assert.equal(statCpuTicks(stat), 190);
 * ```
 *
 * @param stats One stat line a process.
 * @returns The ticks.
 * @throws {TypeError} When a non-empty line is not a `/proc/<pid>/stat` line.
 */
export function statCpuTicks(stats: string): number {
  let ticks = 0;
  for (const stat of stats.split("\n")) {
    if (stat.trim() === "") continue;
    const close = stat.lastIndexOf(")");
    // After ")": state(3) … utime(14) stime(15) cutime(16) cstime(17): indices 11 to 14.
    const fields = close < 0 ? [] : stat.slice(close + 1).trim().split(/\s+/).slice(11, 15);
    const times = fields.map(Number);
    if (times.length < 4 || !times.every(Number.isSafeInteger)) {
      throw new TypeError(`Cannot parse /proc stat: the CPU times are missing in "${stat}"`);
    }
    for (const time of times) ticks += time;
  }
  return ticks;
}

/**
 * CPU seconds so far of a process and its descendants alive now (a
 * process that ends between `ps` and `cat` is left out).
 *
 * @param root The top process. Defaults to this one.
 * @returns CPU seconds, user and system.
 */
export async function processTreeCpuSeconds(root: number = Deno.pid): Promise<number> {
  const ps = await run("ps", ["-e", "-o", "pid=,ppid="], true);
  const pids = [root, ...descendantPids(root, ps)];
  // `cat` fails for a process gone meanwhile but prints the others.
  const stats = await run("cat", pids.map((pid) => `/proc/${pid}/stat`), false);
  return statCpuTicks(stats) / CLOCK_TICKS_PER_S;
}

async function run(command: string, args: string[], mustSucceed: boolean): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  if (mustSucceed && !output.success) {
    const message = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Cannot read the CPU time of the processes: ${command} failed: ${message}`);
  }
  return new TextDecoder().decode(output.stdout);
}
