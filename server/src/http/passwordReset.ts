/**
 * Password reset over HTTP (SPEC AC6–AC8; contract in shared/passwordReset.ts):
 *
 *  - "Forgot password?": POST /api/auth/forgot {email} mails a link when SMTP_URL is set. The
 *    answer is the same whether or not an account uses the address, and comes before any mail is
 *    sent (the SMTP session runs after), so neither its content nor its timing tells (AC7).
 *  - POST /api/auth/reset {token, password}: a link sets a new password once, ends every other
 *    session of the account (its session epoch moves on) and signs the caller in (AC6).
 *  - Links by hand, for deployments without email or for a lost message (AC8): an owner or admin
 *    for a member of their team (the space's Settings → Members), and the operator with
 *    `npm run reset-link -- <email>` (auth/passwordResetCli.ts), who proves they hold PLAZA_SECRET.
 */
import type { Application, Request, Response } from "express";
import { ApiErrorCode, type AuthResponse } from "../../../shared/api.ts";
import { forgotBody, operatorResetBody, resetBody, resetLink, ResetErrorCode, type ForgotResponse, type ResetLinkResponse } from "../../../shared/passwordReset.ts";
import { linkUsed, PasswordResetLinks, ResetLinkError, resetLinkRefusal } from "../auth/passwordReset.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { PlazaConfig } from "../config.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import { logger } from "../log.ts";
import { smtpMailer, type Mailer } from "../mail/mailer.ts";
import { resetEmail } from "../mail/resetEmail.ts";
import { answerRateLimited, limitsOf, RateLimited } from "./limits.ts";
import { apiError, bearer, parseBody, route, signedIn } from "./respond.ts";
import { spaceIdParam } from "./spaceParams.ts";
import { userInfo } from "./accounts.ts";

export type PasswordResetConfig = Pick<PlazaConfig, "SMTP_URL" | "MAIL_FROM" | "PUBLIC_URL" | "PORT" | "PASSWORD_RESET_TTL_MIN">;

/** What the routes need: the link signer, the mailer (none without SMTP_URL) and where links point. */
export interface PasswordReset {
  links: PasswordResetLinks;
  mailer: Mailer | null;
  /** PUBLIC_URL, else http://localhost:PORT: never the Host of a request, which anyone can set. */
  publicUrl: string;
  validMinutes: number;
}

export function passwordResetOf(cfg: PasswordResetConfig, secret: string, mailer?: Mailer): PasswordReset {
  if (cfg.SMTP_URL && !cfg.PUBLIC_URL) logger.warn("SMTP_URL without PUBLIC_URL: reset links in email point at http://localhost");
  return {
    links: new PasswordResetLinks(secret, cfg.PASSWORD_RESET_TTL_MIN * 60),
    mailer: mailer ?? (cfg.SMTP_URL ? smtpMailer(cfg.SMTP_URL, cfg.MAIL_FROM) : null),
    publicUrl: cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`,
    validMinutes: cfg.PASSWORD_RESET_TTL_MIN,
  };
}

export function mountPasswordReset(app: Application, dir: SpaceDirectory, reset: PasswordReset) {
  const { store } = dir;
  const { links } = reset;

  app.post("/api/auth/forgot", route(async (req, res) => {
    const { email } = parseBody(forgotBody, req.body);
    if (!reset.mailer) {
      return apiError(res, 503, ResetErrorCode.MAIL_NOT_CONFIGURED, "this Plaza sends no email: ask an owner or admin of your team for a reset link");
    }
    if (await resetLimited(req, res, email)) return;
    const user = await store.userByEmail(email);
    const answer: ForgotResponse = {
      message: `If an account uses ${email}, a link to choose a new password is on its way. It works once, for ${reset.validMinutes} minutes.`,
      validMinutes: reset.validMinutes,
    };
    res.status(202).json(answer);
    // Only after answering: neither the answer nor its timing may wait for (or tell about) the link and the SMTP session.
    const { mailer } = reset;
    if (user?.email && user.passwordHash) {
      const to = { email: user.email, name: user.name };
      const { token } = links.issue(to.email, user.passwordHash, Date.now());
      setImmediate(() => void mailer.send(resetEmail(to, resetLink(reset.publicUrl, token), reset.validMinutes)).catch(() => undefined));
    }
  }));

  app.post("/api/auth/reset", route(async (req, res) => {
    const body = parseBody(resetBody, req.body);
    const answer = await asAccessError(async (): Promise<AuthResponse> => {
      const claim = links.read(body.token);
      const user = await store.userByEmail(claim.email);
      if (!user?.passwordHash) throw linkUsed();
      links.checkUsable(claim, user.passwordHash, Date.now());
      // Compare-and-set on the hash the link was checked against: of two requests racing with one link, one wins.
      const epoch = await store.replacePassword(user.id, user.passwordHash, await hashPassword(body.password));
      if (epoch === null) throw linkUsed();
      logger.info({ userId: user.id }, "password reset: new password set, other sessions ended");
      return { token: await dir.tokens.sign({ userId: user.id, name: user.name, guest: false, epoch }), user: userInfo(user) };
    });
    res.json(answer);
  }));

  app.post("/api/spaces/:spaceId/members/:userId/reset-link", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const { space, role } = await dir.authorize(spaceIdParam(req), who, "members.manage");
    const targetId = String(req.params.userId);
    const target = (await store.members(space.teamId)).find((m) => m.userId === targetId);
    if (!target) throw new AccessError(404, ApiErrorCode.NOT_FOUND, "that person is not a member");
    if (!target.email) throw new AccessError(400, ApiErrorCode.BAD_REQUEST, "guests have no password: send them a new guest link instead");
    const otherTeams = await Promise.all((await store.teamsOf(targetId)).filter((t) => t.id !== space.teamId)
      .map(async (t) => ({ role: t.role, members: (await store.members(t.id)).length })));
    const refusal = resetLinkRefusal(role, target.role, targetId === who.userId, otherTeams);
    if (refusal) throw new AccessError(403, ApiErrorCode.FORBIDDEN, refusal);
    logger.info({ by: who.userId, for: targetId, teamId: space.teamId }, "password reset: link issued by a team admin");
    await answerLink(res, target.email);
  }));

  app.post("/api/auth/reset-links", route(async (req, res) => {
    const { email } = parseBody(operatorResetBody, req.body);
    if (!links.operatorProofValid(bearer(req) ?? "", email, Date.now())) {
      throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, "not signed by this deployment's PLAZA_SECRET: run `npm run reset-link` with the server's configuration");
    }
    logger.info({ email }, "password reset: link issued by the operator");
    await answerLink(res, email);
  }));

  /** 201 with a fresh link for the account using `email`; 404 when none has a password. */
  async function answerLink(res: Response, email: string) {
    const user = await store.userByEmail(email);
    if (!user?.email || !user.passwordHash) throw new AccessError(404, ApiErrorCode.NOT_FOUND, `no account with a password uses ${email}`);
    const { token, expiresAt } = links.issue(user.email, user.passwordHash, Date.now());
    const answer: ResetLinkResponse = { link: resetLink(reset.publicUrl, token), token, expiresAt: expiresAt.toISOString() };
    res.status(201).json(answer);
  }
}

/** A link that cannot be used answers 400 when it is not one of ours, 410 when it was (expired, used). */
async function asAccessError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ResetLinkError)) throw err;
    throw new AccessError(err.code === ResetErrorCode.LINK_INVALID ? 400 : 410, err.code, err.message);
  }
}

/** AC7: counts the request for the caller's address and for the email. True when it answered 429. */
async function resetLimited(req: Request, res: Response, email: string): Promise<boolean> {
  try {
    await limitsOf(req).passwordReset(req.ip ?? "unknown", email);
    return false;
  } catch (err) {
    if (!(err instanceof RateLimited)) throw err;
    answerRateLimited(res, err);
    return true;
  }
}
