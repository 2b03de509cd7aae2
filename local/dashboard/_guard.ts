/**
 * Who may talk to the dashboard: pages of the dashboard itself, on the
 * loopback address it was opened at. Every request must name the local AWS
 * as its `Host` (a page of another site that rebinds its name to 127.0.0.1
 * is refused); a request that changes something must be a JSON `POST` that
 * a browser marks as same-origin (`Sec-Fetch-Site`, `Origin`), so another
 * site's page cannot submit one. Pure.
 *
 * @module
 */

/** Why a request is refused. */
export interface Refusal {
  /** HTTP status. */
  readonly status: number;
  /** Message for the answer's body. */
  readonly message: string;
}

/** The names the local AWS answers to on `port`. */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/**
 * Checks a dashboard request.
 *
 * @example Usage
 * ```ts
 * import { checkDashboardRequest } from "./_guard.ts";
 *
 * const refusal = checkDashboardRequest(
 *   "POST",
 *   new Headers({ host: "127.0.0.1:4566", origin: "https://evil.example" }),
 *   { port: 4566, mutating: true },
 * );
 * console.log(refusal?.status); // 403
 * ```
 *
 * @param method HTTP method.
 * @param headers Request headers.
 * @param options The port it listens on; whether the route changes something.
 * @returns Why it is refused, or undefined when it may go on.
 */
export function checkDashboardRequest(
  method: string,
  headers: Headers,
  options: { readonly port: number; readonly mutating: boolean },
): Refusal | undefined {
  const host = (headers.get("host") ?? "").toLowerCase();
  if (!allowedHosts(options.port).includes(host)) {
    return {
      status: 421,
      message: `The dashboard answers only to ${allowedHosts(options.port)[0]}`,
    };
  }
  if (!options.mutating) {
    if (method !== "GET" && method !== "HEAD") {
      return { status: 405, message: `Method ${method} is not allowed here: use GET` };
    }
    return undefined;
  }
  if (method !== "POST") {
    return { status: 405, message: `Method ${method} is not allowed here: use POST` };
  }
  const type = headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    return { status: 415, message: "Cannot accept the request: send application/json" };
  }
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") {
    return { status: 403, message: `Cannot accept a ${site} request: use the dashboard's page` };
  }
  const origin = headers.get("origin");
  if (origin !== null && origin.toLowerCase() !== `http://${host}`) {
    return {
      status: 403,
      message: `Cannot accept a request from ${origin}: use the dashboard's page`,
    };
  }
  return undefined;
}
