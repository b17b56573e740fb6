/**
 * Chat: three tabs — Nearby (my current conversation), Space (everyone) and direct messages —
 * with unread badges and the limits of CH1. Messages are rendered with textContent only.
 */
import { CHAT_MAX } from "../../../shared/constants.ts";
import type { ChatMessage, ChatScope } from "../../../shared/protocol.ts";
import { el } from "./dom.ts";

type Tab = { scope: "nearby" | "space" } | { scope: "dm"; with: string };
const tabKey = (t: Tab) => (t.scope === "dm" ? `dm:${t.with}` : t.scope);

export interface ChatDeps {
  selfId: string;
  nameOf(id: string): string;
  send(scope: ChatScope, text: string, to?: string): void;
}

export class ChatPanel {
  readonly root = el("section", "chat");
  private readonly tabs = el("div", "chat-tabs");
  private readonly log = el("ol", "chat-log");
  private readonly input = el("input") as HTMLInputElement;
  private readonly threads = new Map<string, ChatMessage[]>();
  private readonly unread = new Map<string, number>();
  private readonly dmPeers = new Set<string>();
  private current: Tab = { scope: "space" };
  private open = true;

  constructor(private readonly deps: ChatDeps) {
    this.root.setAttribute("aria-label", "Chat");
    const header = el("header");
    const title = el("h2");
    title.textContent = "Chat";
    const toggle = el("button", "chat-toggle") as HTMLButtonElement;
    toggle.type = "button";
    toggle.textContent = "–";
    toggle.setAttribute("aria-label", "Collapse chat");
    toggle.onclick = () => this.setOpen(!this.open);
    header.append(title, toggle);
    const form = el("form", "chat-form");
    Object.assign(this.input, { type: "text", maxLength: CHAT_MAX, placeholder: "Message…", autocomplete: "off" });
    this.input.setAttribute("aria-label", "Chat message");
    form.append(this.input);
    form.onsubmit = (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      const t = this.current;
      this.deps.send(t.scope, text, t.scope === "dm" ? t.with : undefined);
      this.input.value = "";
    };
    this.log.setAttribute("aria-live", "polite");
    this.root.append(header, this.tabs, this.log, form);
    this.renderTabs();
  }

  get collapsed(): boolean { return !this.open; }

  setOpen(open: boolean) {
    this.open = open;
    this.root.classList.toggle("collapsed", !open);
    if (open) this.markRead(tabKey(this.current));
    this.renderTabs();
  }

  focusInput() { this.setOpen(true); this.input.focus(); }

  /** Opens a direct-message thread with someone. */
  openDm(id: string) {
    this.dmPeers.add(id);
    this.select({ scope: "dm", with: id });
    this.focusInput();
  }

  history(messages: ChatMessage[]) {
    for (const m of messages) this.add(m, false);
    this.renderLog();
  }

  receive(m: ChatMessage) {
    this.add(m, true);
    if (this.keyOf(m) === tabKey(this.current)) this.renderLog();
    this.renderTabs();
  }

  private keyOf(m: ChatMessage): string {
    if (m.scope !== "dm") return m.scope;
    return `dm:${m.from === this.deps.selfId ? m.to : m.from}`;
  }

  private add(m: ChatMessage, live: boolean) {
    const key = this.keyOf(m);
    if (m.scope === "dm") this.dmPeers.add(m.from === this.deps.selfId ? m.to! : m.from);
    const thread = this.threads.get(key) ?? [];
    if (thread.some((x) => x.id === m.id)) return;
    thread.push(m);
    if (thread.length > 200) thread.shift();
    this.threads.set(key, thread);
    const visible = this.open && key === tabKey(this.current);
    if (live && !visible && m.from !== this.deps.selfId) this.unread.set(key, (this.unread.get(key) ?? 0) + 1);
  }

  private select(t: Tab) {
    this.current = t;
    this.markRead(tabKey(t));
    this.renderTabs();
    this.renderLog();
  }

  private markRead(key: string) { this.unread.delete(key); }

  /** Total unread, for the collapsed badge. */
  get unreadTotal(): number { let n = 0; for (const v of this.unread.values()) n += v; return n; }

  private renderTabs() {
    const all: Tab[] = [{ scope: "nearby" }, { scope: "space" }, ...[...this.dmPeers].map((id) => ({ scope: "dm" as const, with: id }))];
    this.tabs.replaceChildren(...all.map((t) => {
      const b = el("button") as HTMLButtonElement;
      b.type = "button";
      b.textContent = t.scope === "dm" ? `@${this.deps.nameOf(t.with)}` : t.scope === "nearby" ? "Nearby" : "Space";
      b.setAttribute("aria-pressed", String(tabKey(t) === tabKey(this.current)));
      const n = this.unread.get(tabKey(t));
      if (n) { const badge = el("span", "badge"); badge.textContent = String(n); b.append(badge); }
      b.onclick = () => this.select(t);
      return b;
    }));
    this.root.dataset.unread = String(this.unreadTotal);
  }

  private renderLog() {
    const thread = this.threads.get(tabKey(this.current)) ?? [];
    this.log.replaceChildren(...thread.map((m) => {
      const li = el("li");
      const who = el("strong");
      who.textContent = m.from === this.deps.selfId ? "You" : m.name;
      const time = el("time");
      time.textContent = new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      const text = el("span");
      text.textContent = m.text; // plain text, never markup
      li.append(who, time, text);
      return li;
    }));
    if (thread.length === 0) {
      const empty = el("li", "empty");
      empty.textContent = this.current.scope === "nearby" ? "Walk up to someone to talk; messages here go to your conversation." : "No messages yet.";
      this.log.append(empty);
    }
    this.log.scrollTop = this.log.scrollHeight;
  }
}
