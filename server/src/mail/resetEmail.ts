/**
 * The password-reset email (AC6): plain text first (what most security-minded readers see), and
 * the same in minimal HTML with one link. The link and the names are escaped; nothing else in
 * the message comes from a request.
 */
import type { MailMessage } from "./mailer.ts";

export function resetEmail(to: { email: string; name: string }, link: string, validMinutes: number): MailMessage {
  const text = [
    `Hello ${to.name},`,
    "",
    "Someone (hopefully you) asked to set a new password for your Plaza account. Open this link to choose one:",
    "",
    link,
    "",
    `The link works once, for ${validMinutes} minutes. Setting a new password signs you out everywhere else.`,
    "If you did not ask for this, ignore this email: your password stays as it is.",
  ].join("\n");
  const html = [
    `<p>Hello ${escapeHtml(to.name)},</p>`,
    "<p>Someone (hopefully you) asked to set a new password for your Plaza account.</p>",
    `<p><a href="${escapeHtml(link)}">Choose a new password</a></p>`,
    `<p>The link works once, for ${validMinutes} minutes. Setting a new password signs you out everywhere else.<br>`,
    "If you did not ask for this, ignore this email: your password stays as it is.</p>",
  ].join("\n");
  return { to: to.email, subject: "Reset your Plaza password", text, html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
