/**
 * "My spaces" (`/` when signed in): the spaces of the user's teams from GET /api/me, a form to
 * create one from a template, and one to import a map made in Tiled (the .tmj with its tilesets
 * and images, or a .zip, sent as multipart/form-data), which shows the import report (MP7).
 */
import {
  spaceNameSchema,
  type MeResponse, type SpaceInfo, type TeamInfo, type TemplateInfo,
} from "../../../shared/api.ts";
import { can, type Visibility } from "../../../shared/authz.ts";
import { api, ApiFailure, authHeaders, clearSession, loadSession, type Session } from "../net/session.ts";
import { MAP_LIMITS, type ImportReport } from "../../../shared/map.ts";
import { button, el, link, navigate } from "./dom.ts";
import { drawTemplatePreview } from "./templatePreview.ts";
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
    // Until the picture is drawn (or if it cannot be): one pixel per tile, so a big hall and a
    // small office still look different at a glance.
    preview.style.width = `${Math.min(120, t.width)}px`;
    preview.style.height = `${Math.min(80, t.height)}px`;
    const frame = el("span", "preview-frame");
    frame.append(preview);
    const picture = el("canvas", "preview-map");
    picture.setAttribute("role", "img");
    picture.setAttribute("aria-label", `Map of the ${t.name} template`);
    drawTemplatePreview(picture, t.map, 176, 110).then(() => preview.replaceWith(picture), () => { /* keep the placeholder */ });
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
  hint.textContent = "Made your office in Tiled (for Plaza or WorkAdventure)? Upload the map (.tmj) with its tilesets (.tsx, .tsj) and images (.png), or one .zip of the map folder.";
  const name = textField("import-name", "Name", "e.g. Our HQ");
  const files = el("div", "field");
  const label = el("label"); label.textContent = "Map files (.tmj, .tsx, .tsj, .png or one .zip)"; label.htmlFor = "import-files";
  const input = el("input");
  Object.assign(input, { type: "file", id: "import-files", multiple: true, accept: ".tmj,.json,.tsx,.tsj,.png,.zip" });
  files.append(label, input);
  const team = teamPicker(teams, "import-team");
  const vis = visibilityPicker("import-visibility");
  const submit = el("button", "primary"); submit.type = "submit"; submit.textContent = "Import map";
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  const result = el("div", "import-report");
  form.append(hint, name.node, files, team.node, vis.node, submit, error, result);

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    result.replaceChildren();
    const n = spaceNameSchema.safeParse(name.input.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.input.focus(); return; }
    const chosen = [...(input.files ?? [])];
    if (chosen.length === 0) { error.textContent = "Choose the map files: the .tmj with its tilesets and images, or one .zip."; return; }
    const total = chosen.reduce((sum, f) => sum + f.size, 0);
    if (total > MAP_LIMITS.uploadBytes) { error.textContent = `The files are too big together (at most ${mb(MAP_LIMITS.uploadBytes)}).`; return; }
    if (chosen.length > MAP_LIMITS.files) { error.textContent = `Too many files (at most ${MAP_LIMITS.files}).`; return; }
    const body = new FormData();
    body.set("name", n.data);
    body.set("visibility", vis.value());
    const teamId = team.value();
    if (teamId) body.set("teamId", teamId);
    for (const f of chosen) body.append("files", f, f.name);
    submit.disabled = true;
    try {
      const res = await fetch("/api/spaces/import", { method: "POST", headers: { Accept: "application/json", ...authHeaders() }, body });
      const json = (await res.json().catch(() => undefined)) as (SpaceInfo & { report: ImportReport }) | { error?: { message?: string } } | undefined;
      if (!res.ok || !json || !("report" in json)) {
        // 413 (too big) and 422 (not a map Plaza can use) carry a message saying what to fix.
        error.textContent = (json as { error?: { message?: string } } | undefined)?.error?.message ?? `The import failed (${res.status}).`;
        return;
      }
      result.append(reportView(json.report), link(`/s/${json.id}`, `Enter ${json.name}`, "primary enter-imported"));
    } catch {
      error.textContent = "Could not reach Plaza. Check your connection and try again.";
    } finally {
      submit.disabled = false;
    }
  };
  return box;
}

/** MP7: what the import brought in, what it left out and why, and what to check. */
function reportView(r: ImportReport): HTMLElement {
  const box = el("section", "import-summary");
  box.setAttribute("role", "status");
  const i = r.imported;
  const parts: Array<[number, string, string]> = [
    [i.tilesets, "tileset", "tilesets"], [i.tileLayers, "tile layer", "tile layers"], [i.spawns, "start point", "start points"],
    [i.meetingRooms, "meeting room", "meeting rooms"], [i.silentZones, "silent zone", "silent zones"], [i.stages, "stage", "stages"],
    [i.furniture, "piece of furniture", "pieces of furniture"], [i.tileObjects, "tile object", "tile objects"], [i.animatedTiles, "animated tile", "animated tiles"],
  ];
  const list = (title: string, className: string, lines: string[]) => {
    if (lines.length === 0) return;
    const h = el("h3"); h.textContent = title;
    const ul = el("ul", className);
    for (const line of lines) { const li = el("li"); li.textContent = line; ul.append(li); }
    box.append(h, ul);
  };
  list("Imported", "import-imported", [
    parts.filter(([count]) => count > 0).map(([count, one, many]) => `${count} ${count === 1 ? one : many}`).join(", "),
    `${i.collidingTiles} blocked tiles`,
  ]);
  list("Left out", "import-ignored", r.ignored.map((x) => `${x.count} × ${x.what}: ${x.why}`));
  list("Check", "import-warnings", r.warnings);
  return box;
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
