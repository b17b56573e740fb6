/**
 * The insights page of a space (/s/<spaceId>/insights): who came, when, for how long, where they
 * spent time. Reads GET /api/spaces/:id/insights (the embedded engine or ClickHouse behind it);
 * each chart can be exported as CSV. Access follows the space's roles (space.insights: admin+),
 * with the session's Bearer token; everyone else sees their own activity only (PV3). Breakdowns
 * describing fewer people than the server's group minimum come back empty and say so (PV2).
 */
import { parseTiledMap } from "../../../shared/map.ts";
import { loadTilesetImages } from "../render/mapImages.ts";
import { renderLayers } from "../render/world.ts";
import { el, link } from "../ui/dom.ts";
import { authHeaders, clearSession, loadSession } from "../net/session.ts";
import { barChart, lineChart, weekGrid } from "./charts.ts";
import { formatDuration } from "./format.ts";
import { myActivity } from "./myActivity.ts";
import type { InsightsReport } from "../../../shared/insights.ts";

export { formatDuration };

type Insights = InsightsReport;

const day = (d: Date) => d.toISOString().slice(0, 10);

export function renderInsights(root: HTMLElement, spaceId: string) {
  root.innerHTML = "";
  const page = el("div", "insights");
  const head = el("header");
  const h1 = el("h1");
  h1.textContent = `Insights · /s/${spaceId}`;
  const back = el("a");
  back.href = `/s/${spaceId}`;
  back.textContent = "← back to the space";
  const { controls, from, to } = rangeControls(() => void load(view));
  head.append(h1, back, controls);
  const message = el("p", "insights-message");
  message.setAttribute("role", "status");
  const body = el("div", "insights-body");
  page.append(head, message, body);
  root.append(page);
  const view: InsightsPage = { spaceId, from, to, message, body };

  void load(view);
}

/** One insights page: its space, the date range, the status line and the charts' place. */
interface InsightsPage {
  spaceId: string;
  from: HTMLInputElement;
  to: HTMLInputElement;
  message: HTMLElement;
  body: HTMLElement;
}

/** From and to dates (the last 7 days at first), presets, and Show; `load` runs on each change. */
function rangeControls(load: () => void) {
  const controls = el("form", "range");
  const from = el("input") as HTMLInputElement;
  const to = el("input") as HTMLInputElement;
  Object.assign(from, { type: "date", id: "from" });
  Object.assign(to, { type: "date", id: "to" });
  const today = new Date();
  to.value = day(today);
  from.value = day(new Date(today.getTime() - 6 * 86_400_000));
  const presets = el("span", "presets");
  for (const [label, days] of [["Today", 0], ["7 days", 6], ["30 days", 29]] as const) {
    const b = el("button") as HTMLButtonElement;
    b.type = "button";
    b.textContent = label;
    b.onclick = () => { to.value = day(new Date()); from.value = day(new Date(Date.now() - days * 86_400_000)); load(); };
    presets.append(b);
  }
  const go = el("button", "primary-small") as HTMLButtonElement;
  go.type = "submit";
  go.textContent = "Show";
  const fromL = el("label"); fromL.textContent = "From"; fromL.append(from);
  const toL = el("label"); toL.textContent = "To"; toL.append(to);
  controls.append(fromL, toL, go, presets);
  controls.onsubmit = (e) => { e.preventDefault(); load(); };
  return { controls, from, to };
}

const query = (view: InsightsPage) => `from=${view.from.value}&to=${view.to.value}`;

/** 401/403: say who may see insights and offer the way forward; a signed-in person gets their own activity. */
async function refuse({ message, body, from, to }: InsightsPage, text: string) {
  body.replaceChildren();
  message.textContent = text;
  const next = el("p", "token-form");
  next.append(link("/", loadSession() ? "← My spaces" : "Sign in"));
  body.append(next);
  if (loadSession()) body.append(await myActivity(from.value, to.value));
}

async function load(view: InsightsPage) {
  const { spaceId, message, body } = view;
  message.textContent = "Loading…";
  let res: Response;
  try {
    res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/insights?${query(view)}`, { headers: authHeaders() });
  } catch {
    message.textContent = "Could not reach the server.";
    return;
  }
  if (res.status === 401) {
    if (loadSession()) clearSession(); // the stored token is no longer accepted
    return refuse(view, "Insights are for the space's owners and admins. Sign in to see them.");
  }
  const json = await res.json().catch(() => ({}));
  if (res.status === 403) return refuse(view, "The space's figures are only for its owners and admins. Below: your own activity, which only you see.");
  if (!res.ok) {
    body.replaceChildren();
    message.textContent = json?.error?.code === "analytics_not_configured"
      ? "Insights are switched off on this server (see the README, Analytics)."
      : json?.error?.message ?? `Insights failed (${res.status}).`;
    return;
  }
  message.textContent = "";
  await draw(view, json as Insights);
}

function card(view: InsightsPage, title: string, chart: string | undefined, content: Node): HTMLElement {
  const c = el("section", "card-i");
  const h = el("h2");
  h.textContent = title;
  c.append(h);
  if (chart) {
    const b = el("button", "csv") as HTMLButtonElement;
    b.type = "button";
    b.textContent = "CSV";
    b.setAttribute("aria-label", `Download ${title} as CSV`);
    b.onclick = () => void downloadCsv(view, chart);
    c.append(b);
  }
  c.append(content);
  return c;
}

async function downloadCsv(view: InsightsPage, chart: string) {
  const { spaceId, from, to, message } = view;
  const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/insights/${chart}.csv?${query(view)}`, { headers: authHeaders() });
  if (!res.ok) { message.textContent = `CSV export failed (${res.status}).`; return; }
  const url = URL.createObjectURL(await res.blob());
  const a = el("a");
  a.href = url;
  a.download = `${spaceId}-${chart}-${from.value}-${to.value}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function draw(view: InsightsPage, data: Insights) {
  const stats = el("div", "stats");
  const stat = (label: string, value: string) => {
    const s = el("div", "stat");
    const v = el("strong"); v.textContent = value;
    const l = el("span"); l.textContent = label;
    s.append(v, l);
    return s;
  };
  stats.append(
    stat("people", data.people === null ? `< ${data.minGroup}` : String(data.people)),
    stat("peak concurrency", String(data.peak.people)),
    stat("visits", String(data.visits.count)),
    stat("median visit", formatDuration(data.visits.medianMs)),
    stat("conversations", String(data.conversations.count)),
    stat("median conversation", formatDuration(data.conversations.medianMs)),
  );
  // "YYYY-MM-DD hh:mm:ss" → a label that fits the bucket (days span several dates).
  const shortT = (t: string) => (data.bucket === "1d" ? t.slice(5, 10) : data.bucket === "1h" ? `${t.slice(5, 10)} ${t.slice(11, 13)}h` : t.slice(11, 16));
  const notice = el("p", "insights-privacy");
  notice.textContent = data.suppressed
    ? `Fewer than ${data.minGroup} people were here in this period: to protect them, no breakdown is shown.`
    : `Figures describing fewer than ${data.minGroup} people are hidden.`;
  view.body.replaceChildren(
    stats,
    notice,
    card(view, "Active people", "activity", lineChart(data.activity.map((a) => ({ label: shortT(a.t), value: Math.round(a.people * 10) / 10 })), "Active people over time")),
    card(view, "Busiest hours (UTC)", "hours", barChart(data.hours.map((h) => ({ label: String(h.hour), value: Math.round(h.people * 10) / 10 })), "Average people by hour of day")),
    card(view, "Busiest weekday and hour (UTC)", "weekhours", weekGrid(data.weekHours, "Average people by weekday and hour")),
    card(view, "Conversations per day", "conversations", barChart(data.conversationsPerDay.map((d) => ({ label: d.day.slice(5) + (d.count === null ? " (hidden)" : ""), value: d.count ?? 0 })), "Conversations per day")),
    card(view, "Meeting rooms", "rooms", roomsTable(data)),
    card(view, "Cross-team encounters", undefined, crossTeam(data)),
    card(view, "Where people spend time", "heatmap", await heatmap(view.spaceId, data.heatmap)),
    await myActivity(view.from.value, view.to.value),
  );
}

function roomsTable(data: Insights): HTMLElement {
  if (data.rooms.length === 0) {
    const p = el("p");
    p.textContent = data.suppressed ? "Hidden (too few people)." : "This space has no meeting rooms (private areas).";
    return p;
  }
  const table = el("table", "rooms-table");
  const head = el("tr");
  for (const t of ["room", "in use", "person-hours", "most at once"]) { const th = el("th"); th.textContent = t; head.append(th); }
  table.append(head);
  for (const r of data.rooms) {
    const tr = el("tr");
    const share = el("td");
    const bar = el("span", "use-bar");
    bar.style.width = `${Math.round(r.occupiedShare * 100)}%`;
    share.append(bar, document.createTextNode(` ${Math.round(r.occupiedShare * 100)} %`));
    const cells = [r.name, null, String(r.personHours), String(r.peak)];
    for (const v of cells) {
      if (v === null) { tr.append(share); continue; }
      const td = el("td"); td.textContent = v; tr.append(td);
    }
    table.append(tr);
  }
  return table;
}

function crossTeam(data: Insights): HTMLElement {
  const p = el("p", "cross-team");
  p.textContent = data.crossTeam
    ? `${data.crossTeam.people} people talked across the team's boundary (members with guests or visitors), in ${data.crossTeam.conversations} conversations.`
    : `Fewer than ${data.minGroup} people talked across the team's boundary: hidden.`;
  return p;
}

async function heatmap(spaceId: string, cells: Insights["heatmap"]): Promise<HTMLElement> {
  const wrap = el("div", "heatmap");
  try {
    const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/map`, { headers: authHeaders() });
    const map = parseTiledMap(await res.json());
    // Fetched rather than <img src>, so a private space's tilesets get the Bearer token too.
    const img = await loadTilesetImages(spaceId, map);
    const canvas = el("canvas");
    canvas.width = map.width * map.tileSize;
    canvas.height = map.height * map.tileSize;
    canvas.setAttribute("aria-label", "Heatmap of time spent over the map");
    const g = canvas.getContext("2d")!;
    g.drawImage(renderLayers(map, img, false), 0, 0);
    g.drawImage(renderLayers(map, img, true), 0, 0);
    g.fillStyle = "rgba(10,12,20,0.45)";
    g.fillRect(0, 0, canvas.width, canvas.height);
    const max = Math.max(1, ...cells.map((c) => c.seconds));
    const ts = map.tileSize;
    for (const c of cells) {
      // Log scale: a desk used all day and a corridor crossed once both stay visible.
      const k = Math.log1p(c.seconds) / Math.log1p(max);
      g.fillStyle = `hsla(${Math.round(60 - 60 * k)}, 100%, 55%, ${0.25 + 0.6 * k})`;
      g.fillRect(c.x * ts, c.y * ts, ts, ts);
    }
    wrap.append(canvas);
    if (cells.length === 0) { const p = el("p"); p.textContent = "Nobody was here in this period."; wrap.append(p); }
  } catch {
    wrap.textContent = "The map could not be loaded.";
  }
  return wrap;
}
