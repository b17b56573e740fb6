/**
 * Knocking, on screen (NV3–NV5): the offer to knock (on a closed meeting room I walk into, or at
 * someone on do-not-disturb I walk up to) with a short note and, for a person, "tell me when
 * free"; the knock cards of people knocking on my room or at me, answered "let in" / "not now";
 * and the door button of the meeting room I stand in. Sends intents through its deps; every change
 * is also told as a sentence to `knockEvents` (for a live region). Text goes in as textContent.
 */
import { KNOCK_NOTE_MAX, KNOCK_TTL_MS } from "../../../shared/doors.ts";
import type { KnockAnswer, KnockOutcome, ServerMessages } from "../../../shared/protocol.ts";
import { knockEvents } from "../space/knockEvents.ts";
import { el } from "./dom.ts";

export type KnockTarget = { area: string } | { person: string; name: string };

export interface KnockPanelDeps {
  parent: HTMLElement;
  knock(target: { area: string } | { person: string }, note: string): void;
  answer(id: number, answer: KnockAnswer): void;
  door(area: string, closed: boolean): void;
  whenFree(person: string): void;
  /** I let someone knocking at me in: become available so we can talk (PX1). */
  setAvailable(): void;
  /** My knock on a room was answered "let in". */
  letIn(area: string): void;
  toast(text: string): void;
}

const targetName = (t: KnockTarget) => ("area" in t ? t.area : t.name);

export class KnockPanel {
  private readonly offerEl = el("form", "knock-offer");
  private readonly offerText = el("p");
  private readonly note = el("input");
  private readonly knockButton = el("button", "primary");
  private readonly freeButton = el("button");
  private readonly cards = el("ul", "knock-cards");
  private readonly doorButton = el("button", "door-chip");
  private offered: KnockTarget | undefined;
  /**
   * The target of my knock waiting for an answer (the server allows one at a time, NV3), until
   * when at most: a knock the server refused (a `notice`) is never answered.
   */
  private waiting: { name: string; until: number } | undefined;
  /** Knocks shown to me, by id. */
  private readonly shown = new Map<number, { li: HTMLElement; area: string | null }>();
  private doorState = "";

  constructor(private readonly d: KnockPanelDeps) {
    this.note.type = "text";
    this.note.maxLength = KNOCK_NOTE_MAX;
    this.note.placeholder = "Add a short note (optional)";
    this.note.setAttribute("aria-label", "Note with your knock");
    this.knockButton.type = "submit";
    this.knockButton.textContent = "Knock";
    this.freeButton.type = "button";
    this.freeButton.textContent = "Tell me when free";
    this.freeButton.onclick = () => this.askWhenFree();
    const dismiss = el("button", "knock-dismiss");
    dismiss.type = "button";
    dismiss.textContent = "✕";
    dismiss.setAttribute("aria-label", "Don't knock");
    dismiss.onclick = () => this.dismiss();
    const actions = el("div", "knock-actions");
    actions.append(this.knockButton, this.freeButton);
    this.offerEl.append(dismiss, this.offerText, this.note, actions);
    this.offerEl.hidden = true;
    this.offerEl.onsubmit = (e) => { e.preventDefault(); this.send(); };
    this.offerEl.addEventListener("keydown", (e) => { if (e.key === "Escape") this.dismiss(); });
    this.cards.setAttribute("aria-label", "Knocks");
    this.doorButton.hidden = true;
    // One column at the top centre, clear of the A/V dock at the bottom.
    const stack = el("div", "knock-stack");
    stack.append(this.doorButton, this.offerEl, this.cards);
    d.parent.append(stack);
  }

  /** Is a knock at `target` on offer, or sent and waiting for an answer? */
  busyWith(target: KnockTarget): boolean {
    const name = targetName(target);
    const waiting = this.waiting !== undefined && this.waiting.name === name && performance.now() < this.waiting.until;
    return waiting || (this.offered !== undefined && targetName(this.offered) === name);
  }

  /** Offers to knock (NV3). */
  offer(target: KnockTarget): void {
    this.offered = target;
    const person = !("area" in target);
    this.offerText.textContent = person ? `${target.name} is on do-not-disturb.` : `🔒 ${target.area} is closed.`;
    this.freeButton.hidden = !person;
    this.note.value = "";
    this.offerEl.hidden = false;
    knockEvents.emit({ kind: "door", text: `${this.offerText.textContent} You can knock.` });
  }

  dismiss(): void {
    this.offered = undefined;
    this.offerEl.hidden = true;
  }

  /** Someone knocks on my room or at me: a card to answer. */
  received(m: ServerMessages["knock"]): void {
    const li = el("li", "knock-card");
    const text = el("p");
    const who = m.area ? `${m.name} is knocking on ${m.area}` : `${m.name} is knocking`;
    text.textContent = `🚪 ${who}`;
    li.append(text);
    if (m.note) {
      const note = el("q");
      note.textContent = m.note;
      li.append(note);
    }
    const buttons = el("div", "knock-actions");
    for (const [answer, label] of [["let_in", "Let in"], ["not_now", "Not now"]] as const) {
      const b = el("button", answer === "let_in" ? "primary" : "");
      b.textContent = label;
      b.onclick = () => {
        this.d.answer(m.id, answer);
        if (answer === "let_in" && !m.area) this.d.setAvailable();
        this.removeCard(m.id);
      };
      buttons.append(b);
    }
    li.append(buttons);
    this.shown.set(m.id, { li, area: m.area });
    this.cards.append(li);
    knockEvents.emit({ kind: "knocked", text: m.note ? `${who}: ${m.note}` : who });
  }

  /** A knock ended: my own (the answer) or one shown to me (its card goes). */
  outcome(m: ServerMessages["knockOutcome"], nameOf: (id: string) => string): void {
    if (this.shown.has(m.id)) { this.removeCard(m.id); return; }
    this.waiting = undefined;
    const where = m.area ?? (m.person ? nameOf(m.person) : "them");
    const text = describeOutcome(m.outcome, m.by, where);
    if (m.outcome === "let_in" && m.area) this.d.letIn(m.area);
    this.d.toast(text);
    knockEvents.emit({ kind: "answered", text });
  }

  /** Someone I asked about is available (NV5). */
  free(m: ServerMessages["free"]): void {
    const text = `${m.name} is available now.`;
    this.d.toast(text);
    knockEvents.emit({ kind: "free", text });
  }

  /** The door button of the meeting room I stand in (NV1); none outside rooms. */
  door(room: string | undefined, closed: boolean): void {
    const state = room ? `${room}\u0000${closed}` : "";
    if (state === this.doorState) return;
    this.doorState = state;
    this.doorButton.hidden = !room;
    if (!room) return;
    this.doorButton.textContent = closed ? `🔒 ${room} is closed · Open` : `🔓 ${room} · Close the door`;
    this.doorButton.setAttribute("aria-pressed", String(closed));
    this.doorButton.onclick = () => this.d.door(room, !closed);
  }

  private send(): void {
    const t = this.offered;
    if (!t) return;
    this.d.knock("area" in t ? { area: t.area } : { person: t.person }, this.note.value.trim());
    this.waiting = { name: targetName(t), until: performance.now() + KNOCK_TTL_MS + 5000 };
    this.dismiss();
    const text = `You knocked on ${targetName(t)}. Waiting for an answer…`;
    this.d.toast(text);
    knockEvents.emit({ kind: "door", text });
  }

  private askWhenFree(): void {
    const t = this.offered;
    if (!t || "area" in t) return;
    this.d.whenFree(t.person);
    this.dismiss();
    this.d.toast(`You will hear when ${t.name} is free.`);
  }

  private removeCard(id: number): void {
    this.shown.get(id)?.li.remove();
    this.shown.delete(id);
  }
}

function describeOutcome(outcome: KnockOutcome, by: string | null, where: string): string {
  switch (outcome) {
    case "let_in": return `${by ?? "Someone"} let you in to ${where}.`;
    case "not_now": return `${by ?? "They"}: not now.`;
    case "expired": return `Nobody answered your knock on ${where}.`;
    case "gone": return `Your knock on ${where} ended: nobody is left to answer.`;
  }
}
