/**
 * "My spaces" (`/` when signed in): the spaces of the user's teams from GET /api/me, a form to
 * create one from a template, and one to import a map made in Tiled (.tmj + tileset .png, read in
 * the browser and sent as JSON).
 */
import {
  IMPORT_MAX_MAP_BYTES, IMPORT_MAX_TILESET_BYTES, spaceNameSchema,
  type MeResponse, type SpaceInfo, type TeamInfo, type TemplateInfo,
} from "../../../shared/api.ts";
import { can, type Visibility } from "../../../shared/authz.ts";
import { api, ApiFailure, clearSession, loadSession, type Session } from "../net/session.ts";
import { button, el, link, navigate } from "./dom.ts";
import { showOnlineCounts } from "./teamPanel.ts";
import { openComfortDialog } from "../a11y/comfortPanel.ts";

export async function renderDashboard(root: HTMLElement) {
  root.replaceChildren();
  const page = el("div", "app-page");
  const main = el("main", "dash");
  page.append(topNav(loadSession()), main);
  root.append(page);
  const status = el("p", "loading");
  status.setAttribute("role", "status");
  status.textContent = "Loading your spaces…";
  main.append(status);

  let me: MeResponse;
  let templates: TemplateInfo[];
  try {
    [me, templates] = await Promise.all([api<MeResponse>("GET", "/api/me"), api<TemplateInfo[]>("GET", "/api/templates")]);
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return navigate("/", true); // session gone: the signed-out page
    status.textContent = err instanceof ApiFailure ? err.message : "Could not load your spaces.";
    main.append(button("Try again", "secondary", () => void renderDashboard(root)));
    return;
  }
  // The name may have changed since sign-in; keep the nav current.
  page.firstElementChild!.replaceWith(topNav({ token: loadSession()?.token ?? "", user: me.user }));

  const h1 = el("h1");
  h1.textContent = "My spaces";
  const creators = me.teams.filter((t) => can(t.role, "team.createSpace"));
  main.replaceChildren(h1, spaceList(me.spaces));
  void showOnlineCounts(main, me.teams); // TP2: "N online" per space
  if (creators.length > 0) {
    main.append(newSpaceForm(templates, creators), importForm(creators));
  } else {
    const note = el("p", "muted note");
    note.textContent = me.user.guest
      ? "You're here as a guest. Sign up with an email to create spaces of your own."
      : "You can't create spaces in your teams. Ask an admin.";
    main.append(note);
  }
}

export function topNav(session: Session | null): HTMLElement {
  const nav = el("header", "topnav");
  const brand = link("/", "Plaza", "brand");
  const right = el("div", "who");
  if (session) {
    const avatar = el("span", "initial");
    avatar.textContent = (session.user.name.trim()[0] ?? "?").toUpperCase();
    avatar.setAttribute("aria-hidden", "true");
    const name = el("span", "user-name");
    name.textContent = session.user.name;
    right.append(avatar, name);
    if (session.user.guest) right.append(badge("guest", "role"));
    right.append(button("Sign out", "ghost sign-out", () => { clearSession(); navigate("/"); }));
  }
  right.prepend(button("Comfort", "ghost comfort-button", () => openComfortDialog())); // UX12
  nav.append(brand, right);
  return nav;
}

export function badge(text: string, kind: string): HTMLElement {
  const b = el("span", `badge badge-${kind} badge-${kind}-${text}`);
  b.textContent = text;
  return b;
}

export function visibilityText(v: Visibility): string {
  return v === "public" ? "public" : "private";
}

function spaceList(spaces: SpaceInfo[]): HTMLElement {
  if (spaces.length === 0) {
    const empty = el("div", "empty");
    empty.textContent = "No spaces yet. Create your first one below, or open an invite link someone sent you.";
    return empty;
  }
  const list = el("ul", "space-list");
  for (const s of [...spaces].sort((a, b) => a.name.localeCompare(b.name))) {
    const li = el("li", "space-card");
    li.dataset.space = s.id;
    const h = el("h3");
    h.textContent = s.name;
    const meta = el("p", "meta");
    const team = el("span");
    team.textContent = s.teamName;
    const path = el("span", "path");
    path.textContent = `/s/${s.id}`;
    meta.append(team, path);
    const badges = el("div", "badges");
    if (s.role) badges.append(badge(s.role, "role"));
    badges.append(badge(visibilityText(s.visibility), "vis"));
    const actions = el("div", "actions");
    if (s.can.rename || s.can.manageMembers || s.can.manageInvites) actions.append(link(`/s/${s.id}/settings`, "Settings", "ghost"));
    if (s.can.insights) actions.append(link(`/s/${s.id}/insights`, "Insights", "ghost"));
    actions.append(link(`/s/${s.id}`, "Enter", "primary-small enter"));
    li.append(h, meta, badges, actions);
    list.append(li);
  }
  return list;
}

function teamPicker(teams: TeamInfo[], id: string): { node: HTMLElement; value: () => string | undefined } {
  if (teams.length < 2) return { node: el("span"), value: () => teams[0]?.id };
  const wrap = el("div", "field");
  const l = el("label"); l.textContent = "Team"; l.htmlFor = id;
  const select = el("select");
  select.id = id;
  for (const t of teams) { const o = el("option"); o.value = t.id; o.textContent = t.name; select.append(o); }
  wrap.append(l, select);
  return { node: wrap, value: () => select.value };
}

function visibilityPicker(name: string): { node: HTMLElement; value: () => Visibility } {
  const wrap = el("fieldset", "visibility");
  const legend = el("legend"); legend.textContent = "Who can enter";
  wrap.append(legend);
  const options: [Visibility, string, string][] = [
    ["private", "Private", "Only members of the team (invite people with a link)."],
    ["public", "Public", "Anyone with the link can walk in."],
  ];
  for (const [value, title, text] of options) {
    const l = el("label", "choice");
    const r = el("input");
    Object.assign(r, { type: "radio", name, value, checked: value === "private" });
    const t = el("strong"); t.textContent = title;
    const d = el("span"); d.textContent = text;
    l.append(r, t, d);
    wrap.append(l);
  }
  return { node: wrap, value: () => ((wrap.querySelector("input:checked") as HTMLInputElement | null)?.value as Visibility) ?? "private" };
}

function section(title: string, className: string): { box: HTMLElement; form: HTMLFormElement } {
  const box = el("section", `panel ${className}`);
  const h2 = el("h2"); h2.textContent = title;
  const form = el("form");
  form.setAttribute("novalidate", "");
  box.append(h2, form);
  return { box, form };
}

function textField(id: string, label: string, placeholder: string): { node: HTMLElement; input: HTMLInputElement } {
  const node = el("div", "field");
  const l = el("label"); l.textContent = label; l.htmlFor = id;
  const input = el("input");
  Object.assign(input, { type: "text", id, placeholder, maxLength: 60, autocomplete: "off" });
  node.append(l, input);
  return { node, input };
}

function newSpaceForm(templates: TemplateInfo[], teams: TeamInfo[]): HTMLElement {
  const { box, form } = section("New space", "new-space");
  const name = textField("new-space-name", "Name", "e.g. Design Studio");
  const tl = el("p", "field-label"); tl.textContent = "Template";
  const cards = el("div", "templates");
  cards.setAttribute("role", "radiogroup");
  cards.setAttribute("aria-label", "Template");
  let chosen = templates[0]?.id;
  const pick = (id: string) => {
    chosen = id;
    for (const c of cards.children) c.setAttribute("aria-checked", String((c as HTMLElement).dataset.template === id));
  };
  for (const t of templates) {
    const c = el("button", "template");
    c.type = "button";
    c.dataset.template = t.id;
    c.setAttribute("role", "radio");
    const preview = el("span", "preview");
    // One pixel per tile: a big hall and a small office look different at a glance.
    preview.style.width = `${Math.min(120, t.width)}px`;
    preview.style.height = `${Math.min(80, t.height)}px`;
    const frame = el("span", "preview-frame");
    frame.append(preview);
    const n = el("strong"); n.textContent = t.name;
    const d = el("span", "desc"); d.textContent = t.description;
    c.title = t.description;
    const size = el("span", "size"); size.textContent = `${t.width} × ${t.height} tiles`;
    c.append(frame, n, d, size);
    c.onclick = () => pick(t.id);
    cards.append(c);
  }
  if (chosen) pick(chosen);
  const team = teamPicker(teams, "new-space-team");
  const vis = visibilityPicker("new-space-visibility");
  const submit = el("button", "primary"); submit.type = "submit"; submit.textContent = "Create space";
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  form.append(name.node, tl, cards, team.node, vis.node, submit, error);

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const n = spaceNameSchema.safeParse(name.input.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.input.focus(); return; }
    if (!chosen) { error.textContent = "Pick a template."; return; }
    submit.disabled = true;
    try {
      const teamId = team.value();
      const space = await api<SpaceInfo>("POST", "/api/spaces", { name: n.data, template: chosen, visibility: vis.value(), ...(teamId ? { teamId } : {}) });
      navigate(`/s/${space.id}`);
    } catch (err) {
      error.textContent = err instanceof ApiFailure ? err.message : "Could not create the space.";
    } finally {
      submit.disabled = false;
    }
  };
  return box;
}

function importForm(teams: TeamInfo[]): HTMLElement {
  // Folded by default: most people start from a template.
  const box = el("details", "panel import-space");
  const summary = el("summary");
  const h2 = el("h2"); h2.textContent = "Import a Tiled map";
  summary.append(h2);
  const form = el("form");
  form.setAttribute("novalidate", "");
  box.append(summary, form);
  const hint = el("p", "muted");
  hint.textContent = "Made your own office in Tiled? Upload the map (.tmj, JSON format) and its tileset image (.png).";
  const name = textField("import-name", "Name", "e.g. Our HQ");
  const file = (id: string, label: string, accept: string) => {
    const node = el("div", "field");
    const l = el("label"); l.textContent = label; l.htmlFor = id;
    const input = el("input");
    Object.assign(input, { type: "file", id, accept });
    node.append(l, input);
    return { node, input };
  };
  const tmj = file("import-tmj", "Map (.tmj)", ".tmj,.json,application/json");
  const png = file("import-png", "Tileset (.png)", ".png,image/png");
  const files = el("div", "file-row");
  files.append(tmj.node, png.node);
  const team = teamPicker(teams, "import-team");
  const vis = visibilityPicker("import-visibility");
  const submit = el("button", "primary"); submit.type = "submit"; submit.textContent = "Import map";
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  form.append(hint, name.node, files, team.node, vis.node, submit, error);

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const n = spaceNameSchema.safeParse(name.input.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.input.focus(); return; }
    const mapFile = tmj.input.files?.[0];
    const pngFile = png.input.files?.[0];
    if (!mapFile || !pngFile) { error.textContent = "Choose both the .tmj map and its .png tileset."; return; }
    if (mapFile.size > IMPORT_MAX_MAP_BYTES) { error.textContent = `The map is too big (at most ${mb(IMPORT_MAX_MAP_BYTES)}).`; return; }
    if (pngFile.size > IMPORT_MAX_TILESET_BYTES) { error.textContent = `The tileset is too big (at most ${mb(IMPORT_MAX_TILESET_BYTES)}).`; return; }
    submit.disabled = true;
    try {
      let map: unknown;
      try { map = JSON.parse(await readFile(mapFile, "text")); } catch { error.textContent = "The map is not a Tiled JSON file (.tmj). In Tiled: File → Export As… → JSON."; return; }
      const dataUrl = await readFile(pngFile, "dataURL");
      if (!dataUrl.startsWith("data:image/png;base64,")) { error.textContent = "The tileset must be a PNG image."; return; }
      const teamId = team.value();
      const space = await api<SpaceInfo>("POST", "/api/spaces/import", {
        name: n.data, visibility: vis.value(), map, tilesetPngBase64: dataUrl.slice(dataUrl.indexOf(",") + 1), ...(teamId ? { teamId } : {}),
      });
      navigate(`/s/${space.id}`);
    } catch (err) {
      // 413 (too big) and 422 (not a map Plaza can use) carry a message saying what to fix.
      error.textContent = err instanceof ApiFailure ? err.message : "Could not read the files.";
    } finally {
      submit.disabled = false;
    }
  };
  return box;
}

function readFile(f: File, as: "text" | "dataURL"): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error("could not read the file"));
    if (as === "text") r.readAsText(f); else r.readAsDataURL(f);
  });
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
