/**
 * The team in a space (SPEC TP): a "Team" tab beside the people list showing which teammates are
 * online in which of the team's spaces (GET /api/teams/:id/online, refreshed while open), a box
 * for admins to announce something to every space of the team, and the banner (plus a chat line)
 * for announcements that arrive. Only for people with a role in the space's team: a visitor of a
 * public space sees nothing of it. Server text is rendered with textContent only.
 */
import { ANNOUNCEMENT_MAX, type SpaceInfo, type TeamInfo, type TeamOnlineResponse } from "../../../shared/api.ts";
import { can } from "../../../shared/authz.ts";
import type { ChatMessage, ServerMessages } from "../../../shared/protocol.ts";
import { api, ApiFailure, loadSession } from "../net/session.ts";
import { el } from "./dom.ts";

/** How often the open Team tab asks again. */
export const TEAM_REFRESH_MS = 10_000;
/** How long an announcement banner stays up. */
export const ANNOUNCEMENT_SHOW_MS = 10_000;

export interface TeamPanelDeps {
  spaceId: string;
  /** The space view: the banner goes in it. */
  view: HTMLElement;
  /** The people list's panel: the tabs go at its top. */
  people: HTMLElement;
  /** Where announcements are also written, as a line in the Space tab. */
  chat: { receive(m: ChatMessage): void };
}

export class TeamPanel {
  private readonly tabs = el("div", "team-tabs");
  private readonly here = el("button");
  private readonly teamTab = el("button");
  private readonly panel = el("section", "team-panel");
  private readonly heading = el("h2");
  private readonly list = el("ul", "team-list");
  private readonly message = el("p", "team-message muted");
  private readonly banner = el("div", "announcement");
  private space: SpaceInfo | undefined;
  private timer = 0;
  private bannerTimer = 0;
  private lines = 0;

  constructor(private readonly deps: TeamPanelDeps) {
    this.banner.setAttribute("role", "status");
    this.banner.hidden = true;
    deps.view.append(this.banner);
    void this.load();
  }

  /** An `announcement` from the room (TP4): a banner for ANNOUNCEMENT_SHOW_MS and a chat line. */
  announce(a: ServerMessages["announcement"]) {
    const icon = el("span", "announcement-icon");
    icon.textContent = "📣";
    icon.setAttribute("aria-hidden", "true");
    const body = el("div", "announcement-body");
    const from = el("strong");
    from.textContent = `${a.from} to the team`;
    const text = el("p");
    text.textContent = a.text;
    body.append(from, text);
    const close = el("button", "announcement-close");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Dismiss announcement");
    close.onclick = () => { this.banner.hidden = true; };
    this.banner.replaceChildren(icon, body, close);
    this.banner.hidden = false;
    clearTimeout(this.bannerTimer);
    this.bannerTimer = window.setTimeout(() => { this.banner.hidden = true; }, ANNOUNCEMENT_SHOW_MS);
    // Negative ids never meet the room's own chat ids.
    this.deps.chat.receive({ id: -++this.lines, from: "announcement", name: `📣 ${a.from} (announcement)`, scope: "space", text: a.text, at: a.at });
  }

  /** Who am I in this space's team? Nothing to show unless I have a role there. */
  private async load() {
    if (!loadSession()) return;
    try {
      this.space = await api<SpaceInfo>("GET", `/api/spaces/${encodeURIComponent(this.deps.spaceId)}`);
    } catch {
      return; // the space itself still works; the Team tab just does not appear
    }
    if (!this.space.role || !can(this.space.role, "team.online")) return;
    this.build(can(this.space.role, "team.announce"));
  }

  private build(mayAnnounce: boolean) {
    this.tabs.setAttribute("role", "tablist");
    for (const [b, label, team] of [[this.here, "Here", false], [this.teamTab, "Team", true]] as const) {
      b.type = "button";
      b.textContent = label;
      b.setAttribute("role", "tab");
      b.onclick = () => this.show(team);
    }
    this.teamTab.title = `Who is online in ${this.space!.teamName}'s spaces`;
    this.heading.textContent = "Team";
    this.panel.append(this.heading, this.list, this.message);
    if (mayAnnounce) this.panel.append(this.announceForm());
    this.tabs.append(this.here, this.teamTab);
    this.deps.people.prepend(this.tabs);
    this.deps.people.append(this.panel);
    this.show(false);
  }

  private show(team: boolean) {
    this.deps.people.classList.toggle("team-open", team);
    this.here.setAttribute("aria-selected", String(!team));
    this.teamTab.setAttribute("aria-selected", String(team));
    clearInterval(this.timer);
    if (!team) return;
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), TEAM_REFRESH_MS);
  }

  private async refresh() {
    // The view was replaced (left the space, moved process): stop asking.
    if (!this.deps.people.isConnected) { clearInterval(this.timer); return; }
    const space = this.space!;
    try {
      const r = await api<TeamOnlineResponse>("GET", `/api/teams/${encodeURIComponent(space.teamId)}/online`);
      this.render(r);
    } catch (err) {
      this.message.textContent = err instanceof ApiFailure ? err.message : "Could not load who is online.";
    }
  }

  private render(r: TeamOnlineResponse) {
    const total = r.people.length + r.more;
    this.heading.textContent = `${r.teamName} · ${total} online`;
    this.list.replaceChildren(...r.people.map((p) => {
      const li = el("li");
      const who = el("div", "who");
      const name = el("span", "name");
      name.textContent = p.name;
      if (p.self) { const you = el("span", "you"); you.textContent = " (you)"; name.append(you); }
      const where = el("span", "where");
      where.textContent = p.spaceName;
      where.title = `/s/${p.spaceId} · since ${new Date(p.since).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
      who.append(name, where);
      li.append(who);
      if (p.spaceId === this.deps.spaceId) {
        const here = el("span", "here-tag");
        here.textContent = "here";
        li.append(here);
      } else {
        // A full page load: this space's room must be left before the next one is joined.
        const go = el("a", "go");
        go.href = `/s/${encodeURIComponent(p.spaceId)}`;
        go.textContent = "Go";
        go.setAttribute("aria-label", `Go to ${p.spaceName}`);
        li.append(go);
      }
      return li;
    }));
    this.message.textContent = r.more > 0 ? `and ${r.more} more` : r.people.length === 0 ? "Nobody from the team is online." : "";
  }

  private announceForm(): HTMLElement {
    const form = el("form", "announce-form");
    const label = el("label");
    label.textContent = "Announce to team";
    const text = el("textarea");
    text.id = "team-announce-text";
    label.htmlFor = text.id;
    text.maxLength = ANNOUNCEMENT_MAX;
    text.rows = 2;
    text.placeholder = "Everyone in every space of the team sees this";
    const row = el("div", "row");
    const send = el("button", "primary-small");
    send.type = "submit";
    send.textContent = "Announce";
    const status = el("p", "form-error");
    status.setAttribute("role", "status");
    row.append(send, status);
    form.append(label, text, row);
    form.onsubmit = async (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      send.disabled = true;
      status.textContent = "";
      try {
        await api("POST", `/api/teams/${encodeURIComponent(this.space!.teamId)}/announcements`, { text: value });
        text.value = "";
      } catch (err) {
        status.textContent = err instanceof ApiFailure ? err.message : "Could not send the announcement.";
      } finally {
        send.disabled = false;
      }
    };
    // Enter sends, Shift+Enter breaks the line; keys typed here never walk the avatar (isTyping in space/input.ts).
    text.onkeydown = (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } };
    return form;
  }
}

/** Dashboard: "N online" on each space card (one request per team, at most 10 teams). */
export async function showOnlineCounts(root: HTMLElement, teams: TeamInfo[]) {
  const counts = new Map<string, number>();
  await Promise.all(teams.filter((t) => can(t.role, "team.online")).slice(0, 10).map(async (t) => {
    try {
      const r = await api<TeamOnlineResponse>("GET", `/api/teams/${encodeURIComponent(t.id)}/online`);
      for (const p of r.people) counts.set(p.spaceId, (counts.get(p.spaceId) ?? 0) + 1);
    } catch {
      // counts are a nicety: the dashboard works without them
    }
  }));
  for (const card of root.querySelectorAll<HTMLElement>(".space-card[data-space]")) {
    const n = counts.get(card.dataset.space!) ?? 0;
    if (n === 0) continue;
    const b = el("span", "badge badge-online");
    b.textContent = `${n} online`;
    card.querySelector(".badges")?.append(b);
  }
}
