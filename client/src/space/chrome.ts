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
/** On a phone or tablet the people list and the chat log are drawers opened from tabs (UX1). */
export type Drawer = "people" | "chat";

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
  /** The touch joystick's area (UX2), shown on touch screens only. */
  readonly joystickZone = el("div", "touch-stick");
  /** Zoom in and out (UX3); their clicks are wired by the space view. */
  readonly zoomIn = el("button", "zoom-in");
  readonly zoomOut = el("button", "zoom-out");
  /** The drawer tabs (UX1): hidden on wide screens, where both panels are always shown. */
  private readonly drawerTabs = el("nav", "drawer-tabs");
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
    this.view.append(this.canvas, topbar, this.people, this.help, this.toastEl, this.dock, this.joystickZone, this.zoomControls(), this.drawerTabs);
    this.view.classList.toggle("touch", navigator.maxTouchPoints > 0 || matchMedia("(pointer: coarse)").matches);
    this.drawerButtons();
    root.append(this.view);
  }

  /** + and − over the map (UX3). */
  private zoomControls(): HTMLElement {
    const box = el("div", "zoom-controls");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Zoom");
    for (const [b, text, label] of [[this.zoomIn, "+", "Zoom in (+)"], [this.zoomOut, "−", "Zoom out (−)"]] as const) {
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.title = label;
    }
    box.append(this.zoomIn, this.zoomOut);
    return box;
  }

  private drawerButtons(): void {
    this.drawerTabs.setAttribute("aria-label", "Panels");
    for (const [drawer, text] of [["people", "People"], ["chat", "Chat"]] as const) {
      const b = el("button", `drawer-tab drawer-${drawer}`);
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-expanded", "false");
      b.onclick = () => this.openDrawer(this.view.dataset.drawer === drawer ? undefined : drawer);
      this.drawerTabs.append(b);
    }
  }

  /**
   * UX1: keeps the view inside the visual viewport, so the chat input stays above a phone's
   * on-screen keyboard even where the browser overlays the keyboard instead of resizing the page.
   */
  followVisualViewport(changed: () => void): () => void {
    const vv = window.visualViewport;
    if (!vv) return () => undefined;
    const fit = () => {
      if (Math.abs(vv.scale - 1) < 0.01) {
        this.view.style.setProperty("--vv-height", `${Math.round(vv.height)}px`);
        this.view.style.setProperty("--vv-top", `${Math.round(vv.offsetTop)}px`);
      } else {
        // The page itself is pinch-zoomed (over a panel): the view keeps the layout's size.
        this.view.style.removeProperty("--vv-height");
        this.view.style.removeProperty("--vv-top");
      }
      changed();
    };
    fit();
    vv.addEventListener("resize", fit);
    vv.addEventListener("scroll", fit);
    return () => { vv.removeEventListener("resize", fit); vv.removeEventListener("scroll", fit); };
  }

  /** Opens one drawer (closing the other), or closes them (UX1). Wide screens show both panels anyway. */
  openDrawer(drawer: Drawer | undefined): void {
    if (drawer) this.view.dataset.drawer = drawer;
    else delete this.view.dataset.drawer;
    for (const b of this.drawerTabs.querySelectorAll("button")) b.setAttribute("aria-expanded", String(b.classList.contains(`drawer-${drawer}`)));
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
