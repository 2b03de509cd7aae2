// @ts-check
/**
 * The page's confirmation dialog (`<dialog id="confirm">`).
 *
 * @module
 */

import { byId, byIdAs, setText } from "./dom.js";

/**
 * Asks before an action; resolves true when the user confirms.
 *
 * @param {string} title
 * @param {string} text
 * @param {string} ok the confirm button's text (red when it starts with "Purge")
 * @returns {Promise<boolean>}
 */
export function confirmAction(title, text, ok) {
  const dialog = byIdAs("confirm", HTMLDialogElement);
  setText("confirm-title", title);
  setText("confirm-text", text);
  const okButton = byId("confirm-ok");
  const cancel = byId("confirm-cancel");
  okButton.textContent = ok;
  okButton.classList.toggle("danger", ok.startsWith("Purge"));
  return new Promise((resolve) => {
    /** @param {boolean} answer */
    const done = (answer) => {
      okButton.removeEventListener("click", yes);
      cancel.removeEventListener("click", no);
      dialog.removeEventListener("cancel", no);
      dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    okButton.addEventListener("click", yes);
    cancel.addEventListener("click", no);
    dialog.addEventListener("cancel", no);
    dialog.showModal();
  });
}
