/**
 * Close and error codes Plaza adds on top of Colyseus's own (Colyseus uses 1000–1011 WebSocket
 * codes and 4000–4010 for its CloseCode; its ErrorCode uses 4xxx too). Ours start at 4100.
 */

/** WebSocket close codes sent by a space room. */
export const PlazaCloseCode = {
  /** The client sent too many messages in a short window after being throttled. */
  FLOODING: 4101,
  /** The client kept sending malformed or unknown messages. */
  PROTOCOL_VIOLATION: 4102,
  /**
   * The process hosting the space is draining (deploy, scale-down): re-join the same space with
   * `resume` (the old sessionId) and continue on another process (CL4).
   */
  MOVED: 4103,
  /**
   * Access was taken away while seated (SE4): removed from the team, the space made private, the
   * guest invite revoked, or the space deleted. Do not re-join; the reason comes as a `notice`.
   */
  ACCESS_REVOKED: 4104,
} as const;
export type PlazaCloseCode = (typeof PlazaCloseCode)[keyof typeof PlazaCloseCode];

/**
 * Errors returned when joining a space. Colyseus 0.18 sends a matchmaking error's code as the
 * HTTP status of the /matchmake response, so these are HTTP status codes (Colyseus's own are
 * 520–526).
 */
export const JoinErrorCode = {
  /** Join options failed validation (missing/too-long name, bad look…). */
  INVALID_OPTIONS: 400,
  /** The space id is not of the allowed form. */
  INVALID_SPACE: 422,
  /** The client speaks another protocol version: it must reload (426 Upgrade Required). */
  PROTOCOL_MISMATCH: 426,
  /** The space is private and the joiner is not signed in (or the token is invalid/expired). */
  UNAUTHENTICATED: 401,
  /** Signed in, but not a member of the space's team (private space) (AZ1). */
  FORBIDDEN: 403,
  /** No space with that id. */
  UNKNOWN_SPACE: 404,
  /** The space is full. */
  SPACE_FULL: 503,
  /**
   * The space's room is being opened on another process at this moment (SE3). The server retries
   * such a join itself; a client sees it only if that takes more than a few seconds.
   */
  SPACE_OPENING: 409,
  /** Too many visitors and guests from one network address are in this space already (SE7). */
  TOO_MANY_FROM_ADDRESS: 429,
} as const;
export type JoinErrorCode = (typeof JoinErrorCode)[keyof typeof JoinErrorCode];

/** Why the server refused a movement input (sent to the client with a correction). */
export const MoveRejection = {
  NOT_ADJACENT: "not_adjacent",
  BLOCKED: "blocked",
  OUT_OF_BOUNDS: "out_of_bounds",
  TOO_FAST: "too_fast",
  /** A step into a closed meeting room from outside, without a pass (NV2). */
  CLOSED: "closed",
} as const;
export type MoveRejection = (typeof MoveRejection)[keyof typeof MoveRejection];

/** Why an inbound message was dropped (labels of the plaza_messages_dropped_total counter). */
export const DropReason = {
  MALFORMED: "malformed",
  UNKNOWN_TYPE: "unknown_type",
  THROTTLED: "throttled",
  /** Frame larger than MAX_MESSAGE_BYTES: the WebSocket layer closes the connection (1009). */
  OVERSIZE: "oversize",
  /** A signal addressed to someone who is not in the sender's conversation (AV2). */
  NOT_PEER: "not_peer",
  /** Chat or emote over its budget (CH3). */
  CHAT_LIMIT: "chat_limit",
  /** A frame kind Plaza does not use (requests, raw bytes, inputs, unknown protocol codes) (SE1). */
  UNSUPPORTED: "unsupported",
  /** A profile change (name, look) over its budget (UX15). */
  PROFILE_LIMIT: "profile_limit",
  /** A knock over the knock budget (NV6). */
  KNOCK_LIMIT: "knock_limit",
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/**
 * Why the room sent a `notice` (the `code` of ServerMessages["notice"]): stable strings a client may
 * branch on; the notice's `message` is the sentence shown to the person.
 */
export const NoticeCode = {
  /** Over the message budget: some input was dropped (BI1). */
  THROTTLED: "throttled",
  /** Chat or emotes over their own budget (CH3). */
  CHAT_LIMIT: "chat_limit",
  /** A `nearby` chat with nobody in the sender's conversation to hear it. */
  NOBODY_NEARBY: "nobody_nearby",
  /** A direct message to someone who is not in the space (any more). */
  NO_RECIPIENT: "no_recipient",
  /** The space was deleted while seated; the room closes (SE4). */
  SPACE_DELETED: "space_deleted",
  /** Access was taken away while seated; closed with ACCESS_REVOKED next (SE4). */
  ACCESS_REVOKED: "access_revoked",
  /** Name or look changed too often; this change was not applied (UX15). */
  PROFILE_LIMIT: "profile_limit",
  /** Knocking too often (NV6). */
  KNOCK_LIMIT: "knock_limit",
  /** A knock that cannot ring: the room is open or empty, the person is not on do-not-disturb, or you are already knocking (NV3). */
  KNOCK_REFUSED: "knock_refused",
  /** Only someone inside a meeting room may close or open it (NV1). */
  DOOR_REFUSED: "door_refused",
} as const;
export type NoticeCode = (typeof NoticeCode)[keyof typeof NoticeCode];
