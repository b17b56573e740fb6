/** Request pieces the spaces, members and invites routes share (spaces.ts, members.ts, invites.ts). */
import type { Request } from "express";
import { ApiErrorCode } from "../../../shared/api.ts";
import { spaceIdSchema } from "../../../shared/protocol.ts";
import { AccessError } from "../access/directory.ts";
import type { Store } from "../store/Store.ts";

/** The route's `:spaceId`, or 400. */
export function spaceIdParam(req: Request): string {
  const id = spaceIdSchema.safeParse(req.params.spaceId);
  if (!id.success) throw new AccessError(400, ApiErrorCode.INVALID_SPACE_ID, "space id: lower-case letters, digits and dashes, at most 40");
  return id.data;
}

/** A team's name, or "" when it is gone. */
export async function teamNameOf(store: Store, teamId: string): Promise<string> {
  return (await store.team(teamId))?.name ?? "";
}
