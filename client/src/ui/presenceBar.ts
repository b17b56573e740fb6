/** Status picker and emote buttons (ST1–ST3). */
import { EMOTES, STATUSES, type Emote, type Status } from "../../../shared/protocol.ts";
import { el } from "./dom.ts";

export const EMOTE_GLYPHS: Record<Emote, string> = { wave: "👋", hand: "✋", heart: "❤️", thumbs: "👍", laugh: "😂", clap: "👏" };
export const STATUS_LABELS: Record<Status, string> = { available: "Available", busy: "Busy", away: "Away", dnd: "Do not disturb" };
export const STATUS_COLORS: Record<Status, string> = { available: "#3ecf6e", busy: "#f2b632", away: "#9aa6bd", dnd: "#e5646e" };

export function renderPresenceBar(onStatus: (s: Status) => void, onEmote: (e: Emote) => void): { root: HTMLElement; setStatus(s: Status): void } {
  const root = el("div", "presence-bar");
  const select = el("select") as HTMLSelectElement;
  select.setAttribute("aria-label", "Your status");
  for (const s of STATUSES) {
    const o = el("option") as HTMLOptionElement;
    o.value = s;
    o.textContent = STATUS_LABELS[s];
    select.append(o);
  }
  const dot = el("span", "status-dot");
  const paint = () => { dot.style.background = STATUS_COLORS[select.value as Status]; };
  select.onchange = () => { paint(); onStatus(select.value as Status); };
  paint();
  root.append(dot, select);
  EMOTES.forEach((e, i) => {
    const b = el("button") as HTMLButtonElement;
    b.type = "button";
    b.textContent = EMOTE_GLYPHS[e];
    b.title = `${e} (${i + 1})`;
    b.setAttribute("aria-label", `Emote: ${e}`);
    b.onclick = () => onEmote(e);
    root.append(b);
  });
  return { root, setStatus: (s) => { select.value = s; paint(); } };
}
