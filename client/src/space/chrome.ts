/**
 * The space view's chrome: the page around the map — the top bar (the space's link, Copy link,
 * Insights and Settings for admins, the Build toggle, the connection status), the frame of the
 * people panel, the help line, toasts and the place of the A/V dock. It shows what it is told;
 * it decides nothing and never touches the connection.
 */
import type { ServerMessages } from "../../../shared/protocol.ts";
import { el } from "../ui/dom.ts";

const WALK_HELP = "Move: arrows / WASD · click to walk · Enter: chat · 1–6: emotes";
const BUILD_HELP = "Build mode: clicks edit the map · arrows still walk · B: done";
/** How long a toast stays up. */
const TOAST_MS = 2500;

export class SpaceChrome {
  readonly view = el("div", "space");
  readonly canvas = el("canvas", "world");
  /** The people panel (IM3): its title and list are filled by the roster. */
  readonly people = el("aside", "people");
  readonly peopleTitle = el("h2");
  readonly peopleList = el("ul");
  readonly dock = el("div", "av-dock");
  /** Shown once the room says this person may build (welcome.canBuild). */
  readonly buildButton = el("button", "chip build-toggle");
  /** The top bar: the space's link, Build, status (and the a11y tools, UX12). */
  readonly topbar = el("div", "topbar");
  private readonly status = el("div", "chip status");
  private readonly help = el("div", "help");
  private readonly toastEl = el("div", "toast");
  private readonly insightsLink = el("a");
  private readonly settingsLink = el("a");
  private toastTimer = 0;

  /** Replaces what `root` shows with an empty space view; `reconnecting`: continuing a session (CL3, CL4). */
  constructor(root: HTMLElement, spaceId: string, reconnecting: boolean) {
    root.innerHTML = "";
    this.canvas.setAttribute("aria-label", `Map of space ${spaceId}`);
    const topbar = this.topbar;
    this.status.setAttribute("role", "status");
    this.status.textContent = reconnecting ? "Reconnecting…" : "Connecting…";
    this.buildButton.textContent = "Build";
    this.buildButton.title = "Build mode (B)";
    this.buildButton.hidden = true;
    this.buildButton.setAttribute("aria-pressed", "false");
    topbar.append(this.title(spaceId), this.buildButton, this.status);
    this.people.hidden = true;
    this.people.append(this.peopleTitle, this.peopleList);
    this.help.textContent = WALK_HELP;
    this.toastEl.style.opacity = "0";
    this.view.append(this.canvas, topbar, this.people, this.help, this.toastEl, this.dock);
    root.append(this.view);
  }

  /** The space's link with Copy link, and Insights and Settings (owners and admins only, AZ1: shown on `welcome`). */
  private title(spaceId: string): HTMLElement {
    const title = el("div", "chip");
    const titleText = el("span");
    titleText.textContent = `/s/${spaceId}`;
    const copy = el("button");
    copy.textContent = "Copy link";
    copy.onclick = () => { void navigator.clipboard?.writeText(location.href); this.toast("Link copied"); };
    for (const [a, page, text] of [[this.insightsLink, "insights", "Insights"], [this.settingsLink, "settings", "Settings"]] as const) {
      a.href = `/s/${spaceId}/${page}`;
      a.textContent = text;
      a.className = "chip-link";
      a.hidden = true;
    }
    title.append(titleText, copy, this.insightsLink, this.settingsLink);
    return title;
  }

  toast(text: string): void {
    this.toastEl.textContent = text;
    this.toastEl.style.opacity = "1";
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => (this.toastEl.style.opacity = "0"), TOAST_MS);
  }

  /** The space could not be entered, or closed: says why, in words, where the status was. */
  fail(message: string): void {
    this.status.hidden = false;
    this.status.className = "chip status error";
    this.status.textContent = message;
  }

  /** Joined: the status goes and the people panel shows. */
  connected(): void {
    this.status.hidden = true;
    this.people.hidden = false;
  }

  /** The connection dropped and the SDK is reconnecting (RC1). */
  reconnecting(): void {
    this.status.hidden = false;
    this.status.className = "chip status";
    this.status.textContent = "Reconnecting…";
  }

  reconnected(): void {
    this.status.hidden = true;
    this.toast("Reconnected");
  }

  /** What this person may do here (AZ1, SE4): the Build toggle and the admin links follow it. */
  welcome(w: ServerMessages["welcome"]): void {
    this.buildButton.hidden = !w.canBuild;
    const admin = w.role === "owner" || w.role === "admin";
    this.insightsLink.hidden = !admin;
    this.settingsLink.hidden = !admin;
  }

  /** Entered or left build mode. */
  buildMode(on: boolean): void {
    this.buildButton.setAttribute("aria-pressed", String(on));
    this.view.classList.toggle("building", on);
    this.help.textContent = on ? BUILD_HELP : WALK_HELP;
  }
}
