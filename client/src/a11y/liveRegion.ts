/**
 * The space's ARIA live regions (UX11): a polite one for comings and goings, an assertive one for
 * direct messages. Happenings are queued and read out together (announcements.ts) at most once per
 * FLUSH_MS; an urgent one goes out at once. Each region keeps its last few lines, so a person can
 * also read them again.
 */
import { el } from "../ui/dom.ts";
import { AnnouncementQueue, type Happening } from "./announcements.ts";

/** Quiet time gathered into one announcement. */
const FLUSH_MS = 1200;
/** Lines kept in each region. */
const KEEP = 6;

export class LiveRegion {
  readonly root = el("div", "sr-only live-regions");
  private readonly polite = el("div");
  private readonly urgent = el("div");
  private readonly queue = new AnnouncementQueue();
  private timer = 0;

  constructor() {
    this.polite.setAttribute("role", "status");
    this.polite.setAttribute("aria-live", "polite");
    this.polite.className = "live-polite";
    this.urgent.setAttribute("role", "alert");
    this.urgent.setAttribute("aria-live", "assertive");
    this.urgent.className = "live-urgent";
    this.root.append(this.polite, this.urgent);
  }

  add(h: Happening): void {
    this.queue.add(h);
    if (this.queue.urgent) { this.flush(); return; }
    if (!this.timer) this.timer = window.setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Says `text` with the next flush (politely unless urgent). */
  say(text: string, urgent = false): void { this.add({ kind: "say", text, urgent }); }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = 0;
    const { polite, urgent } = this.queue.flush();
    append(this.polite, polite);
    append(this.urgent, urgent);
  }

  stop(): void { clearTimeout(this.timer); }
}

function append(region: HTMLElement, lines: string[]): void {
  for (const text of lines) {
    const p = el("p");
    p.textContent = text;
    region.append(p);
  }
  while (region.childElementCount > KEEP) region.firstElementChild!.remove();
}
