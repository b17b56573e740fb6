/** The `?` help sheet (UX12): every keyboard shortcut of the space, in a dialog. */
import { el } from "../ui/dom.ts";
import { openDialog, type OpenDialog } from "./dialog.ts";

export const SHORTCUTS: ReadonlyArray<[keys: string, what: string]> = [
  ["Arrow keys or W A S D", "walk"],
  ["O", "open or close the outline: rooms, conversations and people, each with “Walk me to”"],
  ["Tab / Shift+Tab", "move between controls (the first one skips to the outline)"],
  ["Enter", "type in the chat; Escape leaves the chat box"],
  ["1 – 6", "emotes: wave, hand, heart, thumbs up, laugh, clap"],
  ["P", "change your name and look"],
  ["C", "comfort settings: theme, motion, text size, sounds, notifications"],
  ["B", "build mode (builders); R rotates, Delete removes, Escape cancels"],
  ["?", "this help"],
  ["Escape", "close a dialog"],
];

export function openHelpSheet(): OpenDialog {
  const table = el("table", "shortcuts");
  const caption = el("caption", "sr-only");
  caption.textContent = "Keyboard shortcuts";
  const head = el("tr");
  for (const t of ["Keys", "What they do"]) { const th = el("th"); th.scope = "col"; th.textContent = t; head.append(th); }
  const thead = el("thead"); thead.append(head);
  const tbody = el("tbody");
  for (const [keys, what] of SHORTCUTS) {
    const tr = el("tr");
    const k = el("th"); k.scope = "row";
    const kbd = el("kbd"); kbd.textContent = keys; k.append(kbd);
    const d = el("td"); d.textContent = what;
    tr.append(k, d);
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  const note = el("p", "muted");
  note.textContent = "Screen readers: the outline lists the space as text, and arrivals, departures and messages are announced.";
  return openDialog("Keyboard shortcuts", [table, note], { className: "help-sheet" });
}
