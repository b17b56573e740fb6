/**
 * Accounts (AU1–AU4): sign up, sign in, who am I, templates. Passwords are scrypt-hashed; sessions
 * are signed tokens (auth/tokens.ts). Sign-in attempts are rate limited per address (429).
 */
import type { Application, Request } from "express";
import { ApiErrorCode, loginBody, signupBody, type AuthResponse, type MeResponse, type SpaceInfo, type TemplateInfo, type UserInfo } from "../../../shared/api.ts";
import { can, type Role } from "../../../shared/authz.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../auth/passwords.ts";
import { AccessError, type SpaceDirectory } from "../spaces/directory.ts";
import { ConflictError, type SpaceRecord, type User } from "../store/Store.ts";
import { TokenBucket } from "../space/TokenBucket.ts";
import { apiError, parseBody, route, signedIn } from "./respond.ts";

/** AC3: AUTH_RATE_BURST attempts at once per address (10), then one every 6 s. */
const AUTH_REFILL_MS = 6000;
const MAX_TRACKED = 10_000;

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

export function mountAccounts(app: Application, dir: SpaceDirectory, authBurst: number) {
  const buckets = new Map<string, TokenBucket>();
  const limited = (req: Request) => {
    const key = req.ip ?? "unknown";
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= MAX_TRACKED) buckets.clear();
      b = new TokenBucket(authBurst, AUTH_REFILL_MS, Date.now());
      buckets.set(key, b);
    }
    return !b.take(Date.now());
  };

  app.post("/api/auth/signup", route(async (req, res) => {
    if (limited(req)) return apiError(res, 429, ApiErrorCode.RATE_LIMITED, "too many attempts: wait a minute and try again");
    const body = parseBody(signupBody, req.body);
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
    if (limited(req)) return apiError(res, 429, ApiErrorCode.RATE_LIMITED, "too many attempts: wait a minute and try again");
    const body = parseBody(loginBody, req.body);
    const user = await dir.store.userByEmail(body.email);
    // Verify against a dummy hash for unknown emails: same time, same answer, no account probing.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, "wrong email or password");
    const answer: AuthResponse = { token: await dir.tokens.sign({ userId: user.id, name: user.name, guest: false }), user: userInfo(user) };
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
    const list: TemplateInfo[] = [...dir.templates.values()].map((t) => ({ id: t.id, name: t.name, description: t.description, width: t.map.width, height: t.map.height }));
    res.json(list);
  });
}
