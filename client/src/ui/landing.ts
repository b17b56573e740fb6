/** The landing page: choose a name, a look and a space, then enter /s/<spaceId>. */
import { LOOKS } from "../../../shared/looks.ts";
import { NAME_MAX } from "../../../shared/constants.ts";
import { displayNameSchema, spaceIdSchema } from "../../../shared/protocol.ts";
import { drawAvatar } from "../render/avatarArt.ts";
import { loadProfile, saveProfile } from "./profile.ts";

export function toSpaceId(input: string): string {
  return input.trim().toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

export function renderLanding(root: HTMLElement, presetSpace?: string, onEnter?: () => void) {
  const profile = loadProfile();
  root.innerHTML = "";
  const page = el("div", "landing");
  const card = el("form", "card");
  card.setAttribute("novalidate", "");
  const h1 = el("h1"); h1.textContent = "Plaza";
  const tag = el("p", "tagline"); tag.textContent = "Your office, online. Walk up to someone and say hi.";

  const nameLabel = el("label"); nameLabel.textContent = "Your name"; nameLabel.htmlFor = "name";
  const name = el("input") as HTMLInputElement;
  Object.assign(name, { type: "text", id: "name", maxLength: NAME_MAX, placeholder: "e.g. Ada", value: profile.name, autocomplete: "nickname" });

  const lookLabel = el("label"); lookLabel.textContent = "Your look";
  const looks = el("div", "looks");
  let look = profile.look;
  const buttons: HTMLButtonElement[] = [];
  LOOKS.forEach((l, i) => {
    const b = el("button") as HTMLButtonElement;
    b.type = "button";
    b.title = l.name;
    b.setAttribute("aria-label", `Look: ${l.name}`);
    b.dataset.look = String(i);
    const c = document.createElement("canvas");
    c.width = 32; c.height = 36;
    const g = c.getContext("2d")!;
    drawAvatar(g, i, 0, 0, 16, 34);
    b.append(c);
    b.onclick = () => { look = i; buttons.forEach((x, j) => x.setAttribute("aria-pressed", String(j === i))); };
    b.setAttribute("aria-pressed", String(i === look));
    buttons.push(b);
    looks.append(b);
  });

  const spaceLabel = el("label"); spaceLabel.textContent = "Space"; spaceLabel.htmlFor = "space";
  const field = el("div", "space-field");
  const prefix = el("span"); prefix.textContent = "/s/";
  const space = el("input") as HTMLInputElement;
  Object.assign(space, { type: "text", id: "space", maxLength: 40, value: presetSpace ?? profile.space ?? "lobby" });
  field.append(prefix, space);

  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  const go = el("button", "primary") as HTMLButtonElement;
  go.type = "submit";
  go.textContent = presetSpace ? `Enter ${presetSpace}` : "Enter space";

  card.append(h1, tag, nameLabel, name, lookLabel, looks, spaceLabel, field, go, error);
  page.append(card);
  root.append(page);
  name.focus();

  card.onsubmit = (ev) => {
    ev.preventDefault();
    const n = displayNameSchema.safeParse(name.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.focus(); return; }
    const id = toSpaceId(space.value);
    if (!spaceIdSchema.safeParse(id).success) { error.textContent = "Space: use letters, digits and dashes."; space.focus(); return; }
    saveProfile({ name: n.data, look, space: id });
    history.pushState(null, "", `/s/${id}`);
    onEnter?.();
  };
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}
