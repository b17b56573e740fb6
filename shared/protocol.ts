/**
 * The one protocol module: every message between client and space room is declared here, once,
 * and validated with zod on the receiving side. Server room, browser client and load-test bots
 * import it; nothing else defines message shapes.
 */
import { z } from "zod";
import { NAME_MAX, SPACE_ID_MAX, SEQ_MODULO } from "./constants.ts";
import { LOOK_COUNT } from "./looks.ts";
import type { MoveRejection } from "./codes.ts";

/** Bumped on any incompatible change to messages or synced state; checked on join (PR1). */
export const PROTOCOL_VERSION = 1;

/** Colyseus room type name for spaces. */
export const SPACE_ROOM = "space";

/** Facing directions. Values are synced as a uint8. */
export const Dir = { DOWN: 0, UP: 1, LEFT: 2, RIGHT: 3 } as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

/** Lower-case letters, digits and dashes; starts with a letter or digit (PR3). */
export const SPACE_ID_PATTERN = new RegExp(`^[a-z0-9][a-z0-9-]{0,${SPACE_ID_MAX - 1}}$`);
export const spaceIdSchema = z.string().regex(SPACE_ID_PATTERN, "space id: lower-case letters, digits and dashes");

/** Display names: trimmed, 1..NAME_MAX characters, no control characters (PR2). */
export const displayNameSchema = z
  .string()
  .transform((s) => s.trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(1, "name is empty")
      .max(NAME_MAX, `name longer than ${NAME_MAX}`)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, "name has control characters"),
  );

export const joinOptionsSchema = z.object({
  protocol: z.number().int(),
  spaceId: spaceIdSchema,
  name: displayNameSchema,
  look: z.number().int().min(0).max(LOOK_COUNT - 1),
});
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

const seq = z.number().int().min(0).max(SEQ_MODULO - 1);
const tile = z.number().int().min(0).max(0xffff);
const dir = z.union([z.literal(Dir.DOWN), z.literal(Dir.UP), z.literal(Dir.LEFT), z.literal(Dir.RIGHT)]);

/**
 * Client → server messages, keyed by Colyseus message type.
 * `move`: "I am now at (x, y) facing dir". (x, y) must be the current tile (a turn) or one of its
 * four neighbours (a step); the room validates it with the same `applyMove` the client predicted
 * with (MV1–MV5).
 */
export const clientMessageSchemas = {
  move: z.object({ seq, x: tile, y: tile, dir }).strict(),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessages = { [K in ClientMessageType]: z.infer<(typeof clientMessageSchemas)[K]> };

/** Server → client messages. */
export interface ServerMessages {
  /** Your input `seq` was refused; you are at (x, y) facing dir. Drop predictions up to seq. */
  correction: { seq: number; x: number; y: number; dir: Dir; reason: MoveRejection };
  /** Something the user should see (throttling, etc.); `code` is stable, `message` is for humans. */
  notice: { code: string; message: string };
}
export type ServerMessageType = keyof ServerMessages;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates one inbound message of a known type. Pure. */
export function parseClientMessage<K extends ClientMessageType>(type: K, raw: unknown): ParseResult<ClientMessages[K]> {
  const r = clientMessageSchemas[type].safeParse(raw);
  return r.success ? { ok: true, value: r.data as ClientMessages[K] } : { ok: false, error: r.error.issues[0]?.message ?? "invalid" };
}

export function isClientMessageType(type: unknown): type is ClientMessageType {
  return typeof type === "string" && Object.prototype.hasOwnProperty.call(clientMessageSchemas, type);
}

/** Validates join options; a protocol mismatch is reported separately so the client can say "reload". */
export function parseJoinOptions(raw: unknown): ParseResult<JoinOptions> & { protocolMismatch?: boolean } {
  const r = joinOptionsSchema.safeParse(raw);
  if (!r.success) {
    const protocolMismatch = r.error.issues.some((i) => i.path[0] === "protocol");
    return { ok: false, error: r.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; "), protocolMismatch };
  }
  if (r.data.protocol !== PROTOCOL_VERSION) {
    return { ok: false, error: `protocol ${r.data.protocol} is not ${PROTOCOL_VERSION}: reload the page`, protocolMismatch: true };
  }
  return { ok: true, value: r.data };
}

/** True when sequence number a is at or after b, modulo 2^16 (wrap-safe within half the range). */
export function seqAtOrAfter(a: number, b: number): boolean {
  return ((a - b + SEQ_MODULO) % SEQ_MODULO) < SEQ_MODULO / 2;
}
