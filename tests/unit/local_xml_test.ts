import assert from "node:assert/strict";
import {
  element,
  elementText,
  elementTexts,
  escapeXml,
  unescapeXml,
} from "../../local/core/_xml.ts";

Deno.test("escapeXml() and unescapeXml() round-trip markup and character references", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
  assert.equal(unescapeXml("a&lt;b&gt;&amp;&quot;c&apos;&#65;&#x42;"), `a<b>&"c'AB`);
});

Deno.test("element() escapes its text", () => {
  assert.equal(element("Key", "a&b"), "<Key>a&amp;b</Key>");
});

Deno.test("elementTexts() reads flat and nested elements, with namespaces and empty ones", () => {
  const xml = '<Delete xmlns="x"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key>' +
    "<VersionId>v</VersionId></Object><Quiet>true</Quiet><s:Empty/></Delete>";
  const objects = elementTexts(xml, "Object");
  assert.equal(objects.length, 2);
  assert.equal(elementText(objects[0]!, "Key"), "a&b");
  assert.equal(elementText(objects[1]!, "VersionId"), "v");
  assert.equal(elementText(xml, "Quiet"), "true");
  assert.equal(elementText(xml, "Empty"), "");
  assert.equal(elementText(xml, "Missing"), undefined);
});
