/**
 * The HTTP API's contract (SPEC AU/AZ rules): request bodies as zod schemas (the server validates
 * with them, the client builds with their types) and response shapes. Errors are always
 * `{ error: { code, message } }` with a stable code from ApiErrorCode and the HTTP status beside it.
 *
 * Authentication: `Authorization: Bearer <token>` where the token comes from signup, login or
 * accepting an invite as a guest. The same token is the Colyseus auth token for joining a room.
 *
 * Routes
 *   POST   /api/auth/signup                {email, password, name}      → AuthResponse        (409 email taken)
 *   POST   /api/auth/login                 {email, password}            → AuthResponse        (401 wrong email or password)
 *   GET    /api/me                                                       → MeResponse          (401)
 *   GET    /api/templates                                                → TemplateInfo[]
 *   POST   /api/spaces                     CreateSpaceBody               → SpaceInfo (201)     (409 id taken, 403 not admin of team)
 *   POST   /api/spaces/import              ImportSpaceBody               → SpaceInfo (201)     (413 too big, 422 bad map)
 *   GET    /api/spaces/:id                                               → SpaceInfo           (404, 401 private + anonymous, 403 not a member)
 *   PATCH  /api/spaces/:id                 UpdateSpaceBody               → SpaceInfo           admin+
 *   DELETE /api/spaces/:id                                               → 204                 owner
 *   GET    /api/spaces/:id/map                                           → Tiled JSON          (same access as GET space)
 *   GET    /api/spaces/:id/members                                       → MemberInfo[]        member+ (emails: admin+, AZ7)
 *   PATCH  /api/spaces/:id/members/:userId {role}                        → MemberInfo          admin+ (rank rules, AZ2)
 *   DELETE /api/spaces/:id/members/:userId                               → 204                 admin+ (AZ3) or yourself
 *   GET    /api/spaces/:id/invites                                       → InviteInfo[]        admin+
 *   POST   /api/spaces/:id/invites         CreateInviteBody              → InviteInfo (201)    admin+
 *   DELETE /api/spaces/:id/invites/:code                                 → 204                 admin+
 *   GET    /api/invites/:code                                            → InvitePreview       (404 unknown, 410 revoked/expired)
 *   POST   /api/invites/:code/accept       AcceptInviteBody              → AcceptInviteResponse (guest: name needed when anonymous)
 *   GET    /api/teams/:teamId/online                                     → TeamOnlineResponse  guest+ (TP2)
 *   POST   /api/teams/:teamId/announcements AnnounceBody                → 202                 admin+ (TP4; 429 over TP5's limit)
 */
import { z } from "zod";
import { displayNameSchema, spaceIdSchema } from "./protocol.ts";
import { ROLES, type Role, type Visibility } from "./authz.ts";

export const ApiErrorCode = {
  BAD_REQUEST: "bad_request",
  INVALID_SPACE_ID: "invalid_space_id",
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  GONE: "gone",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  INVALID_MAP: "invalid_map",
  RATE_LIMITED: "rate_limited",
  INTERNAL: "internal",
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
export interface ApiError { error: { code: ApiErrorCode; message: string } }

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("not an email address").max(200));
export const passwordSchema = z.string().min(8, "password: at least 8 characters").max(200, "password: at most 200 characters");

export const signupBody = z.object({ email: emailSchema, password: passwordSchema, name: displayNameSchema }).strict();
export const loginBody = z.object({ email: emailSchema, password: z.string().min(1).max(200) }).strict();

export const spaceNameSchema = z.string().transform((s) => s.trim().replace(/\s+/g, " ")).pipe(z.string().min(1, "name is empty").max(60, "name: at most 60 characters"));
export const visibilitySchema = z.enum(["public", "private"]);
export const TEMPLATE_IDS = ["small-office", "open-plan", "conference-hall", "event-floor"] as const;

export const createSpaceBody = z.object({
  /** The slug (/s/<id>); the server derives one from the name when absent. */
  id: spaceIdSchema.optional(),
  name: spaceNameSchema,
  template: z.enum(TEMPLATE_IDS),
  visibility: visibilitySchema.default("private"),
  /** Team to create it in; default: the caller's own team (created at signup). */
  teamId: z.string().max(64).optional(),
}).strict();

/** Tiled import: the .tmj JSON and its tileset image (PNG, base64). */
export const IMPORT_MAX_MAP_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_TILESET_BYTES = 4 * 1024 * 1024;
export const importSpaceBody = z.object({
  id: spaceIdSchema.optional(),
  name: spaceNameSchema,
  visibility: visibilitySchema.default("private"),
  teamId: z.string().max(64).optional(),
  map: z.unknown(),
  /** Bounded by the route's 8 MB body limit; over IMPORT_MAX_TILESET_BYTES decoded → 413. */
  tilesetPngBase64: z.string().min(1),
}).strict();

/** Tiled import as multipart/form-data (MP6): these text fields, plus the files. */
export const importSpaceFields = z.object({
  id: spaceIdSchema.optional(),
  name: spaceNameSchema,
  visibility: visibilitySchema.default("private"),
  teamId: z.string().max(64).optional(),
}).strict();

export const updateSpaceBody = z.object({ name: spaceNameSchema.optional(), visibility: visibilitySchema.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.visibility !== undefined, "nothing to change");

export const setRoleBody = z.object({ role: z.enum(ROLES) }).strict();

/** Invites grant guest, member or builder; admins are promoted from members (AZ2). */
export const INVITE_ROLES = ["guest", "member", "builder"] as const;
export const createInviteBody = z.object({
  role: z.enum(INVITE_ROLES).default("member"),
  /** Hours until the link stops working; absent: never expires (revoke it instead). */
  expiresInHours: z.number().int().min(1).max(24 * 365).optional(),
}).strict();

/** Signed-in users send {}; anonymous people enter as guests with a display name. */
export const acceptInviteBody = z.object({ name: displayNameSchema.optional() }).strict();

// ---- responses ----

export interface UserInfo { id: string; email: string | null; name: string; guest: boolean }
export interface AuthResponse { token: string; user: UserInfo }
export interface TeamInfo { id: string; name: string; role: Role }
export interface SpaceInfo {
  id: string;
  name: string;
  teamId: string;
  teamName: string;
  visibility: Visibility;
  template: string;
  /** The caller's role in this space (the team role; a guest's only where a guest link admitted them, AZ6); null for visitors. */
  role: Role | null;
  /** What the caller may do here (from shared/authz.ts), for the UI. */
  can: { build: boolean; claimDesk: boolean; rename: boolean; delete: boolean; insights: boolean; manageMembers: boolean; manageInvites: boolean };
  createdAt: string;
}
export interface MeResponse { user: UserInfo; teams: TeamInfo[]; spaces: SpaceInfo[] }
/** A template a new space can start from; `map` is its Tiled map's URL (for previews). */
export interface TemplateInfo { id: string; name: string; description: string; width: number; height: number; map: string }
export interface MemberInfo {
  userId: string;
  name: string;
  /** Only admins and owners are told (AZ7); null for everyone else, and for guests without an account. */
  email: string | null;
  /** The team role; a guest's admits only to the spaces their guest links were for (AZ6). */
  role: Role;
}
export interface InviteInfo { code: string; url: string; role: Role; createdAt: string; expiresAt: string | null; revoked: boolean; uses: number }
export interface InvitePreview { spaceId: string; spaceName: string; teamName: string; role: Role; expiresAt: string | null }
export interface AcceptInviteResponse { spaceId: string; role: Role; token?: string; user?: UserInfo }

// ---- teams: who is online where, announcements (SPEC TP) ----

/** Longest announcement text, in characters after trimming (TP4). */
export const ANNOUNCEMENT_MAX = 500;
export const announceBody = z.object({
  text: z.string().transform((s) => s.trim()).pipe(z.string().min(1, "text is empty").max(ANNOUNCEMENT_MAX, `text: at most ${ANNOUNCEMENT_MAX} characters`)),
}).strict();
/** One teammate in one of the team's spaces (several tabs in one space count once). */
export interface TeamOnlinePerson { name: string; spaceId: string; spaceName: string; since: string; self: boolean }
/** `people` sorted by space then name, at most 500 (TP2); `more` counts the people not listed. */
export interface TeamOnlineResponse { teamId: string; teamName: string; people: TeamOnlinePerson[]; more: number }
