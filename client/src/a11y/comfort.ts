/**
 * Comfort settings (SPEC UX12–UX14): theme, reduced motion, larger text, sounds and desktop
 * notifications. Kept per person in this browser (localStorage, keyed by the signed-in account, or
 * "visitor"), applied to the page as data attributes the theme CSS reads (style.css, "Comfort"),
 * and to the renderer through `motionPreference`. "system" follows the operating system's
 * prefers-color-scheme / prefers-reduced-motion, also when those change while the page is open.
 */
import { loadSession } from "../net/session.ts";
import { motionPreference } from "./motion.ts";

export const THEMES = ["system", "light", "dark"] as const;
export const MOTIONS = ["system", "reduce", "full"] as const;
export type ThemeChoice = (typeof THEMES)[number];
export type MotionChoice = (typeof MOTIONS)[number];

export interface Comfort {
  theme: ThemeChoice;
  motion: MotionChoice;
  largeText: boolean;
  /** A soft tone when someone comes to talk, and another for a direct message (off by default, UX14). */
  sounds: boolean;
  /** A desktop notification for a direct message while the tab is hidden (UX14). */
  notifications: boolean;
  /** Open the outline of the space on entering (outline mode, UX10). */
  outline: boolean;
}

export const COMFORT_DEFAULTS: Comfort = { theme: "system", motion: "system", largeText: false, sounds: false, notifications: false, outline: false };

const keyOf = () => `plaza.comfort.${loadSession()?.user.id ?? "visitor"}`;
const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);

export function loadComfort(): Comfort {
  let raw: Partial<Comfort> = {};
  try { raw = JSON.parse(localStorage.getItem(keyOf()) ?? "{}") as Partial<Comfort>; } catch { /* unreadable: defaults */ }
  const flag = (k: "largeText" | "sounds" | "notifications" | "outline") => (typeof raw[k] === "boolean" ? raw[k] : COMFORT_DEFAULTS[k]);
  return {
    theme: oneOf(THEMES, raw.theme, "system"), motion: oneOf(MOTIONS, raw.motion, "system"),
    largeText: flag("largeText"), sounds: flag("sounds"), notifications: flag("notifications"), outline: flag("outline"),
  };
}

const media = (q: string) => (typeof matchMedia === "function" ? matchMedia(q) : undefined);
const prefersLight = () => media("(prefers-color-scheme: light)")?.matches ?? false;
const prefersLessMotion = () => media("(prefers-reduced-motion: reduce)")?.matches ?? false;

/** The theme and motion a choice means on this device now. */
export function resolved(c: Comfort): { theme: "light" | "dark"; reduceMotion: boolean } {
  const theme = c.theme === "system" ? (prefersLight() ? "light" : "dark") : c.theme;
  const reduceMotion = c.motion === "system" ? prefersLessMotion() : c.motion === "reduce";
  return { theme, reduceMotion };
}

let current: Comfort = COMFORT_DEFAULTS;

/** The settings in force. */
export function comfort(): Comfort { return current; }

/** Puts `c` in force on the page and the renderer. */
export function applyComfort(c: Comfort): void {
  current = c;
  const { theme, reduceMotion } = resolved(c);
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.dataset.motion = reduceMotion ? "reduce" : "full";
  root.dataset.text = c.largeText ? "large" : "normal";
  root.style.colorScheme = theme;
  motionPreference.reduced = reduceMotion;
}

export function saveComfort(c: Comfort): void {
  try { localStorage.setItem(keyOf(), JSON.stringify(c)); } catch { /* private mode: in force for this page only */ }
  applyComfort(c);
}

/** Once, at start: apply this person's settings, and again when the OS preference, the account or another tab changes them. */
export function initComfort(): void {
  const again = () => applyComfort(loadComfort());
  again();
  media("(prefers-color-scheme: light)")?.addEventListener("change", again);
  media("(prefers-reduced-motion: reduce)")?.addEventListener("change", again);
  window.addEventListener("plaza:navigate", again); // signing in or out picks that person's settings
  window.addEventListener("storage", (e) => { if (e.key === keyOf()) again(); });
}
