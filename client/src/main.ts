/**
 * Entry and routes:
 *   /                    signed out: what Plaza is + sign up / sign in; signed in: My spaces
 *   /i/<code>            an invite link
 *   /s/<id>              a space (access check, then name and look, then the space)
 *   /s/<id>/settings     a space's settings
 *   /s/<id>/insights     a space's insights
 *   /reset#<token>       a password-reset link (choose a new password)
 */
import "./style.css";
import { renderLanding, toSpaceId } from "./ui/landing.ts";
import { loadSession } from "./net/session.ts";
import { spaceIdSchema } from "../../shared/protocol.ts";
import { initComfort } from "./a11y/comfort.ts";

const root = document.getElementById("app")!;
initComfort(); // theme, motion, text size of this person (UX12–UX13), before the first page is drawn

// UX9: each page's code is loaded when its route is opened, so a space link fetches the space and
// not the dashboard, settings, invites or insights (and their charts).
const renderInsights = (r: HTMLElement, id: string) => void import("./insights/insightsView.ts").then((m) => m.renderInsights(r, id));
const renderSettings = (r: HTMLElement, id: string) => import("./ui/settings.ts").then((m) => m.renderSettings(r, id));
const renderDashboard = (r: HTMLElement) => import("./ui/dashboard.ts").then((m) => m.renderDashboard(r));
const renderInvite = (r: HTMLElement, code: string) => import("./ui/invite.ts").then((m) => m.renderInvite(r, code));
const enterSpace = (r: HTMLElement, id: string) => import("./ui/gate.ts").then((m) => m.enterSpace(r, id));
const renderReset = (r: HTMLElement) => void import("./ui/reset.ts").then((m) => m.renderReset(r));

function route() {
  const path = location.pathname;
  if (path === "/reset") return renderReset(root);
  const invite = path.match(/^\/i\/([^/]+)\/?$/);
  if (invite) return void renderInvite(root, decodeURIComponent(invite[1]));
  const sub = path.match(/^\/s\/([^/]+)\/(insights|settings)\/?$/);
  if (sub && spaceIdSchema.safeParse(sub[1]).success) {
    return sub[2] === "insights" ? renderInsights(root, sub[1]) : void renderSettings(root, sub[1]);
  }
  const m = path.match(/^\/s\/([^/]+)\/?$/);
  const spaceId = m ? toSpaceId(decodeURIComponent(m[1])) : undefined;
  if (spaceId && spaceIdSchema.safeParse(spaceId).success) return void enterSpace(root, spaceId);
  if (path !== "/") history.replaceState(null, "", "/");
  if (loadSession()) void renderDashboard(root);
  else renderLanding(root);
}

// In-app navigation (ui/dom.ts navigate()) renders in place; Back/Forward reload, so that leaving
// a space always closes its connection.
window.addEventListener("plaza:navigate", () => { window.scrollTo(0, 0); route(); });
window.addEventListener("popstate", () => location.reload());
route();
