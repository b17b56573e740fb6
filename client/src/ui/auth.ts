/**
 * The sign-up / sign-in card, used on the landing page, on an invite page and in front of a
 * private space. Checks fields with the same schemas the server uses, then shows the server's own
 * message (error.message) beside the field it is about.
 */
import { loginBody, signupBody, type AuthResponse } from "../../../shared/api.ts";
import { NAME_MAX } from "../../../shared/constants.ts";
import { api, ApiFailure, saveSession, type Session } from "../net/session.ts";
import { button, el } from "./dom.ts";
import { forgotPanel } from "./reset.ts";

export type AuthMode = "signup" | "signin";

export interface AuthCardOptions {
  mode?: AuthMode;
  /** A line above the form ("Sign in to join Design Team"). */
  intro?: string;
  onSignedIn: (s: Session) => void;
}

type Field = "email" | "password" | "name";

export function authCard(opts: AuthCardOptions): HTMLElement {
  let mode: AuthMode = opts.mode ?? "signup";
  const card = el("section", "card auth-card");
  const tabs = el("div", "tabs");
  tabs.setAttribute("role", "tablist");
  const tab = (m: AuthMode, text: string) => {
    const b = el("button");
    b.type = "button";
    b.textContent = text;
    b.dataset.mode = m;
    b.setAttribute("role", "tab");
    b.onclick = () => setMode(m);
    return b;
  };
  const signupTab = tab("signup", "Sign up");
  const signinTab = tab("signin", "Sign in");
  tabs.append(signupTab, signinTab);

  const intro = el("p", "tagline");
  intro.textContent = opts.intro ?? "";
  intro.hidden = !opts.intro;

  const form = authForm();
  const { fields, submit } = form;
  // AC6: "Forgot password?" swaps the sign-in form for the reset request, and back.
  const forgot = el("p", "card-foot");
  forgot.append(button("Forgot password?", "ghost forgot-link", () => {
    const signIn = [...card.childNodes];
    card.replaceChildren(forgotPanel(fields.email.input.value, () => card.replaceChildren(...signIn)));
  }));
  card.append(tabs, intro, form.form, forgot);

  function setMode(m: AuthMode) {
    mode = m;
    signupTab.setAttribute("aria-selected", String(m === "signup"));
    signinTab.setAttribute("aria-selected", String(m === "signin"));
    fields.name.wrap.hidden = m === "signin";
    fields.password.input.autocomplete = m === "signup" ? "new-password" : "current-password";
    fields.password.input.placeholder = m === "signup" ? "at least 8 characters" : "";
    submit.textContent = m === "signup" ? "Create account" : "Sign in";
    forgot.hidden = m === "signup";
    clearErrors(form);
  }

  form.form.onsubmit = (ev) => submitAuth(ev, form, mode, (s) => opts.onSignedIn(s));

  setMode(mode);
  return card;
}

/** The form's parts: its fields by name, the submit button and the form-wide error line. */
interface AuthForm {
  form: HTMLFormElement;
  fields: Record<Field, { wrap: HTMLElement; input: HTMLInputElement; error: HTMLElement }>;
  submit: HTMLButtonElement;
  error: HTMLElement;
}

function authForm(): AuthForm {
  const form = el("form", "auth-form");
  form.setAttribute("novalidate", "");
  const fields = {} as AuthForm["fields"];
  const field = (name: Field, label: string, attrs: Record<string, string | number>) => {
    const wrap = el("div", "field");
    const l = el("label");
    l.textContent = label;
    l.htmlFor = `auth-${name}`;
    const input = el("input");
    Object.assign(input, { id: `auth-${name}`, name, ...attrs });
    const error = el("p", "field-error");
    error.id = `auth-${name}-error`;
    input.setAttribute("aria-describedby", error.id);
    wrap.append(l, input, error);
    fields[name] = { wrap, input, error };
    return wrap;
  };
  const submit = el("button", "primary");
  submit.type = "submit";
  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  form.append(
    field("name", "Display name", { type: "text", maxLength: NAME_MAX, placeholder: "e.g. Ada", autocomplete: "nickname" }),
    field("email", "Email", { type: "email", placeholder: "you@example.com", autocomplete: "email" }),
    field("password", "Password", { type: "password" }),
    submit,
    error,
  );
  return { form, fields, submit, error };
}

function clearErrors({ fields, error }: AuthForm) {
  error.textContent = "";
  for (const f of Object.values(fields)) { f.error.textContent = ""; f.input.removeAttribute("aria-invalid"); }
}

function show({ fields, error }: AuthForm, message: string, at?: Field) {
  if (!at) { error.textContent = message; return; }
  fields[at].error.textContent = message;
  fields[at].input.setAttribute("aria-invalid", "true");
}

/** Checks the fields with the server's schemas, then signs up or in; errors go beside their field. */
async function submitAuth(ev: SubmitEvent, form: AuthForm, mode: AuthMode, onSignedIn: (s: Session) => void): Promise<void> {
  const { fields, submit } = form;
  ev.preventDefault();
  clearErrors(form);
  const raw = { email: fields.email.input.value, password: fields.password.input.value, ...(mode === "signup" ? { name: fields.name.input.value } : {}) };
  const parsed = mode === "signup" ? signupBody.safeParse(raw) : loginBody.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path[0] as Field;
      if (!fields[at]?.error.textContent) show(form, sentence(issue.message), at);
    }
    const first = parsed.error.issues[0]?.path[0] as Field | undefined;
    if (first && fields[first]) fields[first].input.focus();
    return;
  }
  submit.disabled = true;
  try {
    const res = await api<AuthResponse>("POST", mode === "signup" ? "/api/auth/signup" : "/api/auth/login", parsed.data);
    saveSession(res);
    onSignedIn(res);
  } catch (err) {
    const f = err instanceof ApiFailure ? err : new ApiFailure(0, "unknown", "Something went wrong. Try again.");
    if (f.status === 409) show(form, sentence(f.message), "email");
    else show(form, sentence(f.message), fieldOf(f.message));
  } finally {
    submit.disabled = false;
  }
}

/** The API's messages start with the field they are about ("password: at least 8 characters"). */
function fieldOf(message: string): Field | undefined {
  const m = message.match(/^(email|password|name)\b/i);
  return m ? (m[1].toLowerCase() as Field) : undefined;
}

function sentence(message: string): string {
  const s = message.replace(/^(email|password|name):\s*/i, "");
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
