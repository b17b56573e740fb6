/**
 * Claiming a desk (BM5), outside build mode: clicking a desk opens a small popover by it that says
 * whose it is and offers "Claim this desk" (members and up) or "Release" (its owner; builders may
 * free anyone's). The claim is an edit like any other: the popover shows what the synced state says,
 * never an optimistic guess.
 */
import type { Tile } from "../../../shared/map.ts";
import { footprint, type BuildOp, type WorldContent } from "../../../shared/world.ts";
import { el } from "../ui/dom.ts";
import type { Built } from "./buildClient.ts";

export interface DeskClaimDeps {
  view: HTMLElement;
  content: () => WorldContent;
  me: () => { userId: string | null; canClaim: boolean; canBuild: boolean };
  screenOf(t: Tile): { x: number; y: number };
  send(op: BuildOp): Promise<Built>;
  toast(text: string): void;
}

export class DeskPopover {
  private root: HTMLElement | undefined;
  private deskId: string | undefined;
  /** What the popover shows, to redraw only when the desk's claim changes. */
  private shown = "";
  private busy = false;
  private at = "";

  constructor(private readonly d: DeskClaimDeps) {}

  get openDesk(): string | undefined { return this.deskId; }

  open(deskId: string) {
    this.close();
    this.deskId = deskId;
    this.root = el("div", "desk-popover");
    this.root.setAttribute("role", "dialog");
    this.d.view.append(this.root);
    this.frame();
  }

  close() {
    this.root?.remove();
    this.root = undefined;
    this.deskId = undefined;
    this.shown = this.at = "";
    this.busy = false;
  }

  /** Every frame while open: follow the camera, redraw on change, close when the desk is gone. */
  frame() {
    if (!this.deskId || !this.root) return;
    const desk = this.d.content().things.get(this.deskId);
    if (!desk) { this.close(); return; }
    const f = footprint(desk.kind, desk.rot);
    const top = this.d.screenOf({ x: desk.x + (f.w - 1) / 2, y: desk.y });
    const at = `${Math.round(top.x)},${Math.round(top.y)}`;
    if (at !== this.at) {
      this.at = at;
      this.root.style.left = `${Math.round(top.x)}px`;
      this.root.style.top = `${Math.round(top.y)}px`;
    }
    const key = `${desk.claimedBy}|${desk.claimName}|${this.busy}`;
    if (key === this.shown) return;
    this.shown = key;
    this.render(desk.id, desk.claimedBy, desk.claimName);
  }

  private render(id: string, claimedBy: string | null, claimName: string | null) {
    const me = this.d.me();
    const mine = claimedBy !== null && claimedBy === me.userId;
    const title = el("p", "desk-title");
    title.textContent = mine ? "Your desk" : claimedBy ? `${claimName ?? "Someone"}'s desk` : "Free desk";
    const note = el("p", "desk-note");
    const buttons: HTMLButtonElement[] = [];
    const button = (text: string, op: BuildOp, done: string, cls = "") => {
      const b = el("button", cls);
      b.textContent = this.busy ? "…" : text;
      b.disabled = this.busy;
      b.onclick = () => {
        this.busy = true;
        this.frame();
        void this.d.send(op).then((r) => {
          this.busy = false;
          if (r.ok) this.d.toast(done);
          this.frame();
        });
      };
      buttons.push(b);
    };
    if (mine) {
      note.textContent = "You start here when you enter.";
      button("Release", { op: "claim", id, release: true }, "Desk released", "secondary");
    } else if (!claimedBy && me.canClaim) {
      note.textContent = "Claim it and you start here when you enter.";
      button("Claim this desk", { op: "claim", id }, "This desk is yours");
    } else if (!claimedBy) {
      note.textContent = "Members of this space can claim a desk.";
    } else if (me.canBuild) {
      button("Release", { op: "claim", id, release: true }, "Desk released", "secondary");
    }
    const close = el("button", "desk-close");
    close.textContent = "×";
    close.setAttribute("aria-label", "Close");
    close.onclick = () => this.close();
    const row = el("div", "desk-buttons");
    row.append(...buttons);
    this.root!.replaceChildren(close, title, ...(note.textContent ? [note] : []), ...(buttons.length ? [row] : []));
  }
}
