/**
 * The user's chosen name and look, remembered in this browser; the look picker; and changing both
 * in place from inside a space (SPEC UX15).
 */
import { NAME_MAX } from "../../../shared/constants.ts";
import { LOOK_COUNT, LOOKS } from "../../../shared/looks.ts";
import { displayNameSchema } from "../../../shared/protocol.ts";
import { drawAvatar } from "../render/avatarArt.ts";
import { openDialog } from "../a11y/dialog.ts";
import { el } from "./dom.ts";

export interface Profile {
  name: string;
  look: number;
  space?: string;
  /** The account that chose this name (absent: signed out), so a new sign-in picks its own. */
  userId?: string;
}

const KEY = "plaza.profile";

export function loadProfile(): Profile {
  try {
    const p = JSON.parse(sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? "{}") as Partial<Profile>;
    const look = Number.isInteger(p.look) && p.look! >= 0 && p.look! < LOOK_COUNT ? p.look! : Math.floor(Math.random() * LOOK_COUNT);
    return {
      name: typeof p.name === "string" ? p.name : "", look, space: typeof p.space === "string" ? p.space : undefined,
      userId: typeof p.userId === "string" ? p.userId : undefined,
    };
  } catch {
    return { name: "", look: 0 };
  }
}

/** Saved per tab (so two tabs can be two people) and as the default for new tabs. */
export function saveProfile(p: Profile) {
  const s = JSON.stringify(p);
  sessionStorage.setItem(KEY, s);
  localStorage.setItem(KEY, s);
}

/** Whether this tab already chose a name and look as this account (a reload, or back from settings). */
export function chosenInThisTab(userId: string | undefined): boolean {
  if (sessionStorage.getItem(KEY) === null) return false;
  const p = loadProfile();
  return p.name !== "" && p.userId === userId;
}

/** An avatar drawn facing the viewer, `w`×`h` pixels. */
export function avatarCanvas(look: number, w: number, h: number): HTMLCanvasElement {
  const c = document.createElement("canvas");
  c.width = w; c.height = h;
  drawAvatar(c.getContext("2d")!, look, 0, 0, w / 2, h - 2, w / 32);
  return c;
}

/** The looks as a row of toggle buttons, one pressed; `picked` hears every choice. */
export function lookPicker(look: number, picked: (look: number) => void): HTMLElement {
  const looks = el("div", "looks");
  looks.setAttribute("role", "group");
  looks.setAttribute("aria-label", "Your look");
  const buttons: HTMLButtonElement[] = [];
  LOOKS.forEach((l, i) => {
    const b = el("button");
    b.type = "button";
    b.title = l.name;
    b.setAttribute("aria-label", `Look: ${l.name}`);
    b.dataset.look = String(i);
    b.append(avatarCanvas(i, 32, 36));
    b.onclick = () => { buttons.forEach((x, j) => x.setAttribute("aria-pressed", String(j === i))); picked(i); };
    b.setAttribute("aria-pressed", String(i === look));
    buttons.push(b);
    looks.append(b);
  });
  return looks;
}

/**
 * UX15: change name and look without leaving the space. `save` sends the change (the room checks
 * it again); the choice is also kept here as this tab's profile.
 */
export function openProfileDialog(profile: Profile, save: (name: string, look: number) => void): void {
  const form = el("form", "profile-form card-like");
  form.setAttribute("novalidate", "");
  const label = el("label"); label.textContent = "Your name"; label.htmlFor = "profile-name";
  const name = el("input");
  Object.assign(name, { type: "text", id: "profile-name", maxLength: NAME_MAX, value: profile.name, autocomplete: "nickname" });
  let look = profile.look;
  const lookLabel = el("p", "field-label"); lookLabel.textContent = "Your look";
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  const ok = el("button", "primary-small"); ok.type = "submit"; ok.textContent = "Save";
  form.append(label, name, lookLabel, lookPicker(look, (l) => { look = l; }), error, ok);
  const d = openDialog("Your profile", [form], { className: "profile-dialog", focus: name });
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const n = displayNameSchema.safeParse(name.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.focus(); return; }
    saveProfile({ ...profile, name: n.data, look });
    save(n.data, look);
    d.close();
  };
}
