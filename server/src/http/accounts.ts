/**
 * Accounts (AC1–AC5): sign up, sign in, who am I, templates. Passwords are argon2id-hashed
 * (auth/passwords.ts); sessions are signed tokens (auth/tokens.ts). Failed sign-ins are limited
 * per account and per address, new accounts per address (limits.ts: 429 with Retry-After).
 */
import type { Application } from "express";
import { ApiErrorCode, loginBody, signupBody, type AuthResponse, type MeResponse, type SpaceInfo, type TemplateInfo, type UserInfo } from "../../../shared/api.ts";
import { can, type Role } from "../../../shared/authz.ts";
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "../auth/passwords.ts";
import { logger } from "../log.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import { ConflictError, type SpaceRecord, type User, type UserWithSecret } from "../store/Store.ts";
import { answerRateLimited, limitsOf, newAccountLimited, RateLimited, type SignInAttempt } from "./limits.ts";
import { parseBody, route, signedIn } from "./respond.ts";

export function userInfo(u: User): UserInfo {
  return { id: u.id, email: u.email, name: u.name, guest: u.email === null };
}

export function spaceInfo(s: SpaceRecord, role: Role | null, teamName: string): SpaceInfo {
  const v = s.visibility;
  return {
    id: s.id, name: s.name, teamId: s.teamId, teamName, visibility: v, template: s.template, role,
    can: {
      build: can(role, "space.build", v), claimDesk: can(role, "space.claimDesk", v), rename: can(role, "space.rename", v),
      delete: can(role, "space.delete", v), insights: can(role, "space.insights", v),
      manageMembers: can(role, "members.manage", v), manageInvites: can(role, "invites.manage", v),
    },
    createdAt: s.createdAt.toISOString(),
  };
}

export function mountAccounts(app: Application, dir: SpaceDirectory) {
  app.post("/api/auth/signup", route(async (req, res) => {
    const body = parseBody(signupBody, req.body);
    if (await newAccountLimited(req, res)) return;
    let user: User;
    try {
      user = await dir.store.createUser({ email: body.email, name: body.name, passwordHash: await hashPassword(body.password) });
    } catch (err) {
      if (err instanceof ConflictError) throw new AccessError(409, ApiErrorCode.CONFLICT, "an account with this email exists: sign in instead");
      throw err;
    }
    // Everyone starts with a team of their own, where they are the owner and can create spaces.
    await dir.store.createTeam(`${body.name}'s team`, user.id);
    const answer: AuthResponse = { token: await dir.tokens.sign({ userId: user.id, name: user.name, guest: false }), user: userInfo(user) };
    res.status(201).json(answer);
  }));

  app.post("/api/auth/login", route(async (req, res) => {
    const body = parseBody(loginBody, req.body);
    let attempt: SignInAttempt;
    try {
      attempt = await limitsOf(req).signInAttempt(req.ip ?? "unknown", body.email);
    } catch (err) {
      if (err instanceof RateLimited) return answerRateLimited(res, err);
      throw err;
    }
    let user: UserWithSecret | null;
    let ok: boolean;
    try {
      user = await dir.store.userByEmail(body.email);
      // Verify against a dummy hash for unknown emails: same work, same answer, no account probing.
      ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    } catch (err) {
      await attempt.undecided(); // a store outage is nobody's failed sign-in
      throw err;
    }
    if (!user || !user.passwordHash || !ok) throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, "wrong email or password");
    await attempt.succeeded();
    // An account from before argon2id (or weaker parameters) moves to today's hash now that we know the password.
    if (needsRehash(user.passwordHash)) {
      try {
        await dir.store.setPasswordHash(user.id, await hashPassword(body.password));
      } catch (err) {
        logger.error({ err, userId: user.id }, "could not upgrade a password hash: kept the old one");
      }
    }
    // AC6: the session belongs to the account's current epoch (a later password reset ends it).
    const epoch = (await dir.store.sessionEpoch(user.id)) ?? 0;
    const answer: AuthResponse = { token: await dir.tokens.sign({ userId: user.id, name: user.name, guest: false, epoch }), user: userInfo(user) };
    res.json(answer);
  }));

  app.get("/api/me", route(async (req, res) => {
    const who = await signedIn(dir, req);
    const user = await dir.store.userById(who.userId);
    if (!user) throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, "this account no longer exists: sign in again");
    const [teams, spaces] = await Promise.all([dir.store.teamsOf(user.id), dir.store.spacesOf(user.id)]);
    const answer: MeResponse = {
      user: userInfo(user),
      teams: teams.map((t) => ({ id: t.id, name: t.name, role: t.role })),
      spaces: spaces.map((s) => spaceInfo(s, s.role, s.teamName)),
    };
    res.json(answer);
  }));

  app.get("/api/templates", (_req, res) => {
    const list: TemplateInfo[] = [...dir.templates.values()].map((t) => ({ id: t.id, name: t.name, description: t.description, width: t.map.width, height: t.map.height, map: `/maps/${t.file}` }));
    res.json(list);
  });
}
