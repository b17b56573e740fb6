/**
 * Password reset over HTTP (SPEC AC6–AC8): request bodies, answers and error codes, shared by the
 * server routes (server/src/http/passwordReset.ts) and the client's reset pages.
 *
 * Routes
 *   POST /api/auth/forgot                 {email}            → 202 ForgotResponse (always the same; 503 mail_not_configured; 429)
 *   POST /api/auth/reset                  {token, password}  → AuthResponse (signed in)  (400 reset_link_invalid / bad_request, 410 reset_link_expired / reset_link_used)
 *   POST /api/spaces/:id/members/:userId/reset-link          → 201 ResetLinkResponse     owner/admin (AC8)
 *   POST /api/auth/reset-links            {email}            → 201 ResetLinkResponse     operator (`npm run reset-link`, AC8)
 */
import { z } from "zod";
import { emailSchema, passwordSchema } from "./api.ts";

/** The client route a reset link opens; the token rides in the fragment, which browsers never send to a server or in a Referer. */
export const RESET_PATH = "/reset";

export const ResetErrorCode = {
  /** Not a link this deployment issued (mistyped, cut short, altered). 400. */
  LINK_INVALID: "reset_link_invalid",
  /** Issued, but older than PASSWORD_RESET_TTL_MIN. 410. */
  LINK_EXPIRED: "reset_link_expired",
  /** Already used, or the password changed since it was issued. 410. */
  LINK_USED: "reset_link_used",
  /** This deployment has no SMTP_URL: nobody can be sent a link; an admin or the operator issues one. 503. */
  MAIL_NOT_CONFIGURED: "mail_not_configured",
} as const;
export type ResetErrorCode = (typeof ResetErrorCode)[keyof typeof ResetErrorCode];

export const forgotBody = z.object({ email: emailSchema }).strict();
/** The new password follows the sign-up rules (AC1). */
export const resetBody = z.object({ token: z.string().min(1, "token: missing").max(400, "token: too long"), password: passwordSchema }).strict();
export const operatorResetBody = z.object({ email: emailSchema }).strict();

/** The answer to every well-formed request under the limits, account or not (AC7). */
export interface ForgotResponse {
  message: string;
  /** How long a link works, minutes. */
  validMinutes: number;
}

/** A link issued by an admin or the operator, to hand over by hand (AC8). */
export interface ResetLinkResponse {
  /** The whole link, on PUBLIC_URL (or http://localhost:PORT). */
  link: string;
  /** The part after `#`: a client rebuilds the link on the origin it runs on. */
  token: string;
  expiresAt: string;
}

/** The link a token opens, on `origin` (no trailing slash needed). */
export function resetLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}${RESET_PATH}#${token}`;
}
