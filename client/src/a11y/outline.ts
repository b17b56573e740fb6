/**
 * The outline panel (SPEC UX10): the space as a list a keyboard or screen-reader user can live in —
 * rooms → conversations → people, each with "Walk me to", and for people also Message and Follow.
 * Redrawn only when what it says changes (who is where, in which conversation, with which status),
 * not when someone takes a step; focus stays on the same control across a redraw.
 */
import type { Tile } from "../../../shared/grid.ts";
import { button, el } from "../ui/dom.ts";
import { STATUS_LABELS } from "../ui/presenceBar.ts";
import type { Outline, OutlineConversation, OutlinePerson, OutlinePlace } from "./outlineModel.ts";

export const OUTLINE_ID = "plaza-outline";

export interface OutlineActions {
  walkToPerson(id: string): void;
  walkToPlace(name: string, target: Tile): void;
  message(id: string): void;
  follow(id: string): void;
  following(): string | undefined;
  close(): void;
}

const plural = (n: number) => (n === 1 ? "1 person" : `${n} people`);

export class OutlinePanel {
  readonly root = el("section", "outline");
  private readonly summary = el("p", "outline-summary");
  private readonly list = el("ul", "outline-places");
  private signature = "";

  constructor(private readonly actions: OutlineActions) {
    this.root.id = OUTLINE_ID;
    this.root.tabIndex = -1;
    this.root.setAttribute("aria-labelledby", `${OUTLINE_ID}-title`);
    const head = el("div", "outline-head");
    const h2 = el("h2");
    h2.id = `${OUTLINE_ID}-title`;
    h2.textContent = "Outline of the space";
    head.append(h2, button("Close", "ghost", () => actions.close()));
    this.root.append(head, this.summary, this.list);
    this.root.hidden = true;
  }

  get open(): boolean { return !this.root.hidden; }

  show(open: boolean): void {
    this.root.hidden = !open;
    if (!open) this.signature = "";
  }

  /** Redraws if anything it says changed; keeps focus on the control it was on. */
  update(o: Outline): void {
    if (!this.open) return;
    const following = this.actions.following();
    const signature = JSON.stringify([o, following]);
    if (signature === this.signature) return;
    this.signature = signature;
    const focused = this.root.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.key : undefined;
    this.summary.textContent = `${plural(o.total)} in this space.${o.here ? ` You are ${o.here}.` : ""}`;
    this.list.replaceChildren(...o.places.map((p) => this.place(p, following)));
    if (focused) this.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  private place(p: OutlinePlace, following: string | undefined): HTMLElement {
    const li = el("li", `place place-${p.kind}`);
    const h3 = el("h3");
    h3.textContent = p.name;
    const count = el("span", "count");
    count.textContent = p.count ? ` · ${plural(p.count)}` : " · empty";
    h3.append(count);
    li.append(h3);
    if (p.target) {
      const target = p.target;
      li.append(this.action(`Walk me to ${p.name}`, "Walk me to", `walk:${p.key}`, () => this.actions.walkToPlace(p.name, target)));
    }
    if (p.count) {
      const ul = el("ul");
      for (const c of p.conversations) ul.append(this.conversation(c, following));
      for (const person of p.alone) ul.append(this.person(person, following));
      li.append(ul);
    }
    return li;
  }

  private conversation(c: OutlineConversation, following: string | undefined): HTMLElement {
    const li = el("li", c.mine ? "conversation mine" : "conversation");
    const title = el("span", "conversation-title");
    title.textContent = `${c.mine ? "Your conversation" : "Conversation"} · ${plural(c.people.length)}`;
    const ul = el("ul");
    for (const p of c.people) ul.append(this.person(p, following));
    li.append(title, ul);
    return li;
  }

  private person(p: OutlinePerson, following: string | undefined): HTMLElement {
    const li = el("li", "person");
    const name = el("span", "name");
    name.textContent = p.you ? `${p.name} (you)` : p.name; // text, never markup (PR2)
    li.append(name);
    if (p.status !== "available") {
      const s = el("span", "person-status");
      s.textContent = ` · ${STATUS_LABELS[p.status]}`;
      li.append(s);
    }
    if (p.you) return li;
    const actions = el("span", "outline-actions");
    const followed = following === p.id;
    actions.append(
      this.action(`Walk me to ${p.name}`, "Walk me to", `walk:${p.id}`, () => this.actions.walkToPerson(p.id)),
      this.action(`Message ${p.name}`, "Message", `dm:${p.id}`, () => this.actions.message(p.id)),
      this.action(`${followed ? "Stop following" : "Follow"} ${p.name}`, followed ? "Stop following" : "Follow", `follow:${p.id}`, () => this.actions.follow(p.id)),
    );
    li.append(actions);
    return li;
  }

  private action(label: string, text: string, key: string, fn: () => void): HTMLButtonElement {
    const b = button(text, "outline-action", fn);
    b.dataset.key = key;
    if (label !== text) b.setAttribute("aria-label", label);
    return b;
  }
}
