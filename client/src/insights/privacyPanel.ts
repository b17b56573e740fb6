/**
 * Settings → Privacy (SPEC PV3, PV5, PV6): your own analytics opt-out and a link to your activity;
 * for the space's owners and admins, the space's opt-out; and deleting your account, behind a
 * typed confirmation.
 */
import type { SpaceInfo } from "../../../shared/api.ts";
import { api, ApiFailure, clearSession } from "../net/session.ts";
import { button, el, link, navigate } from "../ui/dom.ts";

const CONFIRM = "delete my account";

export function privacyPanel(space: SpaceInfo): HTMLElement {
  const box = el("section", "panel privacy");
  const h2 = el("h2"); h2.textContent = "Privacy";
  const about = el("p", "muted");
  about.textContent = "Plaza counts visits, time and conversations (never what is said or written) so admins see how the office is used — only in groups of several people. You can see your own figures.";
  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  box.append(h2, about);

  box.append(toggle("me-optout", "Don't record my activity (in every space)", "/api/me/analytics", "optOut", error));
  if (space.can.insights) box.append(toggle("space-optout", "Don't record anyone's activity in this space", `/api/spaces/${encodeURIComponent(space.id)}/analytics`, "off", error));
  box.append(link(`/s/${space.id}/insights`, space.can.insights ? "Insights and my activity" : "My activity", "ghost"));
  box.append(deleteAccount(error), error);
  return box;
}

/** A checkbox bound to a GET/PATCH endpoint answering {[key]: boolean}. */
function toggle(id: string, text: string, path: string, key: string, error: HTMLElement): HTMLElement {
  const label = el("label", "check");
  const input = el("input");
  Object.assign(input, { type: "checkbox", id, disabled: true });
  label.append(input, document.createTextNode(` ${text}`));
  void api<Record<string, boolean>>("GET", path).then((r) => { input.checked = r[key] === true; input.disabled = false; }, () => { label.hidden = true; });
  input.onchange = async () => {
    input.disabled = true;
    try {
      const r = await api<Record<string, boolean>>("PATCH", path, { [key]: input.checked });
      input.checked = r[key] === true;
      error.textContent = "";
    } catch (err) {
      input.checked = !input.checked;
      error.textContent = err instanceof ApiFailure ? err.message : "Could not save.";
    }
    input.disabled = false;
  };
  return label;
}

function deleteAccount(error: HTMLElement): HTMLElement {
  const wrap = el("div", "delete-account");
  const form = el("form", "confirm-delete");
  form.hidden = true;
  form.setAttribute("novalidate", "");
  const l = el("label"); l.htmlFor = "delete-account-confirm";
  l.textContent = `Deletes your account, your analytics events and the teams only you belong to (with their spaces). Type "${CONFIRM}" to confirm`;
  const input = el("input");
  Object.assign(input, { type: "text", id: "delete-account-confirm", autocomplete: "off" });
  const del = el("button", "danger-button"); del.type = "submit"; del.textContent = "Delete my account";
  const cancel = button("Cancel", "ghost", () => { form.hidden = true; start.hidden = false; error.textContent = ""; });
  const row = el("div", "row"); row.append(input, del, cancel);
  form.append(l, row);
  const start = button("Delete my account…", "danger-button", () => { form.hidden = false; start.hidden = true; input.focus(); });
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    if (input.value.trim() !== CONFIRM) { error.textContent = `Type "${CONFIRM}" to confirm.`; return; }
    del.disabled = true;
    try {
      await api("DELETE", "/api/account", { confirm: CONFIRM });
      clearSession();
      navigate("/");
    } catch (err) {
      error.textContent = err instanceof ApiFailure ? err.message : "Could not delete the account.";
      del.disabled = false;
    }
  };
  wrap.append(start, form);
  return wrap;
}
