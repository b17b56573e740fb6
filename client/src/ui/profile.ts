/** The user's chosen name and look, remembered in this browser. */
import { LOOK_COUNT } from "../../../shared/looks.ts";

export interface Profile { name: string; look: number; space?: string }

const KEY = "plaza.profile";

export function loadProfile(): Profile {
  try {
    const p = JSON.parse(sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? "{}") as Partial<Profile>;
    const look = Number.isInteger(p.look) && p.look! >= 0 && p.look! < LOOK_COUNT ? p.look! : Math.floor(Math.random() * LOOK_COUNT);
    return { name: typeof p.name === "string" ? p.name : "", look, space: typeof p.space === "string" ? p.space : undefined };
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
