/**
 * Joining a space over Colyseus, and turning every failure into a sentence a person can act on.
 */
import { Client } from "@colyseus/sdk";
import { SpaceState } from "../../../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, type JoinRequest } from "../../../shared/protocol.ts";
import { JoinErrorCode, PlazaCloseCode } from "../../../shared/codes.ts";
import { asSpaceRoom, learnSelf, type SpaceRoom } from "../../../shared/net/typedRoom.ts";
import { loadSession } from "./session.ts";

export function serverEndpoint(): string {
  return `${location.protocol}//${location.host}`;
}

export async function joinSpace(opts: Omit<JoinRequest, "protocol">): Promise<SpaceRoom> {
  const client = new Client(serverEndpoint());
  // The room's onAuth reads the same token as the HTTP API (signup, login or a guest invite).
  const session = loadSession();
  if (session) client.auth.token = session.token;
  const room = asSpaceRoom(await client.joinOrCreate(SPACE_ROOM, { ...opts, protocol: PROTOCOL_VERSION }, SpaceState));
  // IM10: who we are in the room comes with the first `welcome`, right after the join.
  await Promise.race([
    learnSelf(room),
    new Promise((_, reject) => room.onLeave((code: number) => reject(Object.assign(new Error(`the room closed (${code}) before welcoming us`), { code })))),
  ]);
  return room;
}

/** A readable message for a failed join. */
export function describeJoinError(err: unknown): string {
  const e = err as { code?: number; message?: string };
  switch (e?.code) {
    case JoinErrorCode.PROTOCOL_MISMATCH: return "Plaza was updated. Reload the page to continue.";
    case JoinErrorCode.INVALID_SPACE: return "That space link is not valid.";
    case JoinErrorCode.INVALID_OPTIONS: return `Can't enter: ${e.message ?? "invalid name or look"}.`;
    case JoinErrorCode.SPACE_FULL: return "This space is full right now.";
    case JoinErrorCode.UNAUTHENTICATED: return "This space is private. Sign in to enter.";
    case JoinErrorCode.FORBIDDEN: return "You are not a member of this space. Ask an admin for an invite link.";
    case JoinErrorCode.UNKNOWN_SPACE: return "There is no space at this address. It may have been deleted.";
    case JoinErrorCode.TOO_MANY_FROM_ADDRESS: return "Too many people from your network are in this space. Sign in as a member of its team, or try again later.";
  }
  return `Could not reach the space (${e?.message ?? "network error"}). Check your connection and try again.`;
}

/** A readable message for a room that closed on us. */
export function describeLeave(code: number): string {
  switch (code) {
    case PlazaCloseCode.FLOODING: return "Disconnected: too many messages were sent.";
    case PlazaCloseCode.PROTOCOL_VIOLATION: return "Disconnected: the server could not understand this client. Reload the page.";
    case PlazaCloseCode.ACCESS_REVOKED: return "You no longer have access to this space.";
    case 1000: case 4000: return "You left the space.";
  }
  return "Disconnected from the space.";
}
