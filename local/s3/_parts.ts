/**
 * S3 reads by part (`partNumber` on `GetObject` and `HeadObject`): the
 * argument's checks and the bytes a part number selects. Pure. Sources: the
 * API reference, "GetObject" and "HeadObject" (`partNumber`,
 * `x-amz-mp-parts-count`), and "UploadPart" (part numbers 1 to 10,000).
 *
 * - `partNumber` with a `Range` header: 400 `InvalidRequest`, before any
 *   other check of the part number.
 * - A part number that is not an integer from 1 to 10,000: 400
 *   `InvalidArgument`.
 * - Past the object's last part: 416 `InvalidPartNumber`. An object written
 *   in one piece has one part, the whole object.
 * - Parts are numbered by their position in the completed object, not by
 *   the numbers they were uploaded with (an upload completed with parts 1
 *   and 3 has parts 1 and 2).
 *
 * @module
 */

import type { S3ErrorSpec } from "./_location.ts";

/** The largest part number S3 accepts. */
export const MAX_PART_NUMBER = 10_000;

/** Where one part lies in its object. */
export interface PartBounds {
  /** Offset of its first byte. */
  readonly offset: number;
  /** Its size in bytes. */
  readonly length: number;
}

/** The bytes a part number selects. */
export interface PartSelection {
  /** First byte. */
  readonly start: number;
  /** Last byte (inclusive; `start - 1` for an empty part). */
  readonly end: number;
  /** The object's part count, for a multipart object (`x-amz-mp-parts-count`). */
  readonly partsCount?: number;
}

/**
 * Checks a request's `partNumber` and returns it, or the error S3 answers.
 *
 * @example Usage
 * ```ts
 * import { parsePartNumber } from "./_parts.ts";
 *
 * parsePartNumber("2", undefined); // 2
 * ```
 */
export function parsePartNumber(value: string, range: string | undefined): number | S3ErrorSpec {
  if (range !== undefined) {
    return {
      status: 400,
      code: "InvalidRequest",
      message: "Cannot specify both Range header and partNumber query parameter",
    };
  }
  const number = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    return {
      status: 400,
      code: "InvalidArgument",
      message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      extra: { ArgumentName: "partNumber", ArgumentValue: value },
    };
  }
  return number;
}

/**
 * The bytes of part `partNumber` of an object of `size` bytes whose parts
 * are `parts` (undefined: written in one piece), or S3's 416.
 *
 * @example Usage
 * ```ts
 * import { selectPart } from "./_parts.ts";
 *
 * selectPart(2, [{ offset: 0, length: 5 }, { offset: 5, length: 3 }], 8);
 * // { start: 5, end: 7, partsCount: 2 }
 * ```
 */
export function selectPart(
  partNumber: number,
  parts: readonly PartBounds[] | undefined,
  size: number,
): PartSelection | S3ErrorSpec {
  const count = parts?.length ?? 1;
  const part = parts === undefined
    ? (partNumber === 1 ? { offset: 0, length: size } : undefined)
    : parts[partNumber - 1];
  if (part === undefined) {
    return {
      status: 416,
      code: "InvalidPartNumber",
      message: "The requested partnumber is not satisfiable",
      extra: { PartNumberRequested: String(partNumber), ActualPartCount: String(count) },
    };
  }
  return {
    start: part.offset,
    end: part.offset + part.length - 1,
    ...(parts === undefined ? {} : { partsCount: count }),
  };
}
