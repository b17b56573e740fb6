/**
 * Password reset in the browser (SPEC AC6–AC8):
 *  - "Forgot password?" on the sign-in card: an email field, then the server's one answer (it never
 *    says whether the address has an account), or that this Plaza sends no email;
 *  - /reset#<token>, the page a reset link opens: a new password twice, then signed in. The token
 *    is read from the fragment and taken out of the address bar at once, so it stays out of the
 *    history; an expired, used or broken link says so and offers a new one.
 */
import { passwordSchema, type AuthResponse } from "../../../shared/api.ts";
import { ResetErrorCode, type ForgotResponse } from "../../../shared/passwordReset.ts";
import { api, ApiFailure, saveSession } from "../net/session.ts";
import { authCard } from "./auth.ts";
import { button, el, link, navigate } from "./dom.ts";

/** The "Forgot password?" form, in place of the sign-in form; `onBack` puts the sign-in form back. */
export function forgotPanel(email: string, onBack: () => void): HTMLElement {
  const box = el("div", "forgot");
  const h = el("h2"); h.textContent = "Forgot your password?";
  const hint = el("p", "muted"); hint.textContent = "Enter the email you signed up with. We'll send a link to choose a new password.";
  const form = el("form", "auth-form");
  form.setAttribute("novalidate", "");
  const label = el("label"); label.textContent = "Email"; label.htmlFor = "forgot-email";
  const input = el("input");
  Object.assign(input, { id: "forgot-email", type: "email", autocomplete: "email", placeholder: "you@example.com", value: email });
  const send = el("button", "primary"); send.type = "submit"; send.textContent = "Send reset link";
  const status = el("p", "form-error"); status.setAttribute("role", "alert");
  const back = button("← Back to sign in", "ghost back-to-signin", onBack);
  form.append(label, input, send, status);
  box.append(h, hint, form, back);

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    status.textContent = "";
    if (!input.value.trim()) { status.textContent = "Enter your email address."; input.focus(); return; }
    send.disabled = true;
    try {
      const r = await api<ForgotResponse>("POST", "/api/auth/forgot", { email: input.value });
      const sent = el("p", "sent");
      sent.setAttribute("role", "status");
      sent.textContent = `${r.message} Check your spam folder too.`;
      form.replaceWith(sent);
    } catch (err) {
      const f = err instanceof ApiFailure ? err : undefined;
      status.textContent = f?.code === ResetErrorCode.MAIL_NOT_CONFIGURED
        ? "This Plaza can't send email. Ask an owner or admin of your team for a reset link."
        : (f?.message.replace(/^Email: /i, "") ?? "Could not send the link. Try again.");
      send.disabled = false;
    }
  };
  queueMicrotask(() => input.focus());
  return box;
}

/** /reset#<token>: choose a new password with the link's token. */
export function renderReset(root: HTMLElement) {
  const token = decodeURIComponent(location.hash.slice(1));
  // Out of the address bar (and history) right away: the page keeps the token in memory.
  if (location.hash) history.replaceState(null, "", location.pathname);
  root.replaceChildren();
  const page = el("div", "landing reset-page");
  const card = el("section", "card reset-card");
  page.append(card);
  root.append(page);

  if (!token) return void showDeadLink(card, "This page needs the link from your email", "Open the whole link from the email (or the one an admin gave you), or ask for a new one.");

  const h1 = el("h1"); h1.textContent = "Choose a new password";
  const forWhom = el("p", "tagline");
  const account = emailIn(token);
  forWhom.textContent = account ? `For ${account}. Other devices signed in to this account will be signed out.` : "Other devices signed in to this account will be signed out.";
  const form = el("form", "auth-form");
  form.setAttribute("novalidate", "");
  const [pw, pwError] = passwordField(form, "reset-password", "New password", "at least 8 characters");
  const [again, againError] = passwordField(form, "reset-confirm", "Repeat it", "");
  const submit = el("button", "primary"); submit.type = "submit"; submit.textContent = "Set password and sign in";
  const error = el("p", "form-error"); error.setAttribute("role", "alert");
  form.append(submit, error);
  card.append(h1, forWhom, form);
  queueMicrotask(() => pw.focus());

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    for (const [i, e] of [[pw, pwError], [again, againError]] as const) { e.textContent = ""; i.removeAttribute("aria-invalid"); }
    error.textContent = "";
    const rule = passwordSchema.safeParse(pw.value);
    if (!rule.success) return fieldError(pw, pwError, sentence(rule.error.issues[0].message));
    if (again.value !== pw.value) return fieldError(again, againError, "The two passwords are not the same.");
    submit.disabled = true;
    try {
      const res = await api<AuthResponse>("POST", "/api/auth/reset", { token, password: pw.value });
      saveSession(res);
      navigate("/", true);
    } catch (err) {
      submit.disabled = false;
      const f = err instanceof ApiFailure ? err : undefined;
      if (f?.code === ResetErrorCode.LINK_EXPIRED) return showDeadLink(card, "This link has expired", "Reset links work for a short time only. Ask for a new one.");
      if (f?.code === ResetErrorCode.LINK_USED) return showDeadLink(card, "This link was already used", "Each link works once: sign in with your new password, or ask for a new link.");
      if (f?.code === ResetErrorCode.LINK_INVALID) return showDeadLink(card, "This link is not valid", "Check that you opened the whole link, or ask for a new one.");
      if (f && /^password\b/i.test(f.message)) return fieldError(pw, pwError, sentence(f.message));
      error.textContent = f?.message ?? "Could not set the password. Try again.";
    }
  };
}

/** A link that cannot be used: what happened, and the sign-in card with "Forgot password?" one click away. */
function showDeadLink(card: HTMLElement, title: string, text: string) {
  const h1 = el("h1"); h1.textContent = title;
  const p = el("p", "tagline dead-link"); p.textContent = text;
  const again = button("Ask for a new link", "primary new-link", () => {
    const signIn = authCard({ mode: "signin", onSignedIn: () => navigate("/") });
    card.replaceWith(signIn);
    signIn.querySelector<HTMLButtonElement>(".forgot-link")?.click();
  });
  card.replaceChildren(h1, p, again, link("/", "← Back to Plaza", "back-link"));
}

function passwordField(form: HTMLFormElement, id: string, text: string, placeholder: string): [HTMLInputElement, HTMLElement] {
  const wrap = el("div", "field");
  const label = el("label"); label.textContent = text; label.htmlFor = id;
  const input = el("input");
  Object.assign(input, { id, type: "password", autocomplete: "new-password", placeholder });
  const error = el("p", "field-error"); error.id = `${id}-error`;
  input.setAttribute("aria-describedby", error.id);
  wrap.append(label, input, error);
  form.append(wrap);
  return [input, error];
}

function fieldError(input: HTMLInputElement, error: HTMLElement, message: string) {
  error.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

/** The account a link is for: its first part is the email, base64url (server/src/auth/passwordReset.ts). */
function emailIn(token: string): string | undefined {
  try {
    const b64 = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const s = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    return /^[^\s@]+@[^\s@]+$/.test(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** "password: password: at least 8 characters" → "At least 8 characters". */
function sentence(message: string): string {
  const s = message.replace(/^(password:\s*)+/i, "");
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
