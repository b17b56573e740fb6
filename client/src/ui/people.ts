/** The participant list: everyone in the space (IM3), with status, and actions per person. */
import { STATUSES, MediaFlag } from "../../../shared/protocol.ts";
import type { Person } from "../../../shared/state.ts";
import { lookColor } from "../render/avatarArt.ts";
import { STATUS_COLORS, STATUS_LABELS } from "./presenceBar.ts";
import { el } from "./dom.ts";

export interface PeopleActions {
  locate(id: string): void;
  follow(id: string): void;
  message(id: string): void;
}

const SHOWN = 200;

export function renderPeople(list: HTMLElement, title: HTMLElement, people: Iterable<[string, Person]>, selfId: string, following: string | undefined, actions: PeopleActions) {
  const all = [...people].sort(([a, x], [b, y]) => (a === selfId ? -1 : b === selfId ? 1 : x.name.localeCompare(y.name)));
  title.textContent = `In this space · ${all.length}`;
  list.replaceChildren(...all.slice(0, SHOWN).map(([id, p]) => {
    const li = el("li");
    const dot = el("span", "dot");
    dot.style.background = lookColor(p.look);
    const status = STATUSES[p.status] ?? "available";
    dot.style.boxShadow = `0 0 0 2px ${STATUS_COLORS[status]}`;
    dot.title = STATUS_LABELS[status];
    const name = el("span", "name");
    name.textContent = p.name; // text, never markup (BI4)
    li.append(dot, name);
    if (p.media & MediaFlag.SCREEN) { const s = el("span", "tag"); s.textContent = "🖥"; s.title = "sharing screen"; li.append(s); }
    if (status === "dnd") { const s = el("span", "tag"); s.textContent = "⛔"; s.title = "do not disturb"; li.append(s); }
    if (id === selfId) {
      const you = el("span", "you");
      you.textContent = "(you)";
      li.append(you);
    } else {
      const menu = el("span", "actions");
      const mk = (label: string, glyph: string, fn: () => void) => {
        const b = el("button") as HTMLButtonElement;
        b.type = "button";
        b.textContent = glyph;
        b.title = label;
        b.setAttribute("aria-label", `${label} ${p.name}`);
        b.onclick = fn;
        return b;
      };
      menu.append(
        mk("Locate", "📍", () => actions.locate(id)),
        mk(following === id ? "Stop following" : "Follow", following === id ? "⏹" : "👣", () => actions.follow(id)),
        mk("Message", "💬", () => actions.message(id)),
      );
      li.append(menu);
    }
    return li;
  }));
  if (all.length > SHOWN) {
    const more = el("li", "more");
    more.textContent = `and ${all.length - SHOWN} more`;
    list.append(more);
  }
}
