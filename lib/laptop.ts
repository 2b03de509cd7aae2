/**
 * The laptop record: what the generator makes, the file holds and the
 * DynamoDB item stores.
 *
 * @module
 */

/** One laptop record. The keys are the file's JSON keys and the item's attribute names. */
export interface Laptop {
  /** Random UUID (version 4); the table's hash key. */
  readonly uuid: string;
  /** Maker of the laptop, such as `"Lenovo"`. */
  readonly constructor: string;
  /** One of that maker's models. */
  readonly model: string;
  /** Release year, from 2010 to the year the record was made. */
  readonly year: number;
  /**
   * When the record was made or last updated: ISO 8601 in UTC, with
   * milliseconds. A record made by the original Python project holds its
   * `str(datetime.now())` (`2026-12-06 12:27:30.563563`, local time, no zone)
   * until the Lambda updates it; see {@linkcode timestampMillis}.
   */
  readonly timestamp: string;
}

/** Makers and their models, the generator's source of records. */
export const LAPTOP_MODELS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Acer: ["Swift 3", "Aspire 5", "Predator Helios 300"],
  Apple: ["MacBook Air", "MacBook Pro 14", "MacBook Pro 16"],
  Asus: ["ZenBook 14", "VivoBook 15", "ROG Zephyrus G14"],
  Dell: ["XPS 13", "XPS 15", "Latitude 7440", "Inspiron 14"],
  Framework: ["Laptop 13", "Laptop 16"],
  HP: ["EliteBook 840", "Spectre x360", "Envy 13"],
  Lenovo: ["ThinkPad X1 Carbon", "ThinkPad T14", "Yoga Slim 7", "IdeaPad 5"],
  Microsoft: ["Surface Laptop 5", "Surface Laptop Studio", "Surface Pro 9"],
});

/** First release year a record can have. */
export const FIRST_YEAR = 2010;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Python's str(datetime.now()): the fraction is left out when it is zero.
const PYTHON_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?$/;
const KEYS = ["uuid", "constructor", "model", "year", "timestamp"] as const;

/** Sources of time and randomness for {@linkcode makeLaptop}. */
export interface MakeLaptopOptions {
  /** Current time. Defaults to `new Date()`. */
  readonly now?: Date;
  /** Uniform random number in [0, 1). Defaults to `Math.random`. */
  readonly random?: () => number;
  /** UUID v4 generator. Defaults to `crypto.randomUUID`. */
  readonly randomUuid?: () => string;
}

/**
 * Makes a random laptop record.
 *
 * @example Usage
 * ```ts
 * import { makeLaptop } from "./laptop.ts";
 *
 * const laptop = makeLaptop();
 * console.log(laptop.constructor, laptop.model, laptop.year);
 * ```
 *
 * @param options Sources of time and randomness, for tests.
 * @returns A new record.
 */
export function makeLaptop(options: MakeLaptopOptions = {}): Laptop {
  const {
    now = new Date(),
    random = Math.random,
    randomUuid = () => crypto.randomUUID(),
  } = options;
  const makers = Object.keys(LAPTOP_MODELS).sort();
  const maker = pick(makers, random);
  const model = pick(LAPTOP_MODELS[maker] ?? [], random);
  const lastYear = now.getUTCFullYear();
  const year = FIRST_YEAR + Math.floor(random() * (lastYear - FIRST_YEAR + 1));
  return { uuid: randomUuid(), constructor: maker, model, year, timestamp: now.toISOString() };
}

/**
 * Checks that a value is exactly a laptop record: the five keys, no others,
 * each of the right type and form.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeLaptop, parseLaptop } from "./laptop.ts";
 *
 * const text = JSON.stringify(makeLaptop()); // e.g. the contents of out/laptop.json
 * const laptop = parseLaptop(JSON.parse(text));
 * assert.equal(typeof laptop.uuid, "string");
 * assert.throws(() => parseLaptop({ ...laptop, extra: 1 }), TypeError);
 * ```
 *
 * @param value A parsed JSON value or a DynamoDB item converted to plain values.
 * @returns The value, typed.
 * @throws {TypeError} Naming the first problem found.
 */
export function parseLaptop(value: unknown): Laptop {
  const fail = (detail: string): never => {
    throw new TypeError(`Cannot parse laptop record: ${detail}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("it is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  for (const key of KEYS) {
    if (!Object.hasOwn(record, key)) fail(`"${key}" is missing`);
  }
  const extra = Object.keys(record).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (extra.length > 0) fail(`unexpected key ${JSON.stringify(extra[0])}`);
  const { uuid, model, year, timestamp } = record;
  const maker: unknown = record["constructor"];
  if (typeof uuid !== "string" || !UUID_V4.test(uuid)) fail('"uuid" is not a lowercase UUID v4');
  if (typeof maker !== "string" || maker.length === 0 || maker.length > 100) {
    fail('"constructor" is not a non-empty string');
  }
  if (typeof model !== "string" || model.length === 0 || model.length > 100) {
    fail('"model" is not a non-empty string');
  }
  if (typeof year !== "number" || !Number.isInteger(year) || year < FIRST_YEAR || year > 9999) {
    fail(`"year" is not a whole number from ${FIRST_YEAR}`);
  }
  if (typeof timestamp !== "string" || isNaN(timestampMillis(timestamp))) {
    fail(
      '"timestamp" is not an ISO 8601 UTC time such as 2026-01-31T12:00:00.000Z ' +
        "or the original project's local time such as 2026-01-31 12:00:00.000000",
    );
  }
  return {
    uuid: uuid as string,
    constructor: maker as string,
    model: model as string,
    year: year as number,
    timestamp: timestamp as string,
  };
}

/**
 * The time a record's timestamp stands for, in milliseconds since the epoch.
 *
 * Two forms are accepted: this project's ISO 8601 in UTC
 * (`2026-12-06T12:27:30.563Z`) and the original Python project's
 * `str(datetime.now())` (`2026-12-06 12:27:30.563563`, or without the
 * fraction when it is zero). The original's form carries no zone: it is read
 * as this machine's local time, the zone the original wrote it in when both
 * run on one machine. Microseconds are cut to milliseconds.
 *
 * @example Usage
 * ```ts
 * import { timestampMillis } from "./laptop.ts";
 *
 * timestampMillis("2026-12-06T12:27:30.563Z"); // 1796560050563
 * timestampMillis("2026-12-06 12:27:30.563563"); // the same instant in this machine's zone
 * timestampMillis("yesterday"); // NaN
 * ```
 *
 * @param timestamp A record's `timestamp`.
 * @returns Milliseconds since the epoch, or `NaN` when it is in neither form
 * or names no real date.
 */
export function timestampMillis(timestamp: string): number {
  if (ISO_UTC.test(timestamp)) {
    const millis = Date.parse(timestamp);
    return !isNaN(millis) && new Date(millis).toISOString() === timestamp ? millis : NaN;
  }
  const match = PYTHON_LOCAL.exec(timestamp);
  if (match === null) return NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const millisecond = Math.floor(Number(match[7] ?? "0") / 1000);
  const date = new Date(year!, month! - 1, day!, hour!, minute!, second!, millisecond);
  const real = date.getFullYear() === year && date.getMonth() === month! - 1 &&
    date.getDate() === day && date.getHours() === hour && date.getMinutes() === minute;
  return real ? date.getTime() : NaN;
}

/**
 * Whether a string is a lowercase UUID v4, the form of every record's key.
 *
 * @param value The string to check.
 * @returns `true` for a UUID v4.
 */
export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}

function pick<T>(values: readonly T[], random: () => number): T {
  const value = values[Math.min(values.length - 1, Math.floor(random() * values.length))];
  if (value === undefined) throw new RangeError("Cannot pick from an empty list");
  return value;
}
