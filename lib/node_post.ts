/**
 * A `fetch` for POSTs over `node:http(s)`, for the exporter under Node.js:
 * Node's global `fetch` (undici) costs several milliseconds of CPU on some
 * calls, which a Lambda invocation would pay; `node:http` with a keep-alive
 * agent costs a fraction of one.
 *
 * @module
 */

import http from "node:http";
import https from "node:https";
import { Buffer } from "node:buffer";
import type { OtlpRequestInit, OtlpResponse } from "./otlp_exporter.ts";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/**
 * Sends a POST with a string body and answers its status (the body is read
 * and dropped): what the OTLP exporter needs to send an export.
 * Neither `Headers` nor `Response` is used: in Node.js they belong to its
 * `fetch` (undici), which a first use would load and compile, more CPU than
 * many exports.
 *
 * @param url The URL.
 * @param init Method, headers, body and abort signal.
 * @returns The answer's status.
 */
export function nodePost(url: string, init: OtlpRequestInit): Promise<OtlpResponse> {
  const target = new URL(url);
  const body = Buffer.from(init.body, "utf8");
  const headers: Record<string, string> = { "content-length": String(body.byteLength) };
  for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] = value;
  const secure = target.protocol === "https:";
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(target, {
      method: init.method,
      headers,
      agent: secure ? agents["https:"] : agents["http:"],
      signal: init.signal,
    }, (response) => {
      response.resume();
      response.on("end", () => {
        const status = response.statusCode ?? 500;
        resolve({ ok: status >= 200 && status < 300, status, body: null });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}
