/**
 * The `Date` header of the emulators' answers.
 *
 * @module
 */

let dateSecond = 0;
let dateText = "";

/** The `Date` header value, computed once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
