/**
 * A real browser for the browser tests: Debian's chromium driven by
 * `playwright-core`, which runs in a Node.js child (`_browser_host.mjs`)
 * and takes one JSON command per line. The profile is a fresh folder under
 * `.local/tmp`, removed on close.
 *
 * @module
 */

import type { Page } from "playwright-core";
import config from "../../deno.json" with { type: "json" };
import { tempDir } from "../_helpers/e2e.ts";

/** Debian's chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Where Deno installed the pinned playwright-core (the type import above
 * makes every type check install it), for Node.js to load from.
 */
export function playwrightDir(): string {
  const specifier = (config.imports as Record<string, string>)["playwright-core"] ?? "";
  const version = specifier.slice(specifier.lastIndexOf("@") + 1);
  return `node_modules/.deno/playwright-core@${version}/node_modules/playwright-core`;
}

/** Why the browser tests cannot run here, or undefined when they can. */
export async function browserMissing(): Promise<string | undefined> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    return `${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)`;
  }
  try {
    await Deno.stat(`${playwrightDir()}/package.json`);
  } catch {
    return `${playwrightDir()} is missing (run deno install)`;
  }
  const node = await new Deno.Command("node", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  })
    .output().catch(() => undefined);
  if (node === undefined || !node.success) return "node (Node.js) is not on the PATH";
  return undefined;
}

/** An open page. */
export interface BrowserPage extends AsyncDisposable {
  /** Milliseconds the first navigation took (to the load event). */
  readonly loadMs: number;
  /** Evaluates a JavaScript expression in the page; returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Waits until a JavaScript expression is truthy; returns its value. */
  waitFor<T>(expression: string, timeoutMs?: number): Promise<T>;
  /** Clicks the first element matching a CSS selector. */
  click(selector: string): Promise<void>;
  /** Types into an input. */
  fill(selector: string, value: string): Promise<void>;
  /** Saves a PNG of the whole page. */
  screenshot(path: string): Promise<void>;
  /** Errors the page threw or logged so far. */
  errors(): Promise<string[]>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Options of {@linkcode openPage}. */
export interface OpenOptions {
  /** Viewport width. Default 1440. */
  readonly width?: number;
  /** Viewport height. Default 900. */
  readonly height?: number;
}

interface Answer {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/** Starts chromium with a fresh profile and opens `url`. */
export async function openPage(url: string, options: OpenOptions = {}): Promise<BrowserPage> {
  const profileDir = await tempDir("chromium-");
  const child = new Deno.Command("node", {
    args: ["tests/browser/_browser_host.mjs", playwrightDir()],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const waiting = new Map<number, PromiseWithResolvers<unknown>>();
  let nextId = 1;
  const stderr: string[] = [];

  const reading = (async () => {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter());
    for await (const line of lines) {
      const answer = JSON.parse(line) as Answer;
      const call = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (answer.ok) call?.resolve(answer.value);
      else call?.reject(new Error(`Browser: ${answer.error}`));
    }
    for (const call of waiting.values()) {
      call.reject(new Error(`The browser host exited: ${stderr.join("\n").slice(-2000)}`));
    }
  })();
  const readingErrors = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr.push(text);
  })();

  async function send<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = nextId++;
    const call = Promise.withResolvers<unknown>();
    waiting.set(id, call);
    await writer.write(new TextEncoder().encode(`${JSON.stringify({ id, op, ...fields })}\n`));
    return await call.promise as T;
  }

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= (async () => {
      try {
        await send("close");
      } catch {
        // Already gone.
      }
      await writer.close().catch(() => {});
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
      await Promise.allSettled([reading, readingErrors]);
      await Deno.remove(profileDir, { recursive: true }).catch(() => {});
    })();
    return closed;
  }

  let loadMs: number;
  try {
    ({ loadMs } = await send<{ loadMs: number }>("open", {
      url,
      profileDir,
      executablePath: CHROMIUM,
      width: options.width ?? 1440,
      height: options.height ?? 900,
    }));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    loadMs,
    evaluate: (expression) => send("eval", { expression }),
    async waitFor(expression, timeoutMs = 15_000) {
      try {
        return await send("waitFor", { expression, timeoutMs });
      } catch (error) {
        throw new Error(`Timed out waiting for ${expression}`, { cause: error });
      }
    },
    click: (selector) => send("click", { selector }),
    fill: (selector, value) => send("fill", { selector, value }),
    screenshot: (path) => send("screenshot", { path }),
    errors: () => send("errors"),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function lineSplitter(): TransformStream<string, string> {
  let buffer = "";
  return new TransformStream({
    transform(chunk, controller) {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") controller.enqueue(line);
    },
    flush(controller) {
      if (buffer.trim() !== "") controller.enqueue(buffer);
    },
  });
}

/** Keeps the import of Playwright's types (they document what the host drives). */
export type PlaywrightPage = Page;
