/**
 * The front door: `/` for someone signed out (what Plaza is, sign up / sign in, open a link), and
 * the step before entering a space (name and look).
 */
import { LOOKS } from "../../../shared/looks.ts";
import { NAME_MAX } from "../../../shared/constants.ts";
import { displayNameSchema } from "../../../shared/protocol.ts";
import { avatarCanvas, loadProfile, lookPicker, saveProfile } from "./profile.ts";
import { authCard } from "./auth.ts";
import { el, link, navigate } from "./dom.ts";

export function toSpaceId(input: string): string {
  return input.trim().toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

/** Signed out at `/`: the pitch, the sign-up/sign-in card and "have a link? paste it". */
export function renderLanding(root: HTMLElement) {
  root.replaceChildren();
  const page = el("div", "landing welcome");
  const pitch = el("section", "pitch");
  const h1 = el("h1"); h1.textContent = "Plaza";
  const lead = el("p", "lead"); lead.textContent = "Your office, online. Walk up to someone and say hi.";
  const crowd = el("div", "crowd");
  crowd.setAttribute("aria-hidden", "true");
  for (let i = 0; i < 6; i++) crowd.append(avatarCanvas(i * 3 % LOOKS.length, 48, 54));
  const points = el("ul", "points");
  for (const text of [
    "Move around a shared map. Get close to someone and you're in a conversation.",
    "Private spaces for your team. Send a link to let guests in.",
    "Start from a template, or import a map you made in Tiled.",
  ]) { const li = el("li"); li.textContent = text; points.append(li); }
  pitch.append(h1, lead, crowd, points, pasteLink());

  page.append(pitch, authCard({ onSignedIn: () => navigate("/") }));
  root.append(page);
}

/** "Have a link? Paste it": accepts a full invite or space URL, a path, or a bare space id. */
function pasteLink(): HTMLElement {
  const form = el("form", "paste-link");
  form.setAttribute("novalidate", "");
  const label = el("label"); label.textContent = "Have a link? Paste it"; label.htmlFor = "paste";
  const row = el("div", "row");
  const input = el("input");
  Object.assign(input, { type: "text", id: "paste", placeholder: "https://…/i/… or /s/…", autocomplete: "off" });
  const go = el("button", "secondary"); go.type = "submit"; go.textContent = "Open";
  row.append(input, go);
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  form.append(label, row, error);
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const path = linkPath(input.value);
    if (!path) { error.textContent = "That doesn't look like a Plaza link."; input.focus(); return; }
    navigate(path);
  };
  return form;
}

export function linkPath(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  let url: URL;
  try { url = new URL(text, location.origin); } catch { return null; }
  const m = url.pathname.match(/^\/(i|s)\/([^/?#]+)/);
  if (m) return `/${m[1]}/${encodeURIComponent(decodeURIComponent(m[2]))}`;
  // A bare space id ("lobby") is a space link too.
  return /^[a-z0-9][a-z0-9-]{0,39}$/.test(text) ? `/s/${text}` : null;
}

/**
 * The step before entering a space: name and look (the name prefilled from the account, else the
 * last one used here). The choice is kept per tab, so two tabs can be two people.
 */
export function renderJoinStep(root: HTMLElement, space: { id: string; name: string; teamName?: string }, user: { id: string; name: string } | undefined, onEnter: () => void) {
  const profile = loadProfile();
  root.replaceChildren();
  const page = el("div", "landing");
  const card = el("form", "card");
  card.setAttribute("novalidate", "");
  const h1 = el("h1"); h1.textContent = space.name;
  const tag = el("p", "tagline");
  tag.textContent = space.teamName ? `${space.teamName} · /s/${space.id}` : `/s/${space.id}`;

  const nameLabel = el("label"); nameLabel.textContent = "Your name"; nameLabel.htmlFor = "name";
  const name = el("input");
  Object.assign(name, { type: "text", id: "name", maxLength: NAME_MAX, placeholder: "e.g. Ada", value: user?.name ?? profile.name, autocomplete: "nickname" });

  const lookLabel = el("label"); lookLabel.textContent = "Your look";
  let look = profile.look;
  const looks = lookPicker(look, (l) => { look = l; });

  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  const go = el("button", "primary");
  go.type = "submit";
  go.textContent = `Enter ${space.name}`;
  const back = el("p", "card-foot");
  back.append(link("/", "← My spaces"));

  card.append(h1, tag, nameLabel, name, lookLabel, looks, go, error, back);
  page.append(card);
  root.append(page);
  name.focus();

  card.onsubmit = (ev) => {
    ev.preventDefault();
    const n = displayNameSchema.safeParse(name.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.focus(); return; }
    saveProfile({ name: n.data, look, space: space.id, userId: user?.id });
    onEnter();
  };
}

/** A full-page message (not found, no access…) with optional actions below it. */
export function renderMessage(root: HTMLElement, title: string, text: string, ...actions: HTMLElement[]): HTMLElement {
  root.replaceChildren();
  const page = el("div", "landing");
  const card = el("section", "card message-card");
  card.setAttribute("role", "alert");
  const h1 = el("h1"); h1.textContent = title;
  const p = el("p", "tagline"); p.textContent = text;
  card.append(h1, p, ...actions);
  page.append(card);
  root.append(page);
  return card;
}
