/**
 * The A/V dock at the bottom of the screen: our own preview, one tile per peer (plus one per shared
 * screen), a large tile for the spotlight speaker we listen to, the "you are on the spotlight"
 * banner, and the mic / camera / screen / device controls. Only renders; the conversation decides.
 * Names are user text: set with textContent, never markup (PR2).
 */
import { onAirText, type MediaState } from "./rules.ts";

export interface DockActions {
  toggleMic(): void;
  toggleCam(): void;
  toggleScreen(): void;
  chooseDevices(choice: { mic?: string; cam?: string }): void;
  /** Called when the settings panel opens, to fill the device lists. */
  listDevices(): Promise<MediaDeviceInfo[]>;
  /** Device ids of the tracks in use, to preselect them. */
  currentDevices(): { mic?: string; cam?: string };
}

const SVG_NS = "http://www.w3.org/2000/svg";
const ICONS = {
  mic: "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z",
  cam: "M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4z",
  screen: "M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2h-4zM4 6h16v10H4V6z",
  gear: "M19.14 12.94a7.14 7.14 0 0 0 0-1.88l2.03-1.58-1.92-3.32-2.39.96a7 7 0 0 0-1.62-.94L14.86 3.6h-3.72l-.38 2.58a7 7 0 0 0-1.62.94l-2.39-.96-1.92 3.32 2.03 1.58a7.14 7.14 0 0 0 0 1.88l-2.03 1.58 1.92 3.32 2.39-.96c.5.39 1.04.7 1.62.94l.38 2.58h3.72l.38-2.58a7 7 0 0 0 1.62-.94l2.39.96 1.92-3.32-2.03-1.58zM12 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z",
} as const;

function icon(name: keyof typeof ICONS, struck = false): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  if (struck) {
    const line = document.createElementNS(SVG_NS, "line");
    for (const [k, v] of Object.entries({ x1: "3", y1: "3", x2: "21", y2: "21" })) line.setAttribute(k, v);
    svg.append(line);
  }
  return svg;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

/**
 * Starts playback, and if the browser's autoplay policy refuses (no click on this page yet), tries
 * again on the next click or key press anywhere.
 */
function play(media: HTMLMediaElement): void {
  media.play().catch(() => {
    const retry = () => { void media.play().catch(() => undefined); };
    window.addEventListener("pointerdown", retry, { once: true });
    window.addEventListener("keydown", retry, { once: true });
  });
}

/** One tile: a video (camera, and for peers also their voice), a caption and a placeholder. */
class Tile {
  readonly root = el("figure", "av-tile");
  readonly video = el("video");
  private readonly placeholder = el("div", "av-placeholder");
  private readonly caption = el("figcaption");
  private readonly micOff = el("span", "av-micoff");
  private readonly label = el("span");

  constructor(name: string, opts: { self?: boolean; screen?: boolean } = {}) {
    this.video.autoplay = true;
    this.video.playsInline = true;
    if (opts.self) {
      this.root.classList.add("av-self");
      this.video.muted = true; // never play our own voice back to us
    }
    if (opts.screen) {
      this.root.classList.add("av-screen");
      this.video.muted = true;
    }
    this.micOff.append(icon("mic", true));
    this.micOff.hidden = true;
    this.micOff.title = "Microphone off";
    this.caption.append(this.micOff, this.label);
    this.root.append(this.video, this.placeholder, this.caption);
    this.setName(name);
    this.showVideo(false);
  }

  setName(name: string): void {
    if (this.label.textContent === name) return;
    this.label.textContent = name;
    this.placeholder.textContent = (name.trim()[0] ?? "?").toUpperCase();
    this.root.setAttribute("aria-label", name);
  }
  setStream(stream: MediaStream | null): void {
    if (this.video.srcObject !== stream) {
      this.video.srcObject = stream;
      if (stream) play(this.video);
    }
  }
  showVideo(on: boolean): void {
    this.root.classList.toggle("av-novideo", !on);
  }
  setMicOff(off: boolean): void {
    this.micOff.hidden = !off;
  }
}

export class PeerTiles {
  readonly camera: Tile;
  screen: Tile | undefined;
  /** The spotlight speaker's tile: large, above the others, labelled as the spotlight. */
  constructor(private readonly dock: Dock, private name: string, private readonly spotlight = false) {
    this.camera = new Tile(this.label(name));
    if (spotlight) {
      this.camera.root.classList.add("av-spotlight");
      dock.stage.append(this.camera.root);
      dock.stage.hidden = false;
    } else {
      dock.tiles.append(this.camera.root);
    }
  }
  private label(name: string): string {
    return this.spotlight ? `${name} · on the spotlight` : name;
  }
  setName(name: string): void {
    if (this.name === name) return;
    this.name = name;
    this.camera.setName(this.label(name));
    this.screen?.setName(`${name}'s screen`);
  }
  setVolume(v: number): void {
    this.camera.video.volume = v;
  }
  showScreen(stream: MediaStream | null): void {
    if (!stream) {
      this.screen?.root.remove();
      this.screen = undefined;
      return;
    }
    if (!this.screen) {
      this.screen = new Tile(`${this.name}'s screen`, { screen: true });
      this.camera.root.after(this.screen.root);
    }
    this.screen.setStream(stream);
    this.screen.showVideo(true);
  }
  remove(): void {
    this.camera.setStream(null);
    this.screen?.setStream(null);
    this.camera.root.remove();
    this.screen?.root.remove();
    if (this.spotlight) this.dock.stage.hidden = this.dock.stage.childElementCount === 0;
  }
}

export class Dock {
  readonly tiles = el("div", "av-tiles");
  /** Holds the spotlight speaker's tile while we listen (PX7). */
  readonly stage = el("div", "av-stage");
  private readonly onAir = el("p", "av-onair");
  private readonly self = new Tile("You", { self: true });
  private readonly ownScreen = new Tile("Your screen", { self: true, screen: true });
  private readonly area = el("div", "av-area");
  private readonly notice = el("p", "av-notice");
  private readonly buttons: Record<"mic" | "cam" | "screen" | "settings", HTMLButtonElement>;
  private readonly settings = el("div", "av-settings");
  private readonly micSelect = el("select");
  private readonly camSelect = el("select");

  constructor(private readonly root: HTMLElement, private readonly actions: DockActions) {
    root.classList.add("av-dock");
    root.hidden = true;
    this.notice.setAttribute("role", "status");
    this.notice.hidden = true;
    this.area.hidden = true;
    this.stage.hidden = true;
    this.onAir.hidden = true;
    this.onAir.setAttribute("role", "status");
    this.ownScreen.root.hidden = true;
    this.tiles.append(this.self.root, this.ownScreen.root);

    const controls = el("div", "av-controls");
    controls.setAttribute("role", "toolbar");
    controls.setAttribute("aria-label", "Audio and video");
    const button = (onClick: () => void) => {
      const b = el("button");
      b.type = "button";
      b.addEventListener("click", onClick);
      controls.append(b);
      return b;
    };
    this.buttons = {
      mic: button(() => actions.toggleMic()),
      cam: button(() => actions.toggleCam()),
      screen: button(() => actions.toggleScreen()),
      settings: button(() => void this.toggleSettings()),
    };
    this.buttons.settings.setAttribute("aria-label", "Choose microphone and camera");
    this.buttons.settings.setAttribute("aria-expanded", "false");
    this.buttons.settings.append(icon("gear"));

    const field = (text: string, select: HTMLSelectElement, kind: "mic" | "cam") => {
      const label = el("label");
      const span = el("span");
      span.textContent = text;
      label.append(span, select);
      select.addEventListener("change", () => actions.chooseDevices({ [kind]: select.value }));
      return label;
    };
    this.settings.hidden = true;
    this.settings.append(field("Microphone", this.micSelect, "mic"), field("Camera", this.camSelect, "cam"));
    root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !this.settings.hidden) { this.closeSettings(); this.buttons.settings.focus(); }
    });
    root.replaceChildren(this.onAir, this.area, this.stage, this.tiles, this.notice, this.settings, controls);
    this.setMedia({ mic: false, cam: false, screen: false });
  }

  setVisible(on: boolean): void {
    this.root.hidden = !on;
    if (!on) this.closeSettings();
  }
  setArea(name: string | null): void {
    this.area.hidden = name === null;
    this.area.textContent = name ?? "";
  }
  /** While we are the spotlight speaker: how many hear us, and whether they get audio only. */
  setOnAir(state: { listeners: number; audioOnly: boolean } | null): void {
    this.onAir.hidden = state === null;
    this.onAir.textContent = state ? onAirText(state.listeners, state.audioOnly) : "";
  }
  setNotice(text: string | null): void {
    this.notice.hidden = text === null;
    this.notice.textContent = text ?? "";
  }
  /** Our own preview (mirrored by CSS, like a mirror) and screen share preview. */
  setOwnMedia(cam: MediaStream | null, screen: MediaStream | null): void {
    this.self.setStream(cam);
    this.self.showVideo(cam !== null);
    this.ownScreen.root.hidden = screen === null;
    this.ownScreen.setStream(screen);
    this.ownScreen.showVideo(screen !== null);
  }
  /** Button states: pressed = on. */
  setMedia(state: MediaState): void {
    const set = (b: HTMLButtonElement, name: keyof typeof ICONS, on: boolean, onLabel: string, offLabel: string) => {
      // Mic and camera are normally on, so "off" is the state to flag; sharing is normally off.
      const flagOff = name !== "screen";
      b.replaceChildren(icon(name, flagOff && !on));
      b.setAttribute("aria-label", on ? onLabel : offLabel);
      b.setAttribute("aria-pressed", String(on));
      b.title = on ? onLabel : offLabel;
      b.classList.toggle("av-off", flagOff && !on);
      b.classList.toggle("av-on", !flagOff && on);
    };
    set(this.buttons.mic, "mic", state.mic, "Mute microphone", "Unmute microphone");
    set(this.buttons.cam, "cam", state.cam, "Turn camera off", "Turn camera on");
    set(this.buttons.screen, "screen", state.screen, "Stop sharing screen", "Share screen");
    this.self.setMicOff(!state.mic);
  }
  addPeer(name: string): PeerTiles {
    return new PeerTiles(this, name);
  }
  /** The speaker we listen to on the spotlight: one large tile (their voice and camera). */
  addSpotlight(name: string): PeerTiles {
    return new PeerTiles(this, name, true);
  }

  private async toggleSettings(): Promise<void> {
    if (!this.settings.hidden) return this.closeSettings();
    const devices = await this.actions.listDevices();
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, noun: string) => {
      const list = devices.filter((d) => d.kind === kind);
      select.replaceChildren(...list.map((d, i) => {
        const o = el("option");
        o.value = d.deviceId;
        o.textContent = d.label || `${noun} ${i + 1}`; // labels are empty until permission is given
        return o;
      }));
      select.disabled = list.length === 0;
    };
    fill(this.micSelect, "audioinput", "Microphone");
    fill(this.camSelect, "videoinput", "Camera");
    const current = this.actions.currentDevices();
    if (current.mic) this.micSelect.value = current.mic;
    if (current.cam) this.camSelect.value = current.cam;
    this.settings.hidden = false;
    this.buttons.settings.setAttribute("aria-expanded", "true");
    this.micSelect.focus();
  }
  private closeSettings(): void {
    this.settings.hidden = true;
    this.buttons.settings.setAttribute("aria-expanded", "false");
  }
}
