/**
 * Which keys the space leaves alone (UX12): everything inside an open dialog, and Enter or Space
 * on a focused button, link or box, which activate it — the space's own Enter (chat) and emote
 * keys must not swallow them.
 */
export function keyBelongsToControl(e: KeyboardEvent): boolean {
  const t = e.target;
  if (!(t instanceof Element)) return false;
  if (t.closest("dialog[open]")) return true;
  const activatable = t.closest("button, a[href], summary, [role=button], [role=tab], input[type=checkbox], input[type=radio]");
  return activatable !== null && (e.key === "Enter" || e.key === " ");
}

/** A plain key press (no Ctrl, Alt or Meta) outside text fields. */
export function plainKey(e: KeyboardEvent): boolean {
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLElement && t.isContentEditable);
  return !typing && !e.ctrlKey && !e.altKey && !e.metaKey;
}
