/**
 * The programs under chaos: each kept running by a {@linkcode Supervised},
 * killed at random by {@linkcode killNext}, and the faults the local AWS
 * injected counted across its restarts.
 *
 * @module
 */

import { RESOURCES } from "../../lib/resources.ts";
import { startTask, type TaskProcess } from "../_helpers/processes.ts";
import { delay } from "../_helpers/wait.ts";

/** Seconds a received message stays invisible: short, so that a killed consumer's come back soon. */
export const VISIBILITY_SECONDS = 3;
/** The function's timeout: at most the visibility timeout, as AWS requires. */
export const FUNCTION_TIMEOUT_SECONDS = 2;
/** A program the chaos test kills. */
export type Victim = "service" | "lambda" | "aws";

/** A program kept running: started again when it exits without being told to. */
export class Supervised {
  readonly name: Victim;
  readonly #start: () => TaskProcess;
  readonly #ready: RegExp | undefined;
  #process: TaskProcess | undefined;
  #expectExit = false;
  #stopped = false;
  kills = 0;
  unexpectedExits = 0;

  constructor(name: Victim, start: () => TaskProcess, ready?: RegExp) {
    this.name = name;
    this.#start = start;
    this.#ready = ready;
  }

  /** Starts it and waits until it is ready, trying again while it exits at start. */
  async up(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const process = this.#start();
      this.#process = process;
      this.#expectExit = false;
      try {
        if (this.#ready) await process.waitFor(this.#ready, 30_000);
        this.#watch(process);
        return;
      } catch (error) {
        await process.status;
        if (Date.now() > deadline) throw error;
        await delay(300);
      }
    }
  }

  /** SIGKILL, and wait for the end. */
  async kill(): Promise<void> {
    const process = this.#process;
    if (process === undefined) return;
    this.#expectExit = true;
    process.kill("SIGKILL");
    await process.status;
    this.kills++;
  }

  /** SIGTERM, and wait for a clean end; SIGKILL after 15 s. */
  async stop(): Promise<Deno.CommandStatus | undefined> {
    this.#stopped = true;
    const process = this.#process;
    if (process === undefined) return undefined;
    this.#expectExit = true;
    const started = performance.now();
    process.kill("SIGTERM");
    const timer = setTimeout(() => process.kill("SIGKILL"), 15_000);
    const status = await process.status;
    clearTimeout(timer);
    console.log(`  ${this.name} stopped in ${Math.round(performance.now() - started)} ms`);
    return status;
  }

  #watch(process: TaskProcess): void {
    process.status.then(async () => {
      if (this.#expectExit || this.#stopped || this.#process !== process) return;
      // It ended on its own (for example it started while the local AWS was down).
      this.unexpectedExits++;
      await delay(300);
      if (!this.#stopped && this.#process === process) await this.up();
    });
  }
}

/** What {@linkcode superviseAll} starts the programs with. */
export interface SuperviseOptions {
  readonly port: number;
  readonly endpoint: string;
  readonly dataDir: string;
  readonly code: string;
  readonly faultRate: string;
  readonly seed: number;
  readonly onServiceLine: (line: string) => void;
}

/** The local AWS, the Lambda runner and the service, each restarted when killed. */
export function superviseAll(options: SuperviseOptions): Record<Victim, Supervised> {
  const aws = new Supervised(
    "aws",
    () =>
      startTask("local", [
        "--no-lambda",
        "--port",
        String(options.port),
        "--data-dir",
        options.dataDir,
        "--visibility-timeout",
        String(VISIBILITY_SECONDS),
        "--fault-rate",
        options.faultRate,
        "--fault-seed",
        String(options.seed),
      ]),
    /local AWS ready/,
  );
  const lambda = new Supervised(
    "lambda",
    () =>
      startTask("lambda", [
        "--endpoint",
        options.endpoint,
        "--code",
        options.code,
        "--timeout",
        String(FUNCTION_TIMEOUT_SECONDS),
      ]),
    /Lambda runner ready/,
  );
  const service = new Supervised(
    "service",
    () =>
      startTask("service", ["--json", "--wait", "1"], {
        env: { AWS_ENDPOINT_URL: options.endpoint, AWS_REGION: RESOURCES.region },
        onStdout: options.onServiceLine,
      }),
  );
  return { aws, lambda, service };
}

/** Faults injected, across the local AWS's restarts (each one counts from 0 again). */
export class FaultCounter {
  #before = 0;
  #now = 0;
  readonly #endpoint: string;

  constructor(endpoint: string) {
    this.#endpoint = endpoint;
  }

  /** Faults so far. */
  get total(): number {
    return this.#before + this.#now;
  }

  /** Reads the running local AWS's count; keeps the last one while it is down. */
  async read(): Promise<void> {
    try {
      const response = await fetch(`${this.#endpoint}/_local/faults`, {
        signal: AbortSignal.timeout(1_000),
      });
      this.#now = (await response.json()).stats.faults;
    } catch {
      // Down or restarting.
    }
  }

  /** Reads the count, then turns the local AWS's faults off (for the checks at the end). */
  async clear(): Promise<void> {
    await this.read();
    await fetch(`${this.#endpoint}/_local/faults`, { method: "DELETE" }).then((r) =>
      r.body?.cancel()
    );
  }

  /** Before the local AWS is killed: reads, and keeps the count as it restarts from 0. */
  async bank(): Promise<void> {
    await this.read();
    this.#before += this.#now;
    this.#now = 0;
  }
}

/** Kills per program, and exits at start (restarted). */
export function restarts(supervised: Record<Victim, Supervised>): string {
  const all = Object.values(supervised);
  return `kills ${all.map((s) => `${s.name} ${s.kills}`).join(", ")}; ` +
    `exits at start (restarted) ${all.map((s) => `${s.name} ${s.unexpectedExits}`).join(", ")}`;
}

/** What {@linkcode killNext} works with. */
export interface KillContext {
  readonly supervised: Record<Victim, Supervised>;
  readonly faults: FaultCounter;
  readonly random: () => number;
  readonly log: (text: string) => void;
  /** Counts a kill; returns the count. */
  readonly killed: () => number;
  /** Items handled so far, of those generated. */
  readonly progress: () => string;
}

/**
 * SIGKILLs the next victim (a new shuffled round of the three when none is
 * left) and brings it back up after 0.1 to 1.5 s.
 */
export async function killNext(victims: Victim[], context: KillContext): Promise<void> {
  const { supervised, faults, random, log } = context;
  if (victims.length === 0) {
    victims.push(...shuffle<Victim>(["service", "lambda", "aws"], random));
  }
  const victim = supervised[victims.shift()!];
  if (victim === supervised.aws) await faults.bank();
  await victim.kill();
  const kills = context.killed();
  const down = 100 + random() * (1_500 - 100);
  log(
    `SIGKILL ${victim.name} (kill ${kills}); handled ${context.progress()}; back in ${
      Math.round(down)
    } ms`,
  );
  await delay(down);
  await victim.up();
}

/** Shuffles `list` in place with `random`, and returns it. */
export function shuffle<T>(list: T[], random: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
