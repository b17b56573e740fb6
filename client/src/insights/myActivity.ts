/**
 * "My activity" (SPEC PV3): your own time and conversations per space, for the range the page
 * shows, from GET /api/me/activity. Everyone signed in sees their own figures — and nobody else's.
 */
import { el } from "../ui/dom.ts";
import { authHeaders } from "../net/session.ts";
import type { MyActivity } from "../../../shared/insights.ts";
import { formatDuration } from "./format.ts";

export async function myActivity(from: string, to: string): Promise<HTMLElement> {
  const box = el("section", "card-i my-activity");
  const h = el("h2");
  h.textContent = "My activity";
  box.append(h);
  const res = await fetch(`/api/me/activity?from=${from}&to=${to}`, { headers: authHeaders() }).catch(() => null);
  const data = res?.ok ? ((await res.json()) as MyActivity) : null;
  const p = el("p");
  if (!data) {
    p.textContent = res?.status === 401 ? "Sign in to see your own activity." : "Your activity could not be loaded.";
    box.append(p);
    return box;
  }
  p.textContent = data.optedOut
    ? "You opted out of analytics: nothing new is recorded about you (change it in a space's Settings → Privacy)."
    : "Only you see this. Your time in each space and the conversations you were in, for this period.";
  box.append(p);
  if (data.spaces.length === 0) {
    const none = el("p");
    none.textContent = "Nothing recorded in this period.";
    box.append(none);
    return box;
  }
  const table = el("table", "my-activity-table");
  const head = el("tr");
  for (const t of ["space", "visits", "time", "conversations", "time talking"]) {
    const th = el("th");
    th.textContent = t;
    head.append(th);
  }
  table.append(head);
  for (const s of data.spaces) {
    const tr = el("tr");
    for (const v of [s.space, String(s.visits), formatDuration(s.timeMs), String(s.conversations), formatDuration(s.conversationMs)]) {
      const td = el("td");
      td.textContent = v;
      tr.append(td);
    }
    table.append(tr);
  }
  box.append(table);
  return box;
}
