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
  /** When the record was made or last updated: ISO 8601 in UTC, with milliseconds. */
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
  if (typeof timestamp !== "string" || !ISO_UTC.test(timestamp) || isNaN(Date.parse(timestamp))) {
    fail('"timestamp" is not an ISO 8601 UTC time such as 2026-01-31T12:00:00.000Z');
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
