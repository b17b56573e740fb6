/**
 * AC8 in a space's Settings → Members: an owner or admin gets a reset link for a member of lower
 * rank, to hand over privately (for a Plaza without email, or a message that never came). The
 * server has the last word (a member who is also in another team is the operator's to reset);
 * the link is built on this page's own origin.
 */
import type { MemberInfo } from "../../../shared/api.ts";
import { RANK, type Role } from "../../../shared/authz.ts";
import { resetLink, type ResetLinkResponse } from "../../../shared/passwordReset.ts";
import { api, ApiFailure } from "../net/session.ts";
import { button, el } from "./dom.ts";

/** Whether to offer the button at all: the rank rule of AC8 (the server checks the rest). */
export function offersResetLink(actor: Role | null, m: MemberInfo, self: boolean): boolean {
  return !self && actor !== null && RANK[actor] >= RANK.admin && RANK[m.role] < RANK[actor] && m.email !== null;
}

/** "Reset link": asks for a link and shows it under the member's row with a Copy button. */
export function resetLinkButton(spaceId: string, m: MemberInfo, row: HTMLElement, error: HTMLElement): HTMLButtonElement {
  const b = button("Reset link", "ghost reset-link-button", async () => {
    error.textContent = "";
    b.disabled = true;
    try {
      const r = await api<ResetLinkResponse>("POST", `/api/spaces/${encodeURIComponent(spaceId)}/members/${encodeURIComponent(m.userId)}/reset-link`);
      row.parentElement?.querySelector(`.reset-link-row[data-user="${CSS.escape(m.userId)}"]`)?.remove();
      row.after(linkRow(m, resetLink(location.origin, r.token), new Date(r.expiresAt)));
    } catch (err) {
      error.textContent = err instanceof ApiFailure ? err.message : "Could not make a reset link.";
    } finally {
      b.disabled = false;
    }
  });
  b.title = `A link for ${m.name} to choose a new password`;
  return b;
}

function linkRow(m: MemberInfo, url: string, expires: Date): HTMLElement {
  const li = el("li", "reset-link-row");
  li.dataset.user = m.userId;
  const note = el("p", "muted");
  note.textContent = `Reset link for ${m.name}: works once, until ${expires.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}. Give it to them privately; their other sessions end when they use it.`;
  const input = el("input", "invite-url reset-url");
  Object.assign(input, { type: "text", readOnly: true, value: url });
  input.setAttribute("aria-label", `Reset link for ${m.name}`);
  input.onfocus = () => input.select();
  const copy = button("Copy", "secondary copy", async () => {
    try { await navigator.clipboard.writeText(url); copy.textContent = "Copied"; } catch { input.focus(); input.select(); copy.textContent = "Press Ctrl+C"; }
    setTimeout(() => { copy.textContent = "Copy"; }, 2000);
  });
  const line = el("div", "row");
  line.append(input, copy);
  li.append(note, line);
  return li;
}
