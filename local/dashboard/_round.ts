/**
 * Milliseconds as the dashboard shows them. Pure.
 *
 * @module
 */

/** Rounds milliseconds to 0.1. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
