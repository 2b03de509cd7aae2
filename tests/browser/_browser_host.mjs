// The browser side of the browser tests, run by Node.js: playwright-core
// drives Debian's chromium; the Deno test sends one JSON command per line on
// stdin and reads one JSON answer per line on stdout. Playwright runs under
// Node.js because it lists the whole environment at load time, which Deno
// allows only with an unscoped --allow-env.
//
// Usage: node _browser_host.mjs [playwright-core folder]
// Commands: open {url, profileDir, executablePath, width, height},
// eval {expression}, waitFor {expression, timeoutMs}, click {selector},
// fill {selector, value}, screenshot {path}, errors, close.

import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// The package's folder as Deno installed it (argument), else Node's resolution.
const { chromium } = await import(
  process.argv[2] === undefined
    ? "playwright-core"
    : pathToFileURL(resolve(process.argv[2], "index.mjs")).href
);

/** Flags for a headless, quiet, throwaway browser (the profile is fresh per run). */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--disable-dev-shm-usage",
  "--font-render-hinting=none",
];

let context;
let page;
const pageErrors = [];

async function run(command) {
  switch (command.op) {
    case "open": {
      context = await chromium.launchPersistentContext(command.profileDir, {
        executablePath: command.executablePath,
        headless: true,
        args: FLAGS,
        viewport: { width: command.width ?? 1440, height: command.height ?? 900 },
        deviceScaleFactor: 1,
        // The page forbids eval (script-src 'self'); the test's expressions need it.
        bypassCSP: true,
      });
      page = context.pages()[0] ?? await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
      });
      const started = Date.now();
      await page.goto(command.url, { waitUntil: "load" });
      return { loadMs: Date.now() - started };
    }
    case "eval":
      return await page.evaluate(command.expression);
    case "waitFor":
      await page.waitForFunction(command.expression, undefined, {
        timeout: command.timeoutMs ?? 15000,
        polling: 50,
      });
      return await page.evaluate(command.expression);
    case "click":
      await page.click(command.selector, { timeout: command.timeoutMs ?? 10000 });
      return null;
    case "fill":
      await page.fill(command.selector, command.value, { timeout: 10000 });
      return null;
    case "screenshot":
      await page.screenshot({ path: command.path, fullPage: command.fullPage ?? true });
      return null;
    case "errors":
      return pageErrors.slice();
    case "close":
      await context?.close();
      context = undefined;
      return null;
    default:
      throw new Error(`Unknown command: ${command.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const command = JSON.parse(line);
  try {
    const value = await run(command);
    process.stdout.write(`${JSON.stringify({ id: command.id, ok: true, value })}\n`);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({ id: command.id, ok: false, error: String(error?.message ?? error) })}\n`,
    );
  }
  if (command.op === "close") break;
}
await context?.close();
