/**
 * Who may take a seat in a space room (SPEC PR1–PR3, AZ1, SE2, SP2, SE7): join options and access
 * are checked in the room's static onAuth, before any room is created or seat reserved; the
 * room's own checks at onJoin are refused with the same join error codes. The refusals are
 * Colyseus ServerErrors: that is how a join error reaches the client.
 */
import { ServerError } from "@colyseus/core";
import { JoinErrorCode } from "../../../../shared/codes.ts";
import { parseJoinOptions, spaceIdSchema, type JoinOptions } from "../../../../shared/protocol.ts";
import type { Role } from "../../../../shared/authz.ts";
import { AccessError, type SpaceDirectory } from "../../access/directory.ts";
import * as metrics from "../../metrics.ts";
import { RateLimited } from "../../http/limits.ts";

/** What onAuth hands to onJoin: validated options plus who the store says this is, and from where. */
export type JoinAuth = JoinOptions & { userId: string | null; role: Role | null; address: string };

/**
 * Validates join options and access (PR1–PR3, AZ1): unknown space 404, private space without a
 * session 401, non-member 403.
 */
/** Joins per address (SE7): only counted for visitors and guests; refused with TOO_MANY_FROM_ADDRESS. */
export interface JoinRate { join(address: string): Promise<void> }

/** Roles whose joins and seats never count against an address (the team vetted them, SE7). */
export const VETTED_ROLES: ReadonlySet<Role> = new Set<Role>(["member", "builder", "admin", "owner"]);

export async function authorizeJoin(directory: SpaceDirectory, token: string | undefined, options: unknown, address = "unknown", rate?: JoinRate): Promise<JoinAuth> {
  const parsed = parseJoinOptions(options);
  if (!parsed.ok) {
    const invalidSpace = typeof options === "object" && options !== null && !spaceIdSchema.safeParse((options as { spaceId?: unknown }).spaceId).success;
    const code = parsed.protocolMismatch ? JoinErrorCode.PROTOCOL_MISMATCH : invalidSpace ? JoinErrorCode.INVALID_SPACE : JoinErrorCode.INVALID_OPTIONS;
    throw new ServerError(code, parsed.error);
  }
  try {
    const who = await directory.identify(token);
    const { role } = await directory.authorize(parsed.value.spaceId, who, "space.enter");
    if (rate && (role === null || !VETTED_ROLES.has(role))) await rate.join(address).catch((err: unknown) => {
      // A limiter that failed lets the join through (it logs); only a refusal refuses.
      if (err instanceof RateLimited) throw refused("join_rate", JoinErrorCode.TOO_MANY_FROM_ADDRESS, err.message);
    });
    return { ...parsed.value, userId: who?.userId ?? null, role, address };
  } catch (err) {
    if (err instanceof AccessError) {
      const code = err.status === 404 ? JoinErrorCode.UNKNOWN_SPACE : err.status === 401 ? JoinErrorCode.UNAUTHENTICATED : JoinErrorCode.FORBIDDEN;
      throw new ServerError(code, err.message);
    }
    throw err;
  }
}

/** The room's own refusals at onJoin, counted by reason (`plaza_joins_refused_total`). */
export const refuse = {
  /** SE2: access was decided for the space the joiner named; this room holds another one. */
  wrongSpace: () => refused("wrong_space", JoinErrorCode.FORBIDDEN, "this room belongs to another space"),
  /** SP2 (not Colyseus's maxClients: a full room would make the matchmaker open a second one). */
  full: (max: number) => refused("space_full", JoinErrorCode.SPACE_FULL, `this space is full (${max} people)`),
  /** SE7. */
  address: (max: number) => refused("address_limit", JoinErrorCode.TOO_MANY_FROM_ADDRESS,
    `too many people from your network are in this space already (${max}): sign in as a member of its team, or try later`),
};

function refused(reason: string, code: JoinErrorCode, message: string): ServerError {
  metrics.joinsRefused.inc({ reason });
  return new ServerError(code, message);
}
