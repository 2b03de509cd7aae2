/**
 * A bounded memo of dynalite's expression parses.
 *
 * dynalite parses every UpdateExpression, ConditionExpression,
 * KeyConditionExpression, FilterExpression and ProjectionExpression with a
 * PEG parser (`db/conditionParser.js`, `db/updateParser.js`,
 * `db/projectionParser.js`), on every request; a client sends the same few
 * expressions again and again. {@linkcode ExpressionMemo} wraps one parser's
 * `parse` and answers a repeated parse from what the first one gave.
 *
 * What a parse depends on (read from the generated parsers' helpers):
 * - the expression and `context.attrNames` (whole: the resolved names go
 *   into the paths, the reserved-word, distinct-operand and path-overlap
 *   checks);
 * - of each `context.attrVals` value, only which type fields it has
 *   (`getType`, `getImmediateType`, `checkOperator`, `checkFunction`), except
 *   for BETWEEN (`checkBetweenArgs` compares the bounds and quotes them) and
 *   `attribute_type` (its type name): for an expression that may hold
 *   either, the values' contents are part of the key too;
 * - `context.isReserved` and `context.compare`, the same functions on every
 *   call (a call with others is not memoized).
 *
 * A parse returns an error message (a string), throws (a syntax error), or
 * returns a tree that holds the request's value objects by reference. The
 * memo keeps a template of the tree with a slot for each value and hands out
 * a fresh copy with the request's own values in the slots: dynalite's
 * operations change the tree they are given (UpdateItem resolves each SET
 * value in place, a Query rewrites its key condition). A parse also deletes
 * the names and values it used from `context.unusedAttrNames` and
 * `context.unusedAttrVals`; the memo records which and deletes them again.
 *
 * @module
 */

/** A parser's `parse` as dynalite calls it: `parse(input, { context })`. */
export type ExpressionParse = (input: string, options?: { context?: unknown }) => unknown;

/** Options of {@linkcode ExpressionMemo}. */
export interface ExpressionMemoOptions {
  /** How many parses the memo keeps, the least recently used dropped first (default 256). */
  readonly maxEntries?: number;
  /** Longer keys (long expressions, big BETWEEN bounds) are not memoized (default 8,192). */
  readonly maxKeyLength?: number;
}

/** What dynalite's `validateExpressions` hands its parsers. */
interface ParseContext {
  readonly attrNames?: Record<string, unknown>;
  readonly attrVals?: Record<string, unknown>;
  readonly unusedAttrNames?: Record<string, unknown>;
  readonly unusedAttrVals?: Record<string, unknown>;
  readonly isKeyCondition?: unknown;
  readonly isReserved?: unknown;
  readonly compare?: unknown;
}

/** Makes a fresh copy of a parsed tree with a request's values in it. */
type Build = (values: Record<string, unknown>, made: unknown[]) => unknown;

type Outcome =
  | { readonly kind: "returned"; readonly build: Build; readonly shared: number }
  | { readonly kind: "threw"; readonly error: unknown };

interface Entry {
  readonly outcome: Outcome;
  readonly usedNames: readonly string[];
  readonly usedValues: readonly string[];
}

/** Expressions whose parse may read a value's contents, not only its type. */
const READS_CONTENTS = /between|attribute_type/i;

/** A memoizing stand-in for one of dynalite's expression parsers. */
export class ExpressionMemo {
  readonly #parse: ExpressionParse;
  readonly #maxEntries: number;
  readonly #maxKeyLength: number;
  readonly #entries = new Map<string, Entry>();
  #isReserved: unknown;
  #compare: unknown;

  /** Wraps `parse`, one of dynalite's generated parsers' `parse`. */
  constructor(parse: ExpressionParse, options: ExpressionMemoOptions = {}) {
    this.#parse = parse;
    this.#maxEntries = options.maxEntries ?? 256;
    this.#maxKeyLength = options.maxKeyLength ?? 8_192;
    if (!(this.#maxEntries >= 1)) {
      throw new RangeError(
        `Cannot create the memo: maxEntries must be at least 1, got ${this.#maxEntries}`,
      );
    }
  }

  /** How many parses the memo holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** Parses as the wrapped parser would: the same answer, error and side effects. */
  parse(input: string, options?: { context?: unknown }): unknown {
    const context = memoContext(options);
    const key = context === undefined ? undefined : this.#key(input, context);
    if (context === undefined || key === undefined) return this.#parse(input, options);
    const entry = this.#entries.get(key);
    if (entry === undefined) return this.#fill(key, input, context);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return replay(entry, context);
  }

  #key(input: string, context: ParseContext): string | undefined {
    if (this.#isReserved === undefined) {
      this.#isReserved = context.isReserved;
      this.#compare = context.compare;
    }
    if (context.isReserved !== this.#isReserved || context.compare !== this.#compare) {
      return undefined;
    }
    const names = context.attrNames;
    for (const name in names) if (typeof names[name] !== "string") return undefined;
    const values = context.attrVals;
    const shapes: Record<string, string> = {};
    for (const name in values) shapes[name] = typeShape(values[name]);
    const key = JSON.stringify([
      input,
      context.isKeyCondition === true,
      names ?? null,
      shapes,
      READS_CONTENTS.test(input) ? values ?? null : 0,
    ]);
    return key.length > this.#maxKeyLength ? undefined : key;
  }

  #fill(key: string, input: string, context: ParseContext): unknown {
    const unusedNames = allTrue(context.attrNames);
    const unusedValues = allTrue(context.attrVals);
    const trial = { ...context, unusedAttrNames: unusedNames, unusedAttrVals: unusedValues };
    const attempt = this.#attempt(input, trial);
    const outcome = "error" in attempt
      ? { kind: "threw" as const, error: attempt.error }
      : returnedOutcome(attempt.answer, context.attrVals);
    const used = {
      usedNames: deletedKeys(context.attrNames, unusedNames),
      usedValues: deletedKeys(context.attrVals, unusedValues),
    };
    deleteUsed(used, context);
    if (outcome !== undefined) this.#remember(key, { outcome, ...used });
    if ("error" in attempt) throw attempt.error;
    return attempt.answer;
  }

  #attempt(input: string, context: ParseContext): { answer: unknown } | { error: unknown } {
    try {
      return { answer: this.#parse(input, { context }) };
    } catch (error) {
      return { error };
    }
  }

  #remember(key: string, entry: Entry): void {
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }
}

/** The context of a call the memo can answer, `undefined` for any other. */
function memoContext(options: { context?: unknown } | undefined): ParseContext | undefined {
  if (options === undefined || options === null || typeof options !== "object") return undefined;
  for (const name in options) if (name !== "context") return undefined;
  const context = options.context;
  if (context === null || typeof context !== "object") return undefined;
  const { unusedAttrNames, unusedAttrVals } = context as ParseContext;
  if (unusedAttrNames === undefined || unusedAttrVals === undefined) return undefined;
  return context as ParseContext;
}

/**
 * What the parsers can see of a value without reading its contents: its
 * fields that are not null (the type fields `getImmediateType` looks for)
 * and an `attrType`. Anything but a plain object is kept whole.
 */
function typeShape(value: unknown): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `=${JSON.stringify(value) ?? typeof value}`;
  }
  const fields: string[] = [];
  for (const field in value) {
    const content = (value as Record<string, unknown>)[field];
    if (field === "attrType") fields.push(`attrType=${JSON.stringify(content) ?? typeof content}`);
    else if (content !== null && content !== undefined) fields.push(field);
  }
  return fields.sort().join(",");
}

function allTrue(object: Record<string, unknown> | undefined): Record<string, true> {
  const all: Record<string, true> = {};
  for (const name in object) all[name] = true;
  return all;
}

function deletedKeys(
  object: Record<string, unknown> | undefined,
  left: Record<string, true>,
): string[] {
  const deleted: string[] = [];
  for (const name in object) if (!(name in left)) deleted.push(name);
  return deleted;
}

function deleteUsed(entry: Omit<Entry, "outcome">, context: ParseContext): void {
  const { unusedAttrNames, unusedAttrVals } = context;
  for (const name of entry.usedNames) if (unusedAttrNames) delete unusedAttrNames[name];
  for (const name of entry.usedValues) if (unusedAttrVals) delete unusedAttrVals[name];
}

/**
 * How to copy a returned answer, or `undefined` when the answer holds
 * something the memo cannot copy faithfully (a value object under two names,
 * a cycle, a class instance, a function).
 */
function returnedOutcome(
  answer: unknown,
  values: Record<string, unknown> | undefined,
): Outcome | undefined {
  const slots = new Map<unknown, string>();
  for (const name in values) {
    const value = values[name];
    if (value === null || typeof value !== "object") continue;
    if (slots.has(value)) return undefined;
    slots.set(value, name);
  }
  const counts = new Map<object, number>();
  if (!countNodes(answer, slots, counts, new Set())) return undefined;
  const compiler = { slots, counts, builds: new Map<object, Build>(), shared: 0 };
  const build = compile(answer, compiler);
  return { kind: "returned", build: build ?? (() => answer), shared: compiler.shared };
}

/** Counts how often each object of a tree is reached; `false` if it cannot be copied. */
function countNodes(
  node: unknown,
  slots: Map<unknown, string>,
  counts: Map<object, number>,
  open: Set<object>,
): boolean {
  if (typeof node === "function" || typeof node === "symbol") return false;
  if (node === null || typeof node !== "object" || slots.has(node)) return true;
  if (open.has(node)) return false;
  const count = counts.get(node) ?? 0;
  counts.set(node, count + 1);
  if (count > 0) return true;
  const prototype = Object.getPrototypeOf(node);
  if (!Array.isArray(node) && prototype !== null && prototype !== Object.prototype) return false;
  open.add(node);
  for (const child of Object.values(node)) {
    if (!countNodes(child, slots, counts, open)) return false;
  }
  open.delete(node);
  return true;
}

interface Compiler {
  readonly slots: Map<unknown, string>;
  readonly counts: Map<object, number>;
  readonly builds: Map<object, Build>;
  shared: number;
}

/** The build of a node, `undefined` for a constant (a primitive). */
function compile(node: unknown, compiler: Compiler): Build | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const slot = compiler.slots.get(node);
  if (slot !== undefined) return (values) => values[slot];
  const known = compiler.builds.get(node);
  if (known !== undefined) return known;
  const keys = Array.isArray(node) ? undefined : Object.keys(node);
  const children = keys === undefined ? node as unknown[] : keys.map((key) => node[key as never]);
  const parts = children.map((child) => compile(child, compiler));
  let build = keys === undefined
    ? arrayBuild(parts, children)
    : objectBuild(Object.getPrototypeOf(node) === null, keys, parts, children);
  if ((compiler.counts.get(node) ?? 0) > 1) {
    const index = compiler.shared++;
    const inner = build;
    build = (values, made) => made[index] ??= inner(values, made);
  }
  compiler.builds.set(node, build);
  return build;
}

function arrayBuild(parts: (Build | undefined)[], constants: unknown[]): Build {
  return (values, made) => {
    const copy: unknown[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      copy.push(part === undefined ? constants[i] : part(values, made));
    }
    return copy;
  };
}

function objectBuild(
  bare: boolean,
  keys: string[],
  parts: (Build | undefined)[],
  constants: unknown[],
): Build {
  return (values, made) => {
    const copy: Record<string, unknown> = bare ? Object.create(null) : {};
    for (let i = 0; i < keys.length; i++) {
      const part = parts[i];
      copy[keys[i]!] = part === undefined ? constants[i] : part(values, made);
    }
    return copy;
  };
}

function replay(entry: Entry, context: ParseContext): unknown {
  deleteUsed(entry, context);
  const { outcome } = entry;
  if (outcome.kind === "threw") throw outcome.error;
  const made = outcome.shared === 0 ? NOTHING_MADE : new Array(outcome.shared);
  return outcome.build(context.attrVals ?? {}, made);
}

const NOTHING_MADE: unknown[] = [];
