/**
 * How the dashboard answers over HTTP: its security headers, JSON and page
 * answers, and the reading of whole-number query parameters. Pure.
 *
 * @module
 */

/** Headers of every answer: no caching, no sniffing, no other origin's code. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
};

/** A page or style sheet. */
export function asset(text: string, type: string): Response {
  return new Response(text, { headers: { ...SECURITY_HEADERS, "content-type": type } });
}

/** A JSON answer. */
export function json(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { ...SECURITY_HEADERS, ...headers, "content-type": "application/json" },
  });
}

/** A whole-number query parameter clamped to `[min, max]`, or `fallback` when absent or not whole. */
export function intParam(
  url: URL,
  name: string,
  fallback: number,
  range: { readonly min: number; readonly max: number },
): number {
  const value = Number(url.searchParams.get(name) ?? fallback);
  return Number.isInteger(value) ? Math.min(range.max, Math.max(range.min, value)) : fallback;
}

/** An error's message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
