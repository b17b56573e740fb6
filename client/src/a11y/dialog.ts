/**
 * Modal dialogs (UX12): a native <dialog> opened with showModal(), so the rest of the page is inert
 * and Tab stays inside; Escape or the Close button closes it, and focus goes back to where it was.
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
