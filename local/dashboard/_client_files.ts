/**
 * The page's script: the ES modules of `client/`, served as they are (no
 * build step; they are checked by `deno check` and `deno lint` with the
 * rest). Read once, on the first request for one (so a local AWS whose
 * dashboard is never opened needs no read permission), and only the `.js`
 * files directly in that folder, by exact name: no other path can be
 * asked for. Each answer carries an ETag; the browser revalidates
 * (`no-cache`) and gets a 304 while the file is unchanged.
 *
 * @module
 */

/** A file name the page may ask for: `app.js`, `trace_states.js`. */
const NAME = /^[a-z][a-z0-9_]*\.js$/;

/** The folder of the page's modules. */
const CLIENT_DIR = new URL("./client/", import.meta.url);

interface ClientFile {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

/** Serves the page's modules. */
export interface ClientFiles {
  /** Whether a name could be one of the modules (`app.js`); says nothing of whether it exists. */
  isName(name: string): boolean;
  /** The answer for a module, or undefined when there is no such module. */
  answer(
    name: string,
    request: Request,
    headers: Readonly<Record<string, string>>,
  ): Promise<Response | undefined>;
}

/**
 * Serves the modules of `dir` (default: `client/` beside this file).
 *
 * @example Usage
 * ```ts
 * import { createClientFiles } from "./_client_files.ts";
 *
 * const files = createClientFiles();
 * const request = new Request("http://127.0.0.1:4566/_local/dashboard/app.js");
 * const response = await files.answer("app.js", request, {});
 * console.log(response?.status, response?.headers.get("content-type"));
 * await response?.body?.cancel();
 * ```
 */
export function createClientFiles(dir: URL = CLIENT_DIR): ClientFiles {
  let loading: Promise<Map<string, ClientFile>> | undefined;

  async function load(): Promise<Map<string, ClientFile>> {
    const files = new Map<string, ClientFile>();
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isFile || !NAME.test(entry.name)) continue;
        const bytes = await Deno.readFile(new URL(entry.name, dir));
        files.set(entry.name, { bytes, etag: await etagOf(bytes) });
      }
    } catch (error) {
      loading = undefined;
      throw new Error(`Cannot read the dashboard's script in ${dir.pathname}`, { cause: error });
    }
    return files;
  }

  return {
    isName: (name) => NAME.test(name),
    async answer(name, request, headers) {
      if (!NAME.test(name)) return undefined;
      const file = (await (loading ??= load())).get(name);
      if (file === undefined) return undefined;
      const fileHeaders = {
        ...headers,
        "cache-control": "no-cache",
        etag: file.etag,
        "content-type": "text/javascript; charset=utf-8",
      };
      if (request.headers.get("if-none-match") === file.etag) {
        return new Response(null, { status: 304, headers: fileHeaders });
      }
      return new Response(request.method === "HEAD" ? null : file.bytes, { headers: fileHeaders });
    },
  };
}

async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest.subarray(0, 12), (byte) => byte.toString(16).padStart(2, "0"));
  return `"${hex.join("")}"`;
}
