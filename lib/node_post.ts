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

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/**
 * Sends a request with a string body and answers its status (the body is
 * read and dropped): what the OTLP exporter needs of `fetch`.
 *
 * @param input The URL.
 * @param init Method, headers, body and abort signal.
 * @returns The answer, without its body.
 */
export function nodePost(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const body = new TextEncoder().encode(typeof init.body === "string" ? init.body : "");
  const headers: Record<string, string> = { "content-length": String(body.byteLength) };
  new Headers(init.headers).forEach((value, name) => headers[name] = value);
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(url, {
      method: init.method ?? "POST",
      headers,
      agent: secure ? agents["https:"] : agents["http:"],
      ...(init.signal ? { signal: init.signal } : {}),
    }, (response) => {
      response.resume();
      response.on("end", () => resolve(new Response(null, { status: response.statusCode ?? 500 })));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}
