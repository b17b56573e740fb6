/**
 * What the screen reader is told about the space (SPEC UX11), coalesced so that a crowd arriving
 * does not flood it: everything that happened since the last flush becomes at most a few
 * sentences — "Ana, Bo and 4 others joined the space" — and someone who came and went within one
 * flush is not mentioned at all. Direct messages are urgent (read at once, assertive); the rest is
 * polite. Pure: no DOM, no clock.
 */

export type Happening =
  | { kind: "joinedSpace" | "leftSpace" | "joinedConversation" | "leftConversation"; name: string; id: string }
  | { kind: "talking"; names: string[] }
  | { kind: "enteredArea" | "leftArea"; name: string }
  | { kind: "dm"; name: string; text: string }
  | { kind: "say"; text: string; urgent?: boolean };

type Crowd = "joinedSpace" | "leftSpace" | "joinedConversation" | "leftConversation";
const CROWDS: Record<Crowd, { opposite: Crowd; verb: string }> = {
  joinedSpace: { opposite: "leftSpace", verb: "joined the space" },
  leftSpace: { opposite: "joinedSpace", verb: "left the space" },
  joinedConversation: { opposite: "leftConversation", verb: "joined your conversation" },
  leftConversation: { opposite: "joinedConversation", verb: "left your conversation" },
};
/** Names said in full before "and N others". */
const NAMED = 2;
/** Direct messages read out in full per flush; beyond, they are counted. */
const DMS_READ = 2;

/** "Ana", "Ana and Bo", "Ana, Bo and 3 others". */
export function listNames(names: readonly string[]): string {
  if (names.length <= NAMED) return names.join(" and ");
  if (names.length === NAMED + 1) return `${names.slice(0, NAMED).join(", ")} and ${names[NAMED]}`;
  return `${names.slice(0, NAMED).join(", ")} and ${names.length - NAMED} others`;
}

export class AnnouncementQueue {
  private readonly crowds = new Map<Crowd, Map<string, string>>();
  private area: { entered?: string; left?: string } = {};
  private talking: string[] | undefined;
  private dms: Array<{ name: string; text: string }> = [];
  private said: Array<{ text: string; urgent: boolean }> = [];

  get empty(): boolean {
    return this.crowds.size === 0 && !this.area.entered && !this.area.left && !this.talking && this.dms.length === 0 && this.said.length === 0;
  }

  get urgent(): boolean { return this.dms.length > 0 || this.said.some((s) => s.urgent); }

  add(h: Happening): void {
    switch (h.kind) {
      case "joinedSpace": case "leftSpace": case "joinedConversation": case "leftConversation": {
        // Came and went (or went and came back) within one flush: nothing to say about them.
        if (this.crowds.get(CROWDS[h.kind].opposite)?.delete(h.id)) return;
        let names = this.crowds.get(h.kind);
        if (!names) this.crowds.set(h.kind, (names = new Map()));
        names.set(h.id, h.name);
        return;
      }
      case "talking": this.talking = h.names; return;
      case "enteredArea": this.area = { ...this.area, entered: h.name }; return;
      case "leftArea": if (!this.area.entered) this.area = { left: h.name }; return;
      case "dm": this.dms.push({ name: h.name, text: h.text }); return;
      case "say": this.said.push({ text: h.text, urgent: h.urgent ?? false }); return;
    }
  }

  /** Everything since the last flush, as sentences to read; the queue is empty after. */
  flush(): { polite: string[]; urgent: string[] } {
    const polite: string[] = [];
    const urgent: string[] = [];
    if (this.area.entered) polite.push(`You entered ${this.area.entered}`);
    else if (this.area.left) polite.push(`You left ${this.area.left}`);
    if (this.talking) polite.push(`You are talking with ${listNames(this.talking)}`);
    for (const kind of Object.keys(CROWDS) as Crowd[]) {
      const names = [...(this.crowds.get(kind)?.values() ?? [])];
      // Someone we now talk with is not also said to have joined the conversation.
      const shown = kind === "joinedConversation" && this.talking ? names.filter((n) => !this.talking!.includes(n)) : names;
      if (shown.length) polite.push(`${listNames(shown)} ${CROWDS[kind].verb}`);
    }
    for (const s of this.said) (s.urgent ? urgent : polite).push(s.text);
    for (const dm of this.dms.slice(0, DMS_READ)) urgent.push(`Message from ${dm.name}: ${dm.text}`);
    if (this.dms.length > DMS_READ) urgent.push(`and ${this.dms.length - DMS_READ} more direct messages`);
    this.crowds.clear();
    this.area = {};
    this.talking = undefined;
    this.dms = [];
    this.said = [];
    return { polite, urgent };
  }
}
