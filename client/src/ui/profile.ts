/** The user's chosen name and look, remembered in this browser. */
import { LOOK_COUNT } from "../../../shared/looks.ts";

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
