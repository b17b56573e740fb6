/**
 * Modal dialogs (UX12): a native <dialog> opened with showModal(), so the rest of the page is inert;
 * Tab and Shift+Tab wrap around inside it (the browser would go on to its own toolbar); Escape or
 * the Close button closes it, and focus goes back to where it was.
 */
import { button, el } from "../ui/dom.ts";

export interface OpenDialog { dialog: HTMLDialogElement; close(): void }

let counter = 0;

/** Opens a dialog titled `title` holding `body`; `className` for styling, `focus` the element to start on. */
export function openDialog(title: string, body: HTMLElement[], opts: { className?: string; focus?: HTMLElement; closed?: () => void } = {}): OpenDialog {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const dialog = el("dialog", `plaza-dialog ${opts.className ?? ""}`.trim());
  const id = `dialog-title-${++counter}`;
  const head = el("div", "dialog-head");
  const h2 = el("h2");
  h2.id = id;
  h2.textContent = title;
  const close = button("Close", "ghost dialog-close", () => dialog.close());
  head.append(h2, close);
  dialog.setAttribute("aria-labelledby", id);
  dialog.append(head, ...body);
  dialog.addEventListener("keydown", (e) => trapTab(dialog, e));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (returnTo?.isConnected) returnTo.focus();
    opts.closed?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  (opts.focus ?? close).focus();
  return { dialog, close: () => dialog.close() };
}

/** Whether a modal dialog of ours is open (the space's keys leave it alone then). */
export const dialogOpen = () => document.querySelector("dialog.plaza-dialog[open]") !== null;

const FOCUSABLE = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
function trapTab(dialog: HTMLDialogElement, e: KeyboardEvent): void {
  if (e.key !== "Tab") return;
  const all = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null && !(x instanceof HTMLInputElement && x.type === "radio" && !x.checked));
  if (all.length === 0) return;
  const first = all[0], last = all[all.length - 1];
  const at = document.activeElement;
  if (e.shiftKey ? at === first || at === dialog : at === last) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}
