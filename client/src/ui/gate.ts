/**
 * In front of every space (/s/<id>): ask the API whether this person may enter (GET
 * /api/spaces/:id with the session token) and, if not, say why on a full page they can act on:
 * no such space, private and signed out (sign in right here), or signed in but not a member.
 * Then the name/look step, then the space itself.
 */
import type { SpaceInfo } from "../../../shared/api.ts";
import { api, ApiFailure, clearSession, loadSession } from "../net/session.ts";
import { authCard } from "./auth.ts";
import { renderJoinStep, renderMessage } from "./landing.ts";
import { button, el, link } from "./dom.ts";
import { chosenInThisTab, loadProfile } from "./profile.ts";
import { renderSpace } from "../space/spaceView.ts";

export async function enterSpace(root: HTMLElement, spaceId: string) {
  renderLoading(root, `Opening /s/${spaceId}…`);
  let space: SpaceInfo;
  try {
    space = await api<SpaceInfo>("GET", `/api/spaces/${encodeURIComponent(spaceId)}`);
  } catch (err) {
    return renderRefusal(root, spaceId, err, () => void enterSpace(root, spaceId));
  }
  const user = loadSession()?.user;
  if (chosenInThisTab(user?.id)) return void renderSpace(root, space.id, loadProfile());
  renderJoinStep(root, space, user, () => void renderSpace(root, space.id, loadProfile()));
}

/** The full-page answer to a refused GET /api/spaces/:id (also used by the settings page). */
export function renderRefusal(root: HTMLElement, spaceId: string, err: unknown, retry: () => void) {
  const f = err instanceof ApiFailure ? err : new ApiFailure(0, "unknown", String(err));
  const home = link("/", "← Back to Plaza", "back-link");
  switch (f.status) {
    case 404:
    case 400:
      renderMessage(root, `No space called ${spaceId}`, "Check the link you were given, or pick one of your spaces.", home);
      return;
    case 401: {
      const card = renderMessage(root, "Members only", "This space is private. Sign in to enter.");
      card.classList.add("with-auth");
      card.append(authCard({ mode: "signin", onSignedIn: retry }), home);
      return;
    }
    case 403: {
      const who = loadSession()?.user;
      const switchAccount = button("Use another account", "secondary", () => { clearSession(); retry(); });
      const signedIn = el("p", "muted");
      signedIn.textContent = who ? `Signed in as ${who.name}${who.email ? ` (${who.email})` : ""}.` : "";
      renderMessage(root, "No access", `You are not a member of ${spaceId}. Ask an admin for an invite link.`, signedIn, switchAccount, home);
      return;
    }
  }
  const again = button("Try again", "primary", retry);
  renderMessage(root, `Could not open ${spaceId}`, f.message, again, home);
}

export function renderLoading(root: HTMLElement, text: string) {
  root.replaceChildren();
  const page = el("div", "landing");
  const p = el("p", "loading");
  p.setAttribute("role", "status");
  p.textContent = text;
  page.append(p);
  root.append(page);
}
