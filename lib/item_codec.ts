/**
 * Converting laptop records to and from DynamoDB's attribute values.
 *
 * @module
 */

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { type Laptop, parseLaptop } from "./laptop.ts";

/** A DynamoDB item as the low-level client sends and returns it. */
export type Item = Record<string, AttributeValue>;

/**
 * Converts a record to a DynamoDB item with the same keys: strings as `S`,
 * the year as `N`.
 *
 * @param laptop The record.
 * @returns The item.
 */
export function laptopToItem(laptop: Laptop): Item {
  return {
    uuid: { S: laptop.uuid },
    constructor: { S: laptop.constructor },
    model: { S: laptop.model },
    year: { N: String(laptop.year) },
    timestamp: { S: laptop.timestamp },
  };
}

/**
 * Converts a DynamoDB item back to a record, checking it has the record's
 * keys and types and nothing else.
 *
 * @param item The item returned by `GetItem`.
 * @returns The record.
 * @throws {TypeError} When the item is not a laptop record.
 */
export function itemToLaptop(item: Item): Laptop {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value.S !== undefined) plain[key] = value.S;
    else if (value.N !== undefined) plain[key] = Number(value.N);
    else plain[key] = value;
  }
  return parseLaptop(plain);
}
