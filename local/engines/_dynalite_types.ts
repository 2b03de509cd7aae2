/**
 * dynalite's type check of a request (`validations/index.js` `checkTypes`),
 * with its common case done without its per-value costs.
 *
 * dynalite's `checkTypes` walks the request along the operation's type
 * descriptions and builds a checked copy; for every attribute value it
 * parses a type name with a regular expression and builds the description
 * of an AttributeValue anew, which made it a tenth of a 25-item
 * BatchWriteItem. {@linkcode fastCheckTypes} builds the same copy for a
 * request whose every value already has its declared JSON type (strings for
 * strings, booleans, arrays, objects with only known, non-null fields) and
 * hands anything else (numbers to round, booleans written as strings,
 * binaries, nulls, unknown fields below the top level, any error) to
 * dynalite's own, untouched, so that answers and errors stay dynalite's.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** A type description of dynalite's (`validations/<operation>.js` `types`). */
type Description = unknown;

/** What a description says, read once. */
type Shape =
  | { readonly kind: "string" | "boolean" | "other" }
  | { readonly kind: "list" | "map"; readonly children: Description }
  | { readonly kind: "struct"; readonly fields: object };

/** Thrown (and caught here) when a request is not the common case. */
const NOT_COMMON = new Error("Not the common case");

/** The fields of an AttributeValue, in dynalite's order (`checkType`, `AttrStruct`). */
const ATTRIBUTE_VALUE = {
  S: "String",
  B: "Blob",
  N: "String",
  BOOL: "Boolean",
  NULL: "Boolean",
  BS: { type: "List", children: "Blob" },
  NS: { type: "List", children: "String" },
  SS: { type: "List", children: "String" },
  L: { type: "List", children: "AttrStruct<ValueStruct>" },
  M: { type: "Map<AttributeValue>", children: "AttrStruct<ValueStruct>" },
};

const TYPE_NAME = /(.+?)<(.+)>$/;

const namedShapes = new Map<string, Shape>();
const describedShapes = new WeakMap<object, Shape>();
const fieldLists = new WeakMap<object, { keys: string[]; descriptions: Description[] }>();

/**
 * Checks `data` against `types` as dynalite's `checkTypes` does, through
 * `checkTypes` itself for anything but the common case.
 *
 * @param checkTypes dynalite's own.
 * @returns The checked copy; throws what dynalite's own throws.
 */
export function fastCheckTypes(
  data: Json,
  types: object,
  checkTypes: (data: Json, types: unknown) => Json,
): Json {
  for (const key in data) {
    // As dynalite does first, at the top level only.
    if (!(types as Json)[key] || data[key] == null) delete data[key];
  }
  try {
    return checkStruct(data, types, false);
  } catch (error) {
    if (error !== NOT_COMMON) throw error;
    return checkTypes(data, types);
  }
}

function checkStruct(data: unknown, fields: object, strict: boolean): Json {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw NOT_COMMON;
  const values = data as Json;
  if (strict) {
    for (const key in values) {
      if (!Object.hasOwn(fields, key) || values[key] == null) throw NOT_COMMON;
    }
  }
  const { keys, descriptions } = fieldListOf(fields);
  const checked: Json = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = values[key];
    if (value == null) continue;
    checked[key] = checkValue(value, descriptions[i]);
  }
  return checked;
}

function checkValue(value: unknown, description: Description): unknown {
  if (value == null) throw NOT_COMMON;
  const shape = shapeOf(description);
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") throw NOT_COMMON;
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw NOT_COMMON;
      return value;
    case "list": {
      if (!Array.isArray(value)) throw NOT_COMMON;
      const checked: unknown[] = [];
      for (const item of value) checked.push(checkValue(item, shape.children));
      return checked;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw NOT_COMMON;
      const checked: Json = {};
      for (const key of Object.keys(value)) {
        if (key === "__proto__") throw NOT_COMMON;
        checked[key] = checkValue((value as Json)[key], shape.children);
      }
      return checked;
    }
    case "struct":
      return checkStruct(value, shape.fields, true);
    default:
      throw NOT_COMMON;
  }
}

function fieldListOf(fields: object): { keys: string[]; descriptions: Description[] } {
  let list = fieldLists.get(fields);
  if (list === undefined) {
    const keys = Object.keys(fields);
    list = { keys, descriptions: keys.map((key) => (fields as Json)[key]) };
    fieldLists.set(fields, list);
  }
  return list;
}

function shapeOf(description: Description): Shape {
  if (typeof description === "string") {
    let shape = namedShapes.get(description);
    if (shape === undefined) {
      shape = readShape(description, undefined);
      namedShapes.set(description, shape);
    }
    return shape;
  }
  if (description === null || typeof description !== "object") return { kind: "other" };
  let shape = describedShapes.get(description);
  if (shape === undefined) {
    const { type, children } = description as { type?: unknown; children?: unknown };
    shape = typeof type === "string" && type !== ""
      ? readShape(type, typeof children === "string" ? { type: children } : children)
      : { kind: "other" };
    describedShapes.set(description, shape);
  }
  return shape;
}

/** What dynalite's `checkType` does with a type name and its children. */
function readShape(type: string, children: unknown): Shape {
  const parts = TYPE_NAME.exec(type);
  const kind = parts?.[1] ?? type;
  switch (kind) {
    case "String":
      return { kind: "string" };
    case "Boolean":
      return { kind: "boolean" };
    case "List":
    case "ParameterizedList":
    case "Map":
    case "ParameterizedMap":
      if (children === null || children === undefined) return { kind: "other" };
      return { kind: kind.endsWith("List") ? "list" : "map", children };
    case "ValueStruct":
    case "FieldStruct":
      if (children === null || typeof children !== "object") return { kind: "other" };
      return { kind: "struct", fields: children };
    case "AttrStruct":
      if (parts?.[2] !== "ValueStruct" && parts?.[2] !== "FieldStruct") return { kind: "other" };
      return { kind: "struct", fields: ATTRIBUTE_VALUE };
    default:
      return { kind: "other" };
  }
}
