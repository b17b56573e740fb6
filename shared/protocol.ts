/**
 * The one protocol module: every message between client and space room is declared here, once,
 * and validated with zod on the receiving side. Server room, browser client and load-test bots
 * import it; nothing else defines message shapes.
 */
import { z } from "zod";
import { CHAT_MAX, NAME_MAX, SIGNAL_MAX, SPACE_ID_MAX, SEQ_MODULO } from "./constants.ts";
import { LOOK_COUNT } from "./looks.ts";
import type { MoveRejection, NoticeCode } from "./codes.ts";
import { buildOpSchema, type EditRefusal } from "./world.ts";
import { KNOCK_NOTE_MAX } from "./doors.ts";

/** Bumped on any incompatible change to messages or synced state; checked on join (PR1). */
export const PROTOCOL_VERSION = 7;

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
  /** What is connecting, for analytics: the browser client or a load-test bot. */
  client: z.enum(["web", "bot"]).optional().default("web"),
  /**
   * The resume token `welcome` gave this tab for its previous session, `<sessionId>.<mac>` (CL3,
   * SE6): continue it after a reload, a drop or a failover. Only a token the server signed for
   * this space is honoured (a bare session id is accepted but means nothing); it is used to free
   * that session's held seat and to look up the position the server stored for it. A client never
   * sends a position.
   */
  resume: z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]{1,32}(\.[A-Za-z0-9_-]{1,43})?$/).optional(),
});
export type JoinOptions = z.infer<typeof joinOptionsSchema>;
/** What a client passes to join (client kind optional). */
export type JoinRequest = z.input<typeof joinOptionsSchema>;

/** Presence statuses (synced as a uint8 index into this list). DND joins no conversation (PX1). */
export const STATUSES = ["available", "busy", "away", "dnd"] as const;
export type Status = (typeof STATUSES)[number];
/** Emotes shown over an avatar for a few seconds. */
export const EMOTES = ["wave", "hand", "heart", "thumbs", "laugh", "clap"] as const;
export type Emote = (typeof EMOTES)[number];
/** Chat scopes: the current conversation, the whole space, or one person. */
export const CHAT_SCOPES = ["nearby", "space", "dm"] as const;
export type ChatScope = (typeof CHAT_SCOPES)[number];
/** Media flags synced in Person.media (bits). */
export const MediaFlag = { MIC: 1, CAM: 2, SCREEN: 4 } as const;

/** How someone answers a knock (NV4). */
export const KNOCK_ANSWERS = ["let_in", "not_now"] as const;
export type KnockAnswer = (typeof KNOCK_ANSWERS)[number];

const seq = z.number().int().min(0).max(SEQ_MODULO - 1);
const areaName = z.string().min(1).max(40);
/** A person key (IM10), as `welcome.you` and the state's keys give them. */
const personKey = z.string().min(1).max(8).regex(/^[A-Za-z0-9]+$/);
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
  /** Chat text is plain text, 1..CHAT_MAX characters after trimming; `to` only for "dm" (CH1). */
  chat: z
    .object({ scope: z.enum(CHAT_SCOPES), to: personKey.optional(), text: z.string().transform((t) => t.trim()).pipe(z.string().min(1).max(CHAT_MAX)) })
    .strict()
    .refine((m) => (m.scope === "dm") === (m.to !== undefined), "dm needs `to`, other scopes must not have it"),
  status: z.object({ status: z.enum(STATUSES) }).strict(),
  emote: z.object({ emote: z.enum(EMOTES) }).strict(),
  /** What I am sending (mic/cam/screen on), shown to others as icons. */
  media: z.object({ mic: z.boolean(), cam: z.boolean(), screen: z.boolean() }).strict(),
  /** Ask for the recent space chat (sent once after joining, when handlers are in place) (CH2). */
  history: z.object({}).strict(),
  /** Where is this person? Answered with `located` (LO1). */
  locate: z.object({ id: personKey }).strict(),
  /** WebRTC signaling, relayed by the room only along a current link: conversation peer or spotlight (AV2). */
  signal: z.object({ to: personKey, kind: z.enum(["offer", "answer", "ice"]), data: z.string().max(SIGNAL_MAX) }).strict(),
  /** A build-mode edit (BM1–BM8); `ref` is the author's number for it, echoed in `built`. */
  build: z.object({ ref: z.number().int().min(0).max(2 ** 31), op: buildOpSchema }).strict(),
  /**
   * Change my display name and look without leaving the space (UX15): the room updates my roster
   * entry, so everyone sees it with the next patch. Over its budget it is dropped with a notice.
   */
  profile: z.object({ name: displayNameSchema, look: z.number().int().min(0).max(LOOK_COUNT - 1) }).strict(),
  /** Knock on a closed meeting room (`area`) or at someone on do-not-disturb (`person`), with a short note (NV3). */
  knock: z
    .object({ area: areaName.optional(), person: personKey.optional(), note: z.string().transform((t) => t.trim()).pipe(z.string().max(KNOCK_NOTE_MAX)) })
    .strict()
    .refine((m) => (m.area === undefined) !== (m.person === undefined), "knock names exactly one of `area` and `person`"),
  /** Answer a knock you were shown (NV4). */
  knockAnswer: z.object({ id: z.number().int().min(1).max(2 ** 31), answer: z.enum(KNOCK_ANSWERS) }).strict(),
  /** Close or open the meeting room you stand in (NV1). */
  door: z.object({ area: areaName, closed: z.boolean() }).strict(),
  /** Tell me once when this busy person is available again (NV5). */
  whenFree: z.object({ person: personKey }).strict(),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessages = { [K in ClientMessageType]: z.infer<(typeof clientMessageSchemas)[K]> };

/** Server → client messages. */
export interface ServerMessages {
  /**
   * Your input `seq` was processed and your avatar is at (x, y) facing dir (MV7): `[seq, x, y,
   * dir]`, sent to the mover only, once per move. Sent with seq 0 right after joining (your start
   * tile). A tuple, not an object: it goes out for every step, so its keys would double its size.
   */
  ack: [seq: number, x: number, y: number, dir: Dir];
  /** Your input `seq` was refused; you are at (x, y) facing dir. Drop predictions up to seq. */
  correction: { seq: number; x: number; y: number; dir: Dir; reason: MoveRejection };
  /** Something the user should see (throttling, etc.); `code` is stable, `message` is for humans. */
  notice: { code: NoticeCode; message: string };
  /**
   * Your current links (PX*): conversation `peers` (mutual media) and the private area you are in;
   * the space's `spotlight` (who is on it, how many hear them, audio only or not), and your part
   * in it: `speaking` the listeners you send to (you are the speaker), `listening` the speaker you
   * receive from (one-way media, PX7–PX8).
   */
  peers: PeersWire;
  /** A signaling message from a conversation peer or spotlight link; `from` is stamped by the server. */
  signal: { from: string; kind: "offer" | "answer" | "ice"; data: string };
  /** A chat message (text is plain text). */
  chat: ChatMessage;
  /** The last CHAT_HISTORY space messages, in answer to `history` (CH2). */
  chatHistory: { messages: ChatMessage[] };
  /** Answer to `locate`: the person's tile, or found=false when they left. */
  located: { id: string; found: boolean; x: number; y: number };
  /**
   * Answer to `build` (BM1): ok only after the edit is durably stored (and then already applied to
   * the synced content); else a stable refusal code and a message for the author.
   */
  built: { ref: number; ok: true; version: number; created?: string } | { ref: number; ok: false; code: EditRefusal; message: string };
  /** Who you are in this space, sent after joining and whenever your role changes: what the UI may offer (AZ1, SE4). */
  welcome: {
    /**
     * Your person key in this space (IM10): it keys your entry in `avatars` and `people`, and names
     * you in every message, as other people's keys name them. Short (1–3 characters), unique in
     * the room; not your Colyseus session id.
     */
    you: string;
    userId: string | null; role: string | null; canBuild: boolean; canClaim: boolean;
    /** This session's resume token (SE6): kept by this tab only, sent back as `resume` to continue it. */
    resume: string;
  };
  /** A team admin's announcement, sent to everyone in every space of the team (TP4); plain text. */
  announcement: { from: string; text: string; at: number };
  /**
   * Audio/video set-up from the room (SF1–SF8): `iceServers` are time-limited TURN credentials
   * (sent after joining and renewed before they expire); `sfu` is the SFU meeting you are admitted
   * to (a Janus VideoRoom room, your token and publisher id, and each member's publisher id), or
   * null when you are in none any more. `stage` is the spotlight through the SFU (SF9–SF14): the
   * stage's Janus room, as speaker (publish) or listener (subscribe to the speaker), or null when
   * you are on no stage. Absent keys: unchanged.
   */
  av: { iceServers?: TurnServerInfo[]; sfu?: SfuAssignment | null; stage?: StageAssignment | null };
  /**
   * Someone knocks (NV3): on the meeting room you are in (`area`), or at you while you are on
   * do-not-disturb (`area` null). Answer with `knockAnswer {id}`. The note is plain text.
   */
  knock: { id: number; from: string; name: string; note: string; area: string | null };
  /**
   * What became of a knock (NV4): to the knocker — answered, expired, or nobody left to answer —
   * and to everyone else it was shown to, so their card goes. `by` is who answered.
   */
  knockOutcome: { id: number; outcome: KnockOutcome; by: string | null; area: string | null; person: string | null };
  /** The person you asked about (`whenFree`) is available now (NV5); sent once. */
  free: { person: string; name: string };
}

/**
 * Your links as a client handles them (PX*): conversation `peers` (mutual media), the private
 * `area` you stand in, the space's `spotlight` and your part in it (`speaking`: the listeners you
 * send to; `listening`: the speaker you hear).
 */
export interface PeersUpdate { peers: string[]; area: string | null; spotlight: SpotlightInfo | null; speaking: string[]; listening: string | null }

/**
 * `peers` on the wire (PR5): fields at their default — no area, no spotlight, nobody you speak to
 * or listen to — are left out (most updates are a walker passing by, and their names cost more
 * than the update). `peersFromWire` gives them back.
 */
export interface PeersWire { peers: string[]; area?: string; spotlight?: SpotlightInfo; speaking?: string[]; listening?: string }

export function peersToWire(u: PeersUpdate): PeersWire {
  const w: PeersWire = { peers: u.peers };
  if (u.area !== null) w.area = u.area;
  if (u.spotlight !== null) w.spotlight = u.spotlight;
  if (u.speaking.length > 0) w.speaking = u.speaking;
  if (u.listening !== null) w.listening = u.listening;
  return w;
}

export function peersFromWire(w: PeersWire): PeersUpdate {
  return { peers: w.peers ?? [], area: w.area ?? null, spotlight: w.spotlight ?? null, speaking: w.speaking ?? [], listening: w.listening ?? null };
}

/** One time-limited TURN server credential (TURN REST scheme, SF8). */
export interface TurnServerInfo { urls: string[]; username: string; credential: string }

/** Your place in an SFU meeting (SF2): the browser joins exactly this room with this token. */
export interface SfuAssignment {
  /** Janus HTTP API base URL (…/janus). */
  url: string;
  room: number;
  token: string;
  /** Your publisher id in the room. */
  id: number;
  /** Every member's publisher id by person key (you included). */
  feeds: Record<string, number>;
}

/**
 * Your place on the stage through the SFU (SF9–SF14): a Janus room of its own whose only
 * publisher is the speaker. `feeds` names the speaker's publisher id (and yours); a listener joins
 * with its token (no publishing) and subscribes to the speaker's feed only.
 */
export interface StageAssignment extends SfuAssignment {
  /** The speaker's person key (IM10; you, when you are on the spotlight). */
  speaker: string;
  /** Listeners: also take the speaker's camera and screen (SF11); false: audio only. */
  video: boolean;
}

/** How a knock ended (NV4). */
export type KnockOutcome = KnockAnswer | "expired" | "gone";

/** The space's spotlight speaker, as told to everyone in `peers` (PX7–PX8). */
export interface SpotlightInfo {
  speaker: string;
  /** People who hear the speaker (spotlight listeners plus their conversation peers). */
  listeners: number;
  /** Too many listeners for video (SPOTLIGHT_VIDEO_MAX): the speaker sends audio only. */
  audioOnly: boolean;
}

export interface ChatMessage {
  id: number;
  from: string;
  name: string;
  scope: ChatScope;
  /** For "dm": the recipient's person key (IM10). */
  to?: string;
  text: string;
  /** Server time, ms since epoch. */
  at: number;
}
export type ServerMessageType = keyof ServerMessages;

/**
 * One handler per server message type: what a client does with everything the room may say. A map,
 * not optional `onMessage` calls, so a message type added to ServerMessages without a handler in
 * the browser, the bots and the test harness is a compile error there (shared/net/typedRoom.ts
 * `listen`).
 */
export type ServerMessageHandlers = { [K in ServerMessageType]: (msg: ServerMessages[K]) => void };

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
