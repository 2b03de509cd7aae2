/**
 * The little XML the local AWS writes and reads: escaped text elements out,
 * and the text of simple elements in (request bodies such as S3's
 * `<Delete>` and `<VersioningConfiguration>` are flat and small). Pure.
 *
 * @module
 */

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Undoes {@linkcode escapeXml}, and numeric character references. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return NAMED[lower] ?? whole;
  });
}

/**
 * `<name>text</name>` with the text escaped.
 *
 * @example Usage
 * ```ts
 * import { element } from "./_xml.ts";
 *
 * element("Key", "a&b"); // "<Key>a&amp;b</Key>"
 * ```
 */
export function element(name: string, text: string | number | boolean): string {
  return `<${name}>${escapeXml(String(text))}</${name}>`;
}

/**
 * The unescaped text of every `<name>` element, in document order, ignoring
 * namespace prefixes and attributes. Elements with child elements give their
 * raw inner XML.
 */
export function elementTexts(xml: string, name: string): string[] {
  const pattern = new RegExp(
    `<(?:[A-Za-z0-9_-]+:)?${name}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z0-9_-]+:)?${name}\\s*>)`,
    "g",
  );
  const texts: string[] = [];
  for (const match of xml.matchAll(pattern)) {
    const inner = match[1] ?? "";
    texts.push(inner.includes("<") ? inner : unescapeXml(inner));
  }
  return texts;
}

/** The text of the first `<name>` element, or undefined. */
export function elementText(xml: string, name: string): string | undefined {
  return elementTexts(xml, name)[0];
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};
