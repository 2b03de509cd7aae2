// @ts-check
/**
 * Small helpers over the page's DOM: find an element, make one, set a text
 * only when it changed (so that an unchanged figure costs no layout).
 *
 * @module
 */

/**
 * The element of an id; throws when the page lacks it.
 *
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`Missing element #${id}`);
  return found;
}

/**
 * The element of an id as a given type (a button, a dialog...).
 *
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byIdAs(id, type) {
  const found = byId(id);
  if (!(found instanceof type)) throw new TypeError(`Element #${id} is not a ${type.name}`);
  return found;
}

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * Makes an element: `h("li", { class: "x" }, "text", child)`. Attributes
 * that are undefined or false are left out; true sets an empty one.
 *
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/**
 * Sets the text of the element of an id, when it has one and it differs.
 *
 * @param {string} id
 * @param {string} text
 * @returns {void}
 */
export function setText(id, text) {
  const element = document.getElementById(id);
  if (element !== null && element.textContent !== text) element.textContent = text;
}
