/**
 * An invite link (/i/<code>): what it is for (space, team, role), then accept it signed in, sign
 * in/up first, or (guest links) walk in as a guest with just a display name.
 */
import { type AcceptInviteResponse, type InvitePreview } from "../../../shared/api.ts";
import { NAME_MAX } from "../../../shared/constants.ts";
import { displayNameSchema } from "../../../shared/protocol.ts";
import { api, ApiFailure, clearSession, loadSession, saveSession } from "../net/session.ts";
import { authCard } from "./auth.ts";
import { badge } from "./dashboard.ts";
import { renderLoading } from "./gate.ts";
import { renderMessage } from "./landing.ts";
import { button, el, link, navigate } from "./dom.ts";

export async function renderInvite(root: HTMLElement, code: string) {
  renderLoading(root, "Opening the invite…");
  let invite: InvitePreview;
  try {
    invite = await api<InvitePreview>("GET", `/api/invites/${encodeURIComponent(code)}`);
  } catch (err) {
    const f = err instanceof ApiFailure ? err : undefined;
    const home = link("/", "← Back to Plaza", "back-link");
    if (f?.status === 404 || f?.status === 400) return void renderMessage(root, "This invite link is not valid", "Check that you copied the whole link, or ask the person who sent it for a new one.", home);
    if (f?.status === 410) return void renderMessage(root, "This invite link has expired", "This invite link has expired or was revoked. Ask an admin of the space for a new one.", home);
    return void renderMessage(root, "Could not open the invite", f?.message ?? "Something went wrong.", button("Try again", "primary", () => void renderInvite(root, code)), home);
  }

  root.replaceChildren();
  const page = el("div", "landing invite-page");
  const card = el("section", "card invite-card");
  const kicker = el("p", "kicker"); kicker.textContent = "You're invited";
  const h1 = el("h1"); h1.textContent = `Join ${invite.spaceName}`;
  const meta = el("p", "tagline");
  const team = el("span"); team.textContent = `${invite.teamName} · you join as`;
  meta.append(team, badge(invite.role, "role"));
  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  card.append(kicker, h1, meta);
  page.append(card);
  root.append(page);

  const accept = async (body: { name?: string }) => {
    error.textContent = "";
    try {
      const res = await api<AcceptInviteResponse>("POST", `/api/invites/${encodeURIComponent(code)}/accept`, body);
      if (res.token && res.user) saveSession({ token: res.token, user: res.user });
      navigate(`/s/${res.spaceId}`, true);
    } catch (err) {
      const f = err instanceof ApiFailure ? err : undefined;
      error.textContent = f?.status === 410 ? "This invite link has expired or was revoked." : f?.message ?? "Could not accept the invite.";
      // A stale token was just cleared by api(): show the signed-out choices instead.
      if (f?.status === 401) void renderInvite(root, code);
    }
  };

  const session = loadSession();
  if (session) {
    const who = el("p", "muted");
    who.textContent = `Signed in as ${session.user.name}${session.user.email ? ` (${session.user.email})` : " (guest)"}.`;
    const go = button(`Accept and enter`, "primary accept", async () => { go.disabled = true; await accept({}); go.disabled = false; });
    const other = button("Use another account", "ghost", () => { clearSession(); void renderInvite(root, code); });
    card.append(who, go, error, other);
    return;
  }

  const how = el("p", "muted");
  how.textContent = invite.role === "guest"
    ? "Sign up or sign in to accept, or just tell us your name."
    : "Sign up or sign in to accept. It takes a few seconds.";
  card.append(how);
  page.append(authCard({ mode: "signup", onSignedIn: () => void accept({}) }));
  if (invite.role === "guest") {
    const or = el("p", "or"); or.textContent = "or, without an account";
    const form = el("form", "guest-form");
    form.setAttribute("novalidate", "");
    const l = el("label"); l.textContent = "Your name"; l.htmlFor = "guest-name";
    const name = el("input");
    Object.assign(name, { type: "text", id: "guest-name", maxLength: NAME_MAX, placeholder: "e.g. Ada", autocomplete: "nickname" });
    const go = el("button", "secondary wide"); go.type = "submit"; go.textContent = "Continue as guest";
    form.append(l, name, go);
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const n = displayNameSchema.safeParse(name.value);
      if (!n.success) { error.textContent = `Name: ${n.error.issues[0]?.message ?? "invalid"}`; name.focus(); return; }
      go.disabled = true;
      await accept({ name: n.data });
      go.disabled = false;
    };
    card.append(or, form);
  }
  card.append(error);
}
