/**
 * A space's settings (/s/<id>/settings): name and visibility (admin+), members and their roles
 * (rank rules from shared/authz.ts decide which choices are offered; the server decides for
 * real), invite links, and deleting the space (owner). Each section is shown only to roles that
 * may use it.
 */
import { INVITE_ROLES, spaceNameSchema, type InviteInfo, type MemberInfo, type SpaceInfo } from "../../../shared/api.ts";
import { RANK, ROLES, canRemove, canSetRole, type Role } from "../../../shared/authz.ts";
import { api, ApiFailure, loadSession } from "../net/session.ts";
import { badge, topNav } from "./dashboard.ts";
import { renderLoading, renderRefusal } from "./gate.ts";
import { button, el, link, navigate } from "./dom.ts";
import { offersResetLink, resetLinkButton } from "./resetLink.ts";
import { privacyPanel } from "../insights/privacyPanel.ts";
import { comfortForm } from "../a11y/comfortPanel.ts";

const spacePath = (id: string) => `/api/spaces/${encodeURIComponent(id)}`;

export async function renderSettings(root: HTMLElement, spaceId: string) {
  renderLoading(root, "Loading settings…");
  let space: SpaceInfo;
  try {
    space = await api<SpaceInfo>("GET", spacePath(spaceId));
  } catch (err) {
    return renderRefusal(root, spaceId, err, () => void renderSettings(root, spaceId));
  }
  const page = el("div", "app-page");
  const main = el("main", "dash settings");
  page.append(topNav(loadSession()), main);
  root.replaceChildren(page);

  const head = el("div", "page-head");
  const h1 = el("h1");
  const title = () => { h1.textContent = `${space.name} · Settings`; };
  title();
  const sub = el("p", "meta");
  const team = el("span"); team.textContent = space.teamName;
  const path = el("span", "path"); path.textContent = `/s/${space.id}`;
  sub.append(team, path);
  if (space.role) sub.append(badge(space.role, "role"));
  const actions = el("div", "actions");
  actions.append(link("/", "← My spaces", "ghost"), link(`/s/${space.id}`, "Enter space", "primary-small"));
  head.append(h1, sub, actions);
  main.append(head);

  if (space.can.rename) main.append(generalPanel(space, (s) => { space = s; title(); }));
  if (space.role && RANK[space.role] >= RANK.member) main.append(membersPanel(space));
  if (space.can.manageInvites) main.append(invitesPanel(space));
  if (space.can.delete) main.append(dangerPanel(space));
  if (main.childElementCount === 1) {
    const note = el("p", "muted note");
    note.textContent = "Only members of the space's team can see its settings. Ask an admin for an invite link.";
    main.append(note);
  }
  main.append(privacyPanel(space));
  main.append(comfortPanel());
}

/** UX12–UX14: this person's comfort settings (this browser), whatever their role. */
function comfortPanel(): HTMLElement {
  const box = panel("Comfort (for you, in this browser)", "comfort");
  box.append(comfortForm());
  return box;
}

function panel(title: string, className: string): HTMLElement {
  const box = el("section", `panel ${className}`);
  const h2 = el("h2"); h2.textContent = title;
  box.append(h2);
  return box;
}

function errorLine(): HTMLElement {
  const p = el("p", "form-error");
  p.setAttribute("role", "alert");
  return p;
}

const messageOf = (err: unknown, fallback: string) => (err instanceof ApiFailure ? err.message : fallback);

function generalPanel(space: SpaceInfo, onSaved: (s: SpaceInfo) => void): HTMLElement {
  const box = panel("General", "general");
  const form = el("form", "inline-form");
  form.setAttribute("novalidate", "");
  const l = el("label"); l.textContent = "Name"; l.htmlFor = "space-name";
  const name = el("input");
  Object.assign(name, { type: "text", id: "space-name", value: space.name, maxLength: 60, autocomplete: "off" });
  const save = el("button", "primary-small"); save.type = "submit"; save.textContent = "Rename";
  const row = el("div", "row"); row.append(name, save);
  const saved = el("p", "saved"); saved.setAttribute("role", "status");
  const error = errorLine();
  form.append(l, row);

  const vis = el("label", "toggle");
  const box2 = el("input");
  Object.assign(box2, { type: "checkbox", id: "space-public", checked: space.visibility === "public" });
  const vt = el("span");
  const visText = () => { vt.textContent = box2.checked ? "Public: anyone with the link can enter" : "Private: only members of the team can enter"; };
  visText();
  vis.append(box2, vt);

  const patch = async (body: { name?: string; visibility?: "public" | "private" }, what: string) => {
    error.textContent = ""; saved.textContent = "";
    try {
      const s = await api<SpaceInfo>("PATCH", spacePath(space.id), body);
      space = s;
      onSaved(s);
      saved.textContent = what;
      return true;
    } catch (err) {
      error.textContent = messageOf(err, "Could not save.");
      return false;
    }
  };
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const n = spaceNameSchema.safeParse(name.value);
    if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; return; }
    save.disabled = true;
    if (await patch({ name: n.data }, "Renamed.")) name.value = space.name;
    save.disabled = false;
  };
  box2.onchange = async () => {
    box2.disabled = true;
    const ok = await patch({ visibility: box2.checked ? "public" : "private" }, box2.checked ? "The space is public now." : "The space is private now.");
    if (!ok) box2.checked = !box2.checked;
    visText();
    box2.disabled = false;
  };
  box.append(form, vis, saved, error);
  return box;
}

function membersPanel(space: SpaceInfo): HTMLElement {
  const box = panel("Members", "members");
  const note = el("p", "muted");
  note.textContent = `Members of ${space.teamName}. Their role applies to every space of the team; guests enter only the spaces they were invited to.`;
  const list = el("ul", "member-list");
  const error = errorLine();
  box.append(note, list, error);
  const rows: MemberRows = { space, me: loadSession()?.user.id, actor: space.role, error };

  async function load() {
    let members: MemberInfo[];
    try {
      members = await api<MemberInfo[]>("GET", `${spacePath(space.id)}/members`);
    } catch (err) {
      error.textContent = messageOf(err, "Could not load the members.");
      return;
    }
    members.sort((a, b) => RANK[b.role] - RANK[a.role] || a.name.localeCompare(b.name));
    list.replaceChildren(...members.map((m) => memberRow(rows, m)));
  }

  void load();
  return box;
}

/** What every row of the members list shares: the space, who is looking, where errors go. */
interface MemberRows {
  space: SpaceInfo;
  me: string | undefined;
  actor: Role | null;
  error: HTMLElement;
}

function memberRow(rows: MemberRows, m: MemberInfo): HTMLElement {
  const self = m.userId === rows.me;
  const li = el("li");
  li.dataset.user = m.userId;
  const who = el("div", "who");
  const name = el("strong"); name.textContent = m.name;
  if (self) { const you = el("span", "muted"); you.textContent = " (you)"; name.append(you); }
  // Emails are shown to admins and owners only (AZ7): others get null and see just the names.
  const email = el("span", "muted email"); email.textContent = m.email ?? (m.role === "guest" ? "guest" : "");
  who.append(name, email);
  li.append(who);
  li.append(roleControl(rows, m, li, self));
  if (offersResetLink(rows.actor, m, self)) li.append(resetLinkButton(rows.space.id, m, li, rows.error));
  if (canRemove(rows.actor, m.role, self)) li.append(removeButton(rows, m, li, self));
  return li;
}

/** A role picker with the choices the rank rules allow, or just the role when there is none. */
function roleControl(rows: MemberRows, m: MemberInfo, li: HTMLElement, self: boolean): HTMLElement {
  const { space, error } = rows;
  const choices = ROLES.filter((r) => r === m.role || canSetRole(rows.actor, m.role, r, self));
  if (choices.length <= 1) return badge(m.role, "role");
  const select = el("select", "role-select");
  select.setAttribute("aria-label", `Role of ${m.name}`);
  for (const r of ROLES) {
    const o = el("option");
    o.value = r;
    o.textContent = r;
    o.disabled = !choices.includes(r);
    o.selected = r === m.role;
    select.append(o);
  }
  select.onchange = async () => {
    error.textContent = "";
    select.disabled = true;
    try {
      const updated = await api<MemberInfo>("PATCH", `${spacePath(space.id)}/members/${encodeURIComponent(m.userId)}`, { role: select.value });
      li.replaceWith(memberRow(rows, updated));
    } catch (err) {
      select.value = m.role;
      error.textContent = messageOf(err, "Could not change the role.");
      select.disabled = false;
    }
  };
  return select;
}

function removeButton(rows: MemberRows, m: MemberInfo, li: HTMLElement, self: boolean): HTMLElement {
  const { space, error } = rows;
  return button(self ? "Leave" : "Remove", "ghost danger-text", async () => {
    const q = self ? `Leave ${space.teamName}? You will lose access to its private spaces.` : `Remove ${m.name} from ${space.teamName}?`;
    if (!confirm(q)) return;
    error.textContent = "";
    try {
      await api("DELETE", `${spacePath(space.id)}/members/${encodeURIComponent(m.userId)}`);
      if (self) return navigate("/");
      li.remove();
    } catch (err) {
      error.textContent = messageOf(err, "Could not remove the member.");
    }
  });
}

function invitesPanel(space: SpaceInfo): HTMLElement {
  const box = panel("Invite links", "invites");
  const note = el("p", "muted");
  note.textContent = "Anyone with a link can join with its role. Guests can only visit; members can claim desks; builders can edit the map.";
  const list = el("ul", "invite-list");
  const error = errorLine();
  const form = inviteForm(space, error, (inv) => list.prepend(inviteRow(space, error, inv, true)));
  box.append(note, form, error, list);

  void (async () => {
    try {
      const invites = await api<InviteInfo[]>("GET", `${spacePath(space.id)}/invites`);
      invites.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      list.replaceChildren(...invites.map((i) => inviteRow(space, error, i)));
    } catch (err) {
      error.textContent = messageOf(err, "Could not load the invite links.");
    }
  })();
  return box;
}

/** Role and expiry of a new link; `created` gets each link the server made. */
function inviteForm(space: SpaceInfo, error: HTMLElement, created: (inv: InviteInfo) => void): HTMLFormElement {
  const form = el("form", "invite-form");
  form.setAttribute("novalidate", "");
  const roleL = el("label"); roleL.textContent = "Role"; roleL.htmlFor = "invite-role";
  const role = el("select");
  role.id = "invite-role";
  for (const r of INVITE_ROLES) { const o = el("option"); o.value = r; o.textContent = r; o.selected = r === "member"; role.append(o); }
  const expL = el("label"); expL.textContent = "Expires after"; expL.htmlFor = "invite-expiry";
  const expiry = el("input");
  Object.assign(expiry, { type: "number", id: "invite-expiry", min: "1", max: "365", placeholder: "never" });
  const unit = el("select");
  unit.id = "invite-unit";
  unit.setAttribute("aria-label", "Expiry unit");
  for (const [v, t] of [["hours", "hours"], ["days", "days"]]) { const o = el("option"); o.value = v; o.textContent = t; o.selected = v === "days"; unit.append(o); }
  const create = el("button", "primary-small"); create.type = "submit"; create.textContent = "Create link";
  const cell = (...n: HTMLElement[]) => { const d = el("div", "cell"); d.append(...n); return d; };
  const expRow = el("div", "row"); expRow.append(expiry, unit);
  form.append(cell(roleL, role), cell(expL, expRow), create);

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    let expiresInHours: number | undefined;
    if (expiry.value.trim()) {
      const n = Number(expiry.value);
      if (!Number.isInteger(n) || n < 1) { error.textContent = "Expiry: a whole number of hours or days, or empty for never."; return; }
      expiresInHours = unit.value === "days" ? n * 24 : n;
      if (expiresInHours > 24 * 365) { error.textContent = "Expiry: at most a year."; return; }
    }
    create.disabled = true;
    try {
      const inv = await api<InviteInfo>("POST", `${spacePath(space.id)}/invites`, { role: role.value, ...(expiresInHours ? { expiresInHours } : {}) });
      created(inv);
      expiry.value = "";
    } catch (err) {
      error.textContent = messageOf(err, "Could not create the link.");
    } finally {
      create.disabled = false;
    }
  };
  return form;
}

function inviteRow(space: SpaceInfo, error: HTMLElement, inv: InviteInfo, fresh = false): HTMLElement {
  const li = el("li", fresh ? "fresh" : "");
  li.dataset.code = inv.code;
  li.dataset.role = inv.role;
  const dead = inv.revoked || (inv.expiresAt !== null && Date.parse(inv.expiresAt) <= Date.now());
  if (dead) li.classList.add("dead");
  const url = el("input", "invite-url");
  Object.assign(url, { type: "text", readOnly: true, value: inviteUrl(inv) });
  url.setAttribute("aria-label", `Invite link (${inv.role})`);
  url.onfocus = () => url.select();
  const meta = el("div", "meta");
  meta.append(badge(inv.role, "role"));
  const uses = el("span"); uses.textContent = inv.uses === 1 ? "1 use" : `${inv.uses} uses`;
  const exp = el("span"); exp.textContent = expiryText(inv.expiresAt);
  meta.append(uses, exp);
  if (inv.revoked) meta.append(badge("revoked", "state"));
  else if (dead) meta.append(badge("expired", "state"));
  const actions = el("div", "actions");
  if (!dead) {
    const copy = button("Copy", "secondary copy", async () => {
      try { await navigator.clipboard.writeText(url.value); copy.textContent = "Copied"; } catch { url.focus(); url.select(); copy.textContent = "Press Ctrl+C"; }
      setTimeout(() => { copy.textContent = "Copy"; }, 2000);
    });
    const revoke = button("Revoke", "ghost danger-text", async () => {
      if (!confirm("Revoke this link? People who already joined keep their access.")) return;
      error.textContent = "";
      try {
        await api("DELETE", `${spacePath(space.id)}/invites/${encodeURIComponent(inv.code)}`);
        li.replaceWith(inviteRow(space, error, { ...inv, revoked: true }));
      } catch (err) {
        error.textContent = messageOf(err, "Could not revoke the link.");
      }
    });
    actions.append(copy, revoke);
  }
  li.append(url, meta, actions);
  return li;
}

/** The server's url when it is absolute; else this page's origin + /i/<code>. */
function inviteUrl(inv: InviteInfo): string {
  try { return new URL(inv.url || `/i/${inv.code}`, location.origin).href; } catch { return `${location.origin}/i/${inv.code}`; }
}

function expiryText(expiresAt: string | null): string {
  if (!expiresAt) return "never expires";
  const ms = Date.parse(expiresAt) - Date.now();
  if (ms <= 0) return `expired ${new Date(expiresAt).toLocaleDateString()}`;
  const h = Math.round(ms / 3_600_000);
  if (h < 1) return "expires in less than an hour";
  if (h < 48) return `expires in ${h} hour${h === 1 ? "" : "s"}`;
  return `expires in ${Math.round(h / 24)} days`;
}

function dangerPanel(space: SpaceInfo): HTMLElement {
  const box = panel("Delete space", "danger");
  const p = el("p", "muted");
  p.textContent = "Deletes the map, everything built in it and its invite links. People in it are disconnected. This cannot be undone.";
  const error = errorLine();
  const confirmBox = el("form", "confirm-delete");
  confirmBox.hidden = true;
  confirmBox.setAttribute("novalidate", "");
  const l = el("label"); l.htmlFor = "delete-confirm";
  l.textContent = `Type ${space.id} to confirm`;
  const input = el("input");
  Object.assign(input, { type: "text", id: "delete-confirm", autocomplete: "off" });
  const del = el("button", "danger-button"); del.type = "submit"; del.textContent = "Delete forever";
  const cancel = button("Cancel", "ghost", () => { confirmBox.hidden = true; start.hidden = false; error.textContent = ""; });
  const row = el("div", "row"); row.append(input, del, cancel);
  confirmBox.append(l, row);
  const start = button("Delete space…", "danger-button", () => { confirmBox.hidden = false; start.hidden = true; input.focus(); });
  confirmBox.onsubmit = async (ev) => {
    ev.preventDefault();
    if (input.value.trim() !== space.id) { error.textContent = "The id does not match."; return; }
    del.disabled = true;
    try {
      await api("DELETE", spacePath(space.id));
      navigate("/");
    } catch (err) {
      error.textContent = messageOf(err, "Could not delete the space.");
      del.disabled = false;
    }
  };
  box.append(p, start, confirmBox, error);
  return box;
}
