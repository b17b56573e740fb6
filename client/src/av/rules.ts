/**
 * The pure parts of proximity A/V: how loud a peer is at a distance, who is polite in perfect
 * negotiation, and the signaling payload format. No DOM, no RTCPeerConnection, no clock — these run
 * (and are tested) in Node as well as in the browser.
 */
import { z } from "zod";
import { SIGNAL_MAX, TALK_RADIUS } from "../../../shared/constants.ts";

/** The three signaling message kinds the room relays (protocol `signal`). */
export type SignalKind = "offer" | "answer" | "ice";

// --- volume (AV4) -----------------------------------------------------------------------------

/** Full volume up to this distance in tiles: standing next to someone. */
export const FULL_VOLUME_TILES = 1;
/**
 * Quietest a connected peer ever gets. Not 0: people in one private area can stand far apart and
 * must still hear each other, and a fade to silence would feel like a broken connection.
 */
export const MIN_VOLUME = 0.25;

/**
 * Playback volume for a peer `tiles` away: 1.0 at ≤ 1 tile, falling linearly to MIN_VOLUME at
 * TALK_RADIUS + 1 tiles and staying there. A distance that is not a number (peer's avatar not
 * known) gives undefined so the caller keeps the current volume. Pure.
 */
export function volumeAt(tiles: number): number | undefined {
  if (!Number.isFinite(tiles)) return undefined;
  if (tiles <= FULL_VOLUME_TILES) return 1;
  const span = TALK_RADIUS + 1 - FULL_VOLUME_TILES;
  const v = 1 - (1 - MIN_VOLUME) * ((tiles - FULL_VOLUME_TILES) / span);
  return Math.max(MIN_VOLUME, v);
}

// --- perfect negotiation ------------------------------------------------------------------------

/**
 * The polite side rolls back its own offer when offers collide ("glare"). Both sides must agree
 * without talking, so the rule depends only on the two session ids. Pure.
 */
export function isPolite(selfId: string, peerId: string): boolean {
  return selfId < peerId;
}

/**
 * The impolite side creates the audio and camera transceivers and makes the first offer; the
 * polite side adopts the ones the offer creates. One side creating them keeps one m-line per
 * kind shared by both directions (smaller SDP) and makes the first negotiation glare-free.
 */
export function createsTransceivers(selfId: string, peerId: string): boolean {
  return !isPolite(selfId, peerId);
}

/** Which peers to connect and which to hang up on, given the room's new list. Pure. */
export function diffPeers(current: Iterable<string>, next: readonly string[], selfId: string): { added: string[]; removed: string[] } {
  const want = new Set(next.filter((id) => id !== selfId));
  const have = new Set(current);
  return { added: [...want].filter((id) => !have.has(id)), removed: [...have].filter((id) => !want.has(id)) };
}

// --- spotlight links (PX7–PX8) ------------------------------------------------------------------

/**
 * What one connection is for: `mesh` a conversation peer (media both ways), `speak` a listener we
 * send our voice (and camera) to, `listen` the speaker we receive from (we send nothing).
 */
export type LinkRole = "mesh" | "speak" | "listen";

/**
 * The connection we want with each remote person, from the room's `peers` message. A conversation
 * peer is `mesh` even if also named as a spotlight link (the room never does both). Pure.
 */
export function wantedLinks(selfId: string, peers: readonly string[], speaking: readonly string[], listening: string | null): Map<string, LinkRole> {
  const want = new Map<string, LinkRole>();
  if (listening !== null && listening !== selfId) want.set(listening, "listen");
  for (const id of speaking) if (id !== selfId) want.set(id, "speak");
  for (const id of peers) if (id !== selfId) want.set(id, "mesh");
  return want;
}

/**
 * Connections to open and to close. A person whose role changes (a listener walks up to the
 * speaker and joins the conversation) is closed and opened again: the media directions differ. Pure.
 */
export function diffLinks(current: Iterable<readonly [string, LinkRole]>, want: ReadonlyMap<string, LinkRole>): { added: [string, LinkRole][]; removed: string[] } {
  const have = new Map(current);
  const removed = [...have].filter(([id, role]) => want.get(id) !== role).map(([id]) => id);
  const added = [...want].filter(([id, role]) => have.get(id) !== role);
  return { added, removed };
}

/** The line the speaker sees: how many hear them. Pure. */
export function onAirText(listeners: number, audioOnly: boolean): string {
  const who = listeners === 0 ? "nobody else is here yet" : `${listeners} ${listeners === 1 ? "person hears" : "people hear"} you`;
  return `You are on the spotlight — ${who}${audioOnly ? " (audio only: too many for video)" : ""}`;
}

// --- signaling payloads ---------------------------------------------------------------------------

/** Candidates per "ice" message: several ride together so trickle ICE stays within the room's message budget. */
export const MAX_CANDIDATES_PER_SIGNAL = 16;

export type DecodedSignal =
  | { type: "description"; description: RTCSessionDescriptionInit & { type: "offer" | "answer" } }
  | { type: "candidates"; candidates: RTCIceCandidateInit[] };

const descriptionSchema = z.object({ type: z.enum(["offer", "answer"]), sdp: z.string().min(1).startsWith("v=0") }).strict();
const candidateSchema = z
  .object({
    candidate: z.string().max(1000),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(1000).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .strict();
const candidatesSchema = z.array(candidateSchema).min(1).max(MAX_CANDIDATES_PER_SIGNAL);

/**
 * SDP lines end in CRLF, which JSON escapes to four characters. Sending LF only and restoring CRLF
 * on receipt saves ~2 characters a line (hundreds per offer) against the SIGNAL_MAX cap.
 */
const compactSdp = (sdp: string) => sdp.replace(/\r\n/g, "\n");
const restoreSdp = (sdp: string) => sdp.replace(/\r?\n/g, "\r\n");

/** An offer or answer as a signal payload, or undefined when it would not fit in SIGNAL_MAX. Pure. */
export function encodeDescription(d: { type: string; sdp?: string }): string | undefined {
  if ((d.type !== "offer" && d.type !== "answer") || !d.sdp) return undefined;
  const data = JSON.stringify({ type: d.type, sdp: compactSdp(d.sdp) });
  return data.length < SIGNAL_MAX ? data : undefined;
}

/**
 * ICE candidates as as few payloads as possible, each under SIGNAL_MAX characters and
 * MAX_CANDIDATES_PER_SIGNAL candidates. A candidate that alone is too big is dropped. Pure.
 */
export function encodeCandidates(candidates: readonly RTCIceCandidateInit[]): string[] {
  const out: string[] = [];
  let batch: RTCIceCandidateInit[] = [];
  const flush = () => { if (batch.length) out.push(JSON.stringify(batch)); batch = []; };
  for (const c of candidates) {
    if (!c.candidate) continue; // end-of-candidates needs no message
    const slim: RTCIceCandidateInit = { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
    if (c.usernameFragment) slim.usernameFragment = c.usernameFragment;
    if (JSON.stringify([slim]).length >= SIGNAL_MAX) continue;
    if (batch.length === MAX_CANDIDATES_PER_SIGNAL || JSON.stringify([...batch, slim]).length >= SIGNAL_MAX) flush();
    batch.push(slim);
  }
  flush();
  return out;
}

/**
 * Reads a signal from a peer. Anything malformed — bad JSON, wrong shape, an offer sent as an
 * "answer", oversize — gives undefined and is ignored: a peer's browser is not trusted. Pure.
 */
export function decodeSignal(kind: SignalKind, data: string): DecodedSignal | undefined {
  if (typeof data !== "string" || data.length >= SIGNAL_MAX) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (kind === "ice") {
    const r = candidatesSchema.safeParse(raw);
    return r.success ? { type: "candidates", candidates: r.data } : undefined;
  }
  if (kind !== "offer" && kind !== "answer") return undefined;
  const r = descriptionSchema.safeParse(raw);
  if (!r.success || r.data.type !== kind) return undefined;
  return { type: "description", description: { type: r.data.type, sdp: restoreSdp(r.data.sdp) } };
}

// --- codecs -----------------------------------------------------------------------------------------

export interface CodecLike { mimeType: string; sdpFmtpLine?: string }

/**
 * A short list of video codecs to offer. Chrome offers ~19 video codec variants (every H.264
 * profile twice, four VP9 profiles, two AV1): ~4 KB of SDP per video m-line, so audio + camera +
 * two screen shares would not fit in SIGNAL_MAX. Everyone's browser decodes VP8 and constrained
 * baseline H.264; VP9 profile 0 and AV1 main are kept as better choices where both sides have
 * them. The repair codecs (rtx, red, ulpfec) are kept. Order is preference. Pure.
 */
export function preferredVideoCodecs<C extends CodecLike>(codecs: readonly C[]): C[] {
  const fmtp = (c: C) => c.sdpFmtpLine ?? "";
  const rank = (c: C): number => {
    const mime = c.mimeType.toLowerCase();
    if (mime === "video/vp8") return 1;
    if (mime === "video/vp9") return /profile-id=0/.test(fmtp(c)) || fmtp(c) === "" ? 2 : -1;
    if (mime === "video/h264") return /packetization-mode=1/.test(fmtp(c)) && /profile-level-id=42e01f/i.test(fmtp(c)) ? 3 : -1;
    if (mime === "video/av1") return /profile=0/.test(fmtp(c)) || fmtp(c) === "" ? 4 : -1;
    if (mime === "video/rtx" || mime === "video/red" || mime === "video/ulpfec") return 5;
    return -1;
  };
  const kept = codecs.filter((c) => rank(c) > 0);
  // If a browser offers none of the usual codecs, offer what it has rather than nothing.
  if (!kept.some((c) => rank(c) < 5)) return [...codecs];
  return kept.sort((a, b) => rank(a) - rank(b));
}

// --- permission messages --------------------------------------------------------------------------

/** What to tell the user when getUserMedia fails, by DOMException name. Pure. */
export function describeMediaError(name: string | undefined): string {
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera/mic blocked — click the camera icon in the address bar to allow";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera or microphone found — you can still hear and see others";
    case "NotReadableError":
    case "AbortError":
      return "Camera/mic is in use by another app — you can still hear and see others";
    case "Unsupported":
      return "This browser can't share camera/mic here (needs https) — you can still hear and see others";
  }
  return "Camera/mic unavailable — you can still hear and see others";
}

export interface MediaState { mic: boolean; cam: boolean; screen: boolean }
export const sameMedia = (a: MediaState | undefined, b: MediaState) => a !== undefined && a.mic === b.mic && a.cam === b.cam && a.screen === b.screen;
