/**
 * What an attacker sends a space room (SPEC BI1–BI4), for the adversarial fuzz test and
 * loadtest/fuzzEcho.ts: seeded generators of hostile client → server traffic — message types that
 * mean something to Colyseus or to JavaScript ("*", "__proto__", "", NaN…), payloads of every shape
 * msgpack can carry (objects that cannot become a string, huge arrays, deep nesting, binary,
 * near-valid messages with one field wrong) and hand-built Colyseus frames (every protocol code,
 * truncated headers, garbage) — plus the two ways of delivering them: through the SDK's own
 * `send` / `request` / `sendBytes`, and as raw WebSocket frames on a seat of our own.
 *
 * The generators are pure (same seed, same frames; no clock, no I/O). The seats and the Walker
 * below do I/O, on loopback only.
 */
import { Client, Protocol, type Room } from "@colyseus/sdk";
import { encode } from "@colyseus/schema";
import { Packr } from "msgpackr";
import { inspect } from "node:util";
import { mulberry32, type Rng } from "../../shared/random.ts";
import { clientMessageSchemas, PROTOCOL_VERSION, SPACE_ROOM, type ClientMessageType, type ServerMessages } from "../../shared/protocol.ts";
import { SpaceState } from "../../shared/state.ts";
import { asSpaceRoom, learnSelf } from "../../shared/net/typedRoom.ts";
import { isWalkable, parseTiledMap } from "../../shared/map.ts";
import { DIR_VECTORS, dirOfDelta } from "../../shared/movement.ts";
import { STEP_MS } from "../../shared/constants.ts";

export { mulberry32, type Rng };

/**
 * Every frame stays within 4 KB, well under MAX_MESSAGE_BYTES (16 KB, BI3): the point is what is
 * inside a frame, not its size (oversize frames are BI3's own test).
 */
export const FRAME_BUDGET = 4000;

/** The protocol's real client message types. */
export const REAL_TYPES = Object.keys(clientMessageSchemas) as ClientMessageType[];

/** A float64 type written to the wire as is (the SDK's encoder turns NaN into 0, an attacker need not). */
export interface WireFloat { float64: number }
export type FuzzType = string | number | WireFloat;

/**
 * Type names that mean something to Colyseus (its "*" catch-all, its `_$b` prefix for byte
 * messages), to JavaScript objects, or to a decoder (empty, very long, control characters), and
 * numbers where a string is expected.
 */
export const SPECIAL_TYPES: readonly FuzzType[] = [
  "*", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "then", "toJSON",
  "_$bmove", "_$b*", "_$b", "", " ", "move ", "MOVE", "mov", "move\u0000", "\u0000", "é✓😀", "\ud800",
  "x".repeat(300), "y".repeat(1200), "z".repeat(3500),
  0, -1, 1, 31, 255, 2 ** 16, 2 ** 31, 2 ** 32 + 1, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 0.5, -0.0,
  NaN, Infinity, -Infinity,
  { float64: NaN }, { float64: Infinity }, { float64: -Infinity }, { float64: -0 }, { float64: 1e308 },
];

/** The crash this suite was written for: objects with no usable toString/valueOf. */
export const UNSTRINGIFIABLE: readonly unknown[] = [
  { toString: 1 },
  { toString: {}, valueOf: {} },
  { toString: null, valueOf: null },
  { toString: "x", valueOf: [] },
  { valueOf: 1, toString: { toString: 1 } },
];

/** Objects whose keys shadow what servers like to call on payloads. */
const POISON: readonly unknown[] = [
  ...UNSTRINGIFIABLE,
  { toJSON: 1 }, { toJSON: {} }, { then: 1 }, { then: {} }, { constructor: 1 }, { constructor: { prototype: 1 } },
  { hasOwnProperty: 1 }, { ["__proto__"]: { polluted: 1 } }, { ["__proto__"]: null }, { length: -1 }, { length: 2 ** 32 },
  { [Symbol.iterator.toString()]: 1 }, { isPrototypeOf: 1, propertyIsEnumerable: 1 },
];

/** Field names of real messages and names with a meaning to JavaScript. */
const KEYS = [
  "seq", "x", "y", "dir", "scope", "to", "text", "status", "emote", "mic", "cam", "screen", "id", "kind",
  "data", "ref", "op", "tiles", "paint", "rot", "rev", "w", "h", "name", "release",
  "toString", "valueOf", "__proto__", "constructor", "hasOwnProperty", "then", "toJSON", "length", "prototype", "", "0", "*",
];

const EDGE_NUMBERS = [
  0, -0, 1, -1, 3, 4, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, -(2 ** 53),
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 0.5, 1.5, -0.5, NaN, Infinity, -Infinity,
];
const EDGE_STRINGS = [
  "", " ", "\u0000", "\n", "move", "*", "nearby", "space", "dm", "wave", "offer", "paint", "desk", "available",
  "<script>alert(1)</script>", "\u202e", "\ud800", "\udfff", "😀".repeat(8), "a".repeat(25), "a".repeat(1001),
];

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
/** Sets an own property, even "__proto__" (a plain assignment would set the prototype instead). */
const put = (o: Record<string, unknown>, key: string, value: unknown) => Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

function bytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(rng, 256);
  return b;
}

function randomString(rng: Rng, max: number): string {
  const n = int(rng, max + 1);
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = rng();
    s += r < 0.7 ? String.fromCharCode(32 + int(rng, 95)) : r < 0.85 ? String.fromCharCode(int(rng, 32)) : String.fromCharCode(int(rng, 0xffff));
  }
  return s;
}

function scalar(rng: Rng): unknown {
  switch (int(rng, 12)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return rng() < 0.5;
    case 3: case 4: return pick(rng, EDGE_NUMBERS);
    case 5: return int(rng, 70_000) - 2000;
    case 6: return (rng() - 0.5) * 10 ** int(rng, 12);
    case 7: case 8: return pick(rng, EDGE_STRINGS);
    case 9: return randomString(rng, 40);
    case 10: return bytes(rng, int(rng, 64));
    default: return pick(rng, [2n ** 63n - 1n, -(2n ** 63n), 0n, 2n ** 64n - 1n, new Date(0), new Date(8.64e15)]);
  }
}

/** Any value msgpack can carry, `depth` levels deep at most. */
export function randomValue(rng: Rng, depth = 3): unknown {
  const r = rng();
  if (depth <= 0 || r < 0.45) return scalar(rng);
  if (r < 0.6) return Array.from({ length: int(rng, 6) }, () => randomValue(rng, depth - 1));
  if (r < 0.88) {
    const o: Record<string, unknown> = {};
    for (let i = int(rng, 6); i > 0; i--) put(o, pick(rng, KEYS), randomValue(rng, depth - 1));
    return o;
  }
  if (r < 0.94) return new Map<unknown, unknown>([[randomValue(rng, 0), randomValue(rng, depth - 1)], [pick(rng, POISON), 1]]);
  return pick(rng, POISON);
}

/** Big shapes that still fit in a frame: long arrays and strings, deep nesting, wide objects, binary. */
function bulky(rng: Rng): unknown {
  switch (int(rng, 7)) {
    case 0: return new Array(500 + int(rng, 3000)).fill(int(rng, 100));
    case 1: return Array.from({ length: 200 + int(rng, 600) }, () => pick(rng, [null, 0, -1, "", true]));
    case 2: return "w".repeat(1000 + int(rng, 2800));
    // Nesting stays well inside what msgpackr's recursive packer takes on any stack (~2,000 levels
    // cold): nearer its limit, whether a pack overflows depends on JIT state, and the seeded stream
    // would not be the same twice.
    case 3: { // [[[…]]] up to 800 deep (one byte a level)
      let v: unknown = pick(rng, POISON);
      for (let i = 100 + int(rng, 700); i > 0; i--) v = [v];
      return v;
    }
    case 4: { // {a:{a:{…}}} up to 600 deep
      let v: unknown = 0;
      for (let i = 100 + int(rng, 500); i > 0; i--) v = { a: v };
      return v;
    }
    case 5: {
      const o: Record<string, number> = {};
      for (let i = 100 + int(rng, 300); i > 0; i--) o[`k${i}`] = i;
      return o;
    }
    default: return bytes(rng, 1000 + int(rng, 2800));
  }
}

/** A valid message of each real type (to mutate one thing at a time). */
export function validExample(type: ClientMessageType, rng: Rng): Record<string, unknown> {
  switch (type) {
    case "move": return { seq: int(rng, 65536), x: int(rng, 60), y: int(rng, 40), dir: int(rng, 4) };
    case "chat": return rng() < 0.5 ? { scope: "nearby", text: "hello" } : { scope: "dm", to: "abcdefghi", text: "hi" };
    case "status": return { status: pick(rng, ["available", "busy", "away", "dnd"]) };
    case "emote": return { emote: pick(rng, ["wave", "hand", "heart"]) };
    case "media": return { mic: rng() < 0.5, cam: rng() < 0.5, screen: false };
    case "history": return {};
    case "locate": return { id: "abcdefghi" };
    case "signal": return { to: "abcdefghi", kind: "offer", data: "v=0" };
    case "profile": return { name: pick(rng, ["Ana", "Bo", "Cy"]), look: int(rng, 8) };
    case "build": return { ref: int(rng, 1000), op: rng() < 0.5 ? { op: "paint", paint: "wood", tiles: [[1, 1]] } : { op: "place", kind: "desk", x: 3, y: 3, rot: 0 } };
    case "knock": return rng() < 0.5 ? { area: "Room", note: "may I?" } : { person: "abcdefghi", note: "" };
    case "knockAnswer": return { id: 1 + int(rng, 5), answer: pick(rng, ["let_in", "not_now"]) };
    case "door": return { area: "Room", closed: rng() < 0.5 };
    case "whenFree": return { person: "abcdefghi" };
  }
}

/** A valid message with one thing wrong: a field of the wrong type, an extra or missing field… */
function nearValid(type: ClientMessageType, rng: Rng): unknown {
  const msg = validExample(type, rng);
  const keys = Object.keys(msg);
  switch (int(rng, 8)) {
    case 0: if (keys.length) put(msg, pick(rng, keys), randomValue(rng, 2)); return msg;
    case 1: put(msg, pick(rng, KEYS), randomValue(rng, 1)); return msg;
    case 2: if (keys.length) delete msg[pick(rng, keys)]; return msg;
    case 3: return Object.values(msg);
    case 4: if (keys.length) put(msg, pick(rng, keys), pick(rng, POISON)); return msg;
    case 5: if (keys.length) put(msg, pick(rng, keys), bulky(rng)); return msg;
    case 6: return { ...msg, ...(pick(rng, POISON) as object) };
    default: return msg; // valid: the room must also cope with honest messages among the garbage
  }
}

/** A payload for `type`: near-valid for real types, anything at all otherwise. */
export function payloadFor(type: FuzzType, rng: Rng): unknown {
  const r = rng();
  if (typeof type === "string" && (REAL_TYPES as string[]).includes(type) && r < 0.5) return nearValid(type as ClientMessageType, rng);
  if (r < 0.65) return pick(rng, POISON);
  if (r < 0.8) return bulky(rng);
  return randomValue(rng, 4);
}

export function randomType(rng: Rng): FuzzType {
  const r = rng();
  if (r < 0.4) return pick(rng, REAL_TYPES);
  if (r < 0.85) return pick(rng, SPECIAL_TYPES);
  return r < 0.93 ? randomString(rng, 12) : int(rng, 2 ** 31) - 2 ** 30;
}

/**
 * One thing a fuzzer sends. `send`/`request`/`bytes` go through the SDK's methods on an SDK seat
 * (and are encoded the same way by hand on a raw seat); `raw` is a hand-built WebSocket frame.
 */
export type FuzzFrame =
  | { via: "send"; type: FuzzType; payload: unknown }
  | { via: "request"; type: FuzzType; payload: unknown }
  | { via: "bytes"; type: FuzzType; bytes: Uint8Array }
  | { via: "raw"; what: string; data: Uint8Array | string };

// ---- the wire (Room.mjs `_onMessage`, RoomMessages.mjs `onData` / `onRequest` / `onDataBytes`) ----

// Plain maps, no msgpackr records: a record-enabled Packr remembers structures between calls, so
// sizes (and so the seeded retries in nextFrame) would depend on what was packed before.
const packr = new Packr({ useRecords: false });
const scratch = new Uint8Array(FRAME_BUDGET * 2 + 64);

/** msgpack of `payload`, or undefined when msgpackr cannot carry it (a poison Map key, a too-big BigInt). */
export function tryPack(payload: unknown): Uint8Array | undefined {
  try {
    // A copy: msgpackr hands back a view of its reusable buffer, which the next pack overwrites.
    return Uint8Array.from(packr.pack(payload));
  } catch {
    return undefined;
  }
}

function writeType(it: { offset: number }, type: FuzzType) {
  if (typeof type === "string") encode.string(scratch, type, it);
  else if (typeof type === "number") encode.number(scratch, type, it);
  else {
    scratch[it.offset++] = 0xcb; // float 64, little-endian as @colyseus/schema reads it
    new DataView(scratch.buffer).setFloat64(it.offset, type.float64, true);
    it.offset += 8;
  }
}

function frame(head: (it: { offset: number }) => void, body?: Uint8Array): Uint8Array {
  const it = { offset: 0 };
  head(it);
  const out = new Uint8Array(it.offset + (body?.byteLength ?? 0));
  out.set(scratch.subarray(0, it.offset));
  if (body) out.set(body, it.offset);
  return out;
}

/** `[ROOM_DATA][type][msgpack payload?]`, as `room.send` writes it. */
export function roomDataFrame(type: FuzzType, payload: unknown): Uint8Array | undefined {
  const body = payload === undefined ? undefined : tryPack(payload);
  if (payload !== undefined && !body) return undefined;
  return frame((it) => { scratch[it.offset++] = Protocol.ROOM_DATA; writeType(it, type); }, body);
}

/** `[ROOM_REQUEST][requestId][type][msgpack payload?]`, as `room.request` writes it. */
export function roomRequestFrame(requestId: number | WireFloat, type: FuzzType, payload: unknown): Uint8Array | undefined {
  const body = payload === undefined ? undefined : tryPack(payload);
  if (payload !== undefined && !body) return undefined;
  return frame((it) => { scratch[it.offset++] = Protocol.ROOM_REQUEST; writeType(it, requestId); writeType(it, type); }, body);
}

/** `[ROOM_DATA_BYTES][type][bytes]`, as `room.sendBytes` writes it. */
export function roomBytesFrame(type: FuzzType, data: Uint8Array): Uint8Array {
  return frame((it) => { scratch[it.offset++] = Protocol.ROOM_DATA_BYTES; writeType(it, type); }, data);
}

const typeLabel = (t: FuzzType) => (typeof t === "object" ? `f64(${t.float64})` : typeof t === "string" && t.length > 24 ? `"${t.slice(0, 8)}…"(${t.length})` : inspect(t));

/** A hand-built frame: every protocol code, malformed headers, garbage, text frames. */
function rawFrame(rng: Rng): { what: string; data: Uint8Array | string } | undefined {
  const type = randomType(rng);
  const r = int(rng, 20);
  switch (r) {
    case 0: case 1: case 2: { // well-formed ROOM_DATA with any type and payload, incl. NaN-typed floats
      const payload = payloadFor(type, rng);
      const data = roomDataFrame(type, payload);
      return data && { what: `ROOM_DATA ${typeLabel(type)} ${show(payload)}`, data };
    }
    case 3: { // header fine, payload is not msgpack
      const head = roomDataFrame(type, undefined)!;
      const tail = bytes(rng, 1 + int(rng, 40));
      return { what: `ROOM_DATA ${typeLabel(type)} + ${tail.byteLength} garbage bytes`, data: concat(head, tail) };
    }
    case 4: { // a string prefix that promises more than the frame holds
      const prefix = pick(rng, [0xd9, 0xda, 0xdb, 0xbf]);
      const data = concat(new Uint8Array([Protocol.ROOM_DATA, prefix, 0xff, 0xff, 0xff, 0xff].slice(0, 2 + int(rng, 5))), bytes(rng, int(rng, 8)));
      return { what: `ROOM_DATA truncated string header 0x${prefix.toString(16)}`, data };
    }
    case 5: { // a number prefix with its bytes missing, or no type at all
      const data = new Uint8Array([Protocol.ROOM_DATA, ...[0xcb, 0xcf, 0xd3, 0xce, 0xc1, 0xc0].slice(int(rng, 6)).slice(0, int(rng, 2))]);
      return { what: `ROOM_DATA truncated number type [${[...data].join(",")}]`, data };
    }
    case 6: case 7: { // requests with odd ids
      const id = pick<number | WireFloat>(rng, [0, 1, 2 ** 32 - 1, 2 ** 32, -1, 0.5, 2 ** 53, { float64: NaN }, 1_000_000 + int(rng, 1_000_000)]);
      const payload = payloadFor(type, rng);
      const data = roomRequestFrame(id, type, payload);
      return data && { what: `ROOM_REQUEST #${typeLabel(id)} ${typeLabel(type)} ${show(payload)}`, data };
    }
    case 8: return { what: "ROOM_REQUEST without id", data: new Uint8Array([Protocol.ROOM_REQUEST]) };
    case 9: { // byte messages for any type
      const b = bytes(rng, int(rng, 300));
      return { what: `ROOM_DATA_BYTES ${typeLabel(type)} ${b.byteLength} bytes`, data: roomBytesFrame(type, b) };
    }
    case 10: { // codes a client never sends, or sends at the wrong time
      const code = pick(rng, [Protocol.JOIN_ROOM, Protocol.ERROR, Protocol.ROOM_STATE, Protocol.ROOM_STATE_PATCH, Protocol.ROOM_DATA_SCHEMA, Protocol.ROOM_RESPONSE, Protocol.PING]);
      const data = concat(new Uint8Array([code]), bytes(rng, int(rng, 30)));
      return { what: `code ${code} + ${data.byteLength - 1} bytes`, data };
    }
    case 11: { // input frames (the room never called defineInput)
      const code = pick(rng, [Protocol.ROOM_INPUT_RELIABLE, Protocol.ROOM_INPUT_UNRELIABLE]) | pick(rng, [0, 128, 64]);
      const data = concat(new Uint8Array([code]), bytes(rng, int(rng, 120)));
      return { what: `input code ${code} + ${data.byteLength - 1} bytes`, data };
    }
    case 12: { // unknown codes and modifier bits on known ones
      const code = pick(rng, [0, 1, 9, 23, 24, 30, 31, 255, 128 | Protocol.ROOM_DATA, 64 | Protocol.ROOM_DATA, 224 | Protocol.ROOM_REQUEST, 32 | Protocol.ROOM_DATA_BYTES]);
      const body = code & 31 ? roomDataFrame(type, payloadFor(type, rng))?.subarray(1) ?? new Uint8Array() : bytes(rng, int(rng, 60));
      return { what: `code ${code} (${code & 31} + modifiers) ${typeLabel(type)}`, data: concat(new Uint8Array([code]), body) };
    }
    case 13: return { what: "empty frame", data: new Uint8Array(0) };
    case 14: { const data = bytes(rng, 1 + int(rng, 200)); return { what: `${data.byteLength} random bytes`, data }; }
    case 15: { // text frames (ws hands them to the room as a Buffer too)
      const data = pick(rng, ["\r*", "\rmove", String.fromCharCode(Protocol.ROOM_DATA) + "\u00a1*\u0081\u00a8toString\u0001", JSON.stringify({ type: "*", payload: { toString: 1 } }), randomString(rng, 200)]);
      return { what: `text frame ${inspect(data.slice(0, 40))}`, data };
    }
    case 16: return { what: "PING", data: new Uint8Array([Protocol.PING]) };
    case 17: return { what: "JOIN_ROOM again", data: new Uint8Array([Protocol.JOIN_ROOM]) };
    case 18: { // the known crash, raw
      const payload = pick(rng, UNSTRINGIFIABLE);
      return { what: `ROOM_DATA "*" ${show(payload)}`, data: roomDataFrame("*", payload)! };
    }
    default: // LEAVE_ROOM ends the fuzzer's seat: rare
      return rng() < 0.15 ? { what: "LEAVE_ROOM", data: new Uint8Array([Protocol.LEAVE_ROOM]) } : { what: "PING", data: new Uint8Array([Protocol.PING]) };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/** How big a frame is on the wire (undefined: msgpack cannot carry it, so it is never sent). */
export function frameBytes(f: FuzzFrame): number | undefined {
  switch (f.via) {
    case "send": return roomDataFrame(f.type, f.payload)?.byteLength;
    case "request": return roomRequestFrame(7, f.type, f.payload)?.byteLength;
    case "bytes": return roomBytesFrame(f.type, f.bytes).byteLength;
    case "raw": return typeof f.data === "string" ? Buffer.byteLength(f.data) : f.data.byteLength;
  }
}

/** The next frame of a seeded stream: SDK sends, requests, byte messages and raw frames. */
export function nextFrame(rng: Rng): FuzzFrame {
  for (;;) {
    const r = rng();
    let f: FuzzFrame | undefined;
    if (r < 0.35) {
      const type = randomType(rng);
      f = { via: "send", type, payload: payloadFor(type, rng) };
    } else if (r < 0.47) {
      const type = randomType(rng);
      f = { via: "request", type, payload: payloadFor(type, rng) };
    } else if (r < 0.57) {
      const type = randomType(rng);
      f = { via: "bytes", type, bytes: rng() < 0.5 ? bytes(rng, int(rng, 200)) : tryPack(payloadFor(type, rng)) ?? new Uint8Array() };
    } else {
      const raw = rawFrame(rng);
      f = raw && { via: "raw", ...raw };
    }
    const size = f && frameBytes(f);
    if (f && size !== undefined && size <= FRAME_BUDGET) return f;
  }
}

/** A frame of `type` for fuzzEcho: an SDK send, request or byte message, or the same hand-built. */
export function frameOfType(type: FuzzType, rng: Rng): FuzzFrame {
  for (;;) {
    const payload = payloadFor(type, rng);
    const r = rng();
    const f: FuzzFrame = r < 0.6 ? { via: "send", type, payload }
      : r < 0.75 ? { via: "request", type, payload }
      : r < 0.85 ? { via: "bytes", type, bytes: tryPack(payload) ?? new Uint8Array([0xc1]) }
      : { via: "raw", what: `ROOM_DATA ${typeLabel(type)} ${show(payload)}`, data: roomDataFrame(type, payload) ?? new Uint8Array([Protocol.ROOM_DATA]) };
    const size = frameBytes(f);
    if (size !== undefined && size <= FRAME_BUDGET) return f;
  }
}

/** A payload, safely printed (util.inspect never calls a payload's own toString). */
export function show(v: unknown): string {
  const s = inspect(v, { depth: 2, maxArrayLength: 4, maxStringLength: 24, breakLength: Infinity });
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

export function describeFrame(f: FuzzFrame): string {
  switch (f.via) {
    case "send": return `send(${typeLabel(f.type)}, ${show(f.payload)})`;
    case "request": return `request(${typeLabel(f.type)}, ${show(f.payload)})`;
    case "bytes": return `sendBytes(${typeLabel(f.type)}, ${f.bytes.byteLength} bytes)`;
    case "raw": return `raw ${f.what}`;
  }
}

// ---- seats that deliver frames ----

/** Close codes a fuzzing seat may legitimately end with (BI1, BI2; Colyseus's own for undecodable frames). */
export const FUZZER_CLOSE_CODES: ReadonlySet<number> = new Set([
  4000, // CONSENTED: it sent LEAVE_ROOM
  4002, // WITH_ERROR: Colyseus could not decode a payload, or over its hard message-rate backstop
  4101, // PlazaCloseCode.FLOODING
  4102, // PlazaCloseCode.PROTOCOL_VIOLATION
  1009, // too big (never sent: every frame is within FRAME_BUDGET)
]);

type LooseRoom = Room<any, SpaceState> & {
  send(type: string | number, payload?: unknown): void;
  request(type: string | number, payload?: unknown, options?: { timeout?: number }): Promise<unknown>;
};

/** The raw WebSocket under an SDK room (Node's global WebSocket, which the SDK prefers). */
function socketOf(room: Room): WebSocket {
  return (room.connection.transport as unknown as { ws: WebSocket }).ws;
}

const REQUEST_TIMEOUT_MS = 3000;

export interface JoinOptionsLike { spaceId: string; name: string }

function joinOptions(o: JoinOptionsLike) {
  return { protocol: PROTOCOL_VERSION, spaceId: o.spaceId, name: o.name, look: 0, client: "bot" };
}

/**
 * A fuzzing seat: joined through the SDK (frames go through `room.send` & co, raw ones on its
 * socket) or through our own matchmake + WebSocket (every frame hand-encoded; optionally without
 * ever confirming the join handshake). `closed` is the close code once the server let it go.
 */
export class FuzzSeat {
  closed: number | undefined;
  sent = 0;
  private constructor(readonly kind: "sdk" | "raw", private readonly room: LooseRoom | undefined, private readonly ws: WebSocket, readonly sessionId: string) {}

  static async joinSdk(url: string, o: JoinOptionsLike): Promise<FuzzSeat> {
    const room = (await new Client(url).joinOrCreate(SPACE_ROOM, joinOptions(o), SpaceState)) as LooseRoom;
    room.reconnection.enabled = false; // a drop is a close we want to see, not something to hide
    room.onMessage("*", () => undefined);
    const seat = new FuzzSeat("sdk", room, socketOf(room), room.sessionId);
    room.onLeave((code: number) => { seat.closed ??= code; });
    room.onError(() => undefined);
    return seat;
  }

  /** Matchmakes over HTTP and connects a bare WebSocket to `/<processId>/<roomId>?sessionId=…`. */
  static async joinRaw(url: string, o: JoinOptionsLike, confirm: boolean): Promise<FuzzSeat> {
    const res = await fetch(`${url}/matchmake/joinOrCreate/${SPACE_ROOM}`, {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(joinOptions(o)), signal: AbortSignal.timeout(10_000),
    });
    const seat = (await res.json()) as { roomId: string; processId: string; sessionId: string; error?: string };
    if (!res.ok || !seat.sessionId) throw new Error(`matchmake refused: ${res.status} ${JSON.stringify(seat)}`);
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}`);
    ws.binaryType = "arraybuffer";
    const fuzz = new FuzzSeat("raw", undefined, ws, seat.sessionId);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("raw seat: no JOIN_ROOM within 10 s")), 10_000);
      ws.onmessage = (ev) => {
        const first = new Uint8Array(ev.data as ArrayBuffer)[0];
        if (first === Protocol.JOIN_ROOM) {
          clearTimeout(timer);
          if (confirm) ws.send(new Uint8Array([Protocol.JOIN_ROOM]));
          ws.onmessage = (m) => { if (m.data instanceof ArrayBuffer && new Uint8Array(m.data)[0] === Protocol.PING) fuzz.pong?.(); };
          resolve();
        } else if (first === Protocol.ERROR) {
          clearTimeout(timer);
          reject(new Error("raw seat: the room refused the connection"));
        }
      };
      ws.onclose = (ev) => { clearTimeout(timer); fuzz.closed ??= ev.code; reject(new Error(`raw seat closed while joining: ${ev.code}`)); };
    });
    ws.onclose = (ev) => { fuzz.closed ??= ev.code; };
    return fuzz;
  }

  get open(): boolean {
    return this.closed === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Delivers one frame; false when the seat is closed or the frame cannot be encoded. On an SDK
   * seat, what the SDK refuses to encode goes out hand-encoded on its socket instead (the SDK
   * 0.18.4 reserves only `headerLength & 0xff` bytes for the header of `send`/`request`, so a type
   * of 250+ bytes with a payload throws there, or goes out with the header over the payload).
   */
  deliver(f: FuzzFrame): boolean {
    if (!this.open) return false;
    try {
      if (this.room && f.via === "send") this.room.send(wireType(f.type), f.payload);
      else if (this.room && f.via === "request") void this.room.request(wireType(f.type), f.payload, { timeout: REQUEST_TIMEOUT_MS }).catch(() => undefined);
      else if (this.room && f.via === "bytes") this.room.sendBytes(wireType(f.type), f.bytes);
      else return this.deliverRaw(f);
      this.sent++;
      return true;
    } catch {
      return this.deliverRaw(f);
    }
  }

  private deliverRaw(f: FuzzFrame): boolean {
    const data = f.via === "raw" ? f.data
      : f.via === "send" ? roomDataFrame(f.type, f.payload)
      : f.via === "request" ? roomRequestFrame(1_000_000 + this.sent, f.type, f.payload)
      : roomBytesFrame(f.type, f.bytes);
    if (data === undefined || !this.open) return false;
    try {
      this.ws.send(data);
    } catch {
      return false;
    }
    this.sent++;
    return true;
  }

  private pong: (() => void) | undefined;

  /**
   * A PING round trip on this seat: once it is answered, the room has handled every frame sent
   * before it. "closed" when the room let the seat go meanwhile (see `closed`).
   */
  async roundTrip(timeoutMs = 5000): Promise<"pong" | "closed" | "timeout"> {
    if (!this.open) return "closed";
    const deadline = performance.now() + timeoutMs;
    let answered = false;
    this.pong = () => { answered = true; };
    if (this.room) this.room.ping(() => { answered = true; });
    else this.ws.send(new Uint8Array([Protocol.PING]));
    while (!answered && this.closed === undefined && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    this.pong = undefined;
    return answered ? "pong" : this.closed !== undefined ? "closed" : "timeout";
  }

  /** Bytes queued on our side and not yet written (the fuzzer paces itself on this). */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  async leave(): Promise<void> {
    if (!this.open) return;
    if (this.room) await Promise.race([this.room.leave(true), new Promise((r) => setTimeout(r, 2000))]).catch(() => undefined);
    else this.ws.close();
  }
}

/** The SDK's encoders take a JS number; a WireFloat is sent as its value (NaN becomes 0 there). */
const wireType = (t: FuzzType): string | number => (typeof t === "object" ? t.float64 : t);

/** Polls until cond() holds; fails with `what` after `ms` (a bound on waiting, not a timing assertion). */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ---- the well-behaved client beside the fuzz ----

export class WalkerError extends Error {
  override name = "WalkerError";
}

/**
 * A person walking back and forth between two tiles at walking pace, one move at a time, each
 * checked against its `ack` (MV7). Records every echo (send → ack) in ms; any correction, a missing
 * ack or the room closing on it is an error.
 */
export class Walker {
  readonly echoesMs: number[] = [];
  /** performance.now() when each move of echoesMs was sent. */
  readonly sentAt: number[] = [];
  left: number | undefined;
  steps = 0;
  private seq = 0;
  private waiting: { seq: number; resolve: (a: ServerMessages["ack"]) => void; reject: (e: Error) => void } | undefined;
  private constructor(readonly room: Room<any, SpaceState>, private at: { x: number; y: number }, private readonly other: { x: number; y: number }, private readonly home: { x: number; y: number }) {}

  static async join(url: string, spaceId: string, name = "Walker"): Promise<Walker> {
    const room = await new Client(url).joinOrCreate(SPACE_ROOM, joinOptions({ spaceId, name }), SpaceState);
    const self = learnSelf(asSpaceRoom(room)); // IM10: who it is in the state
    room.reconnection.enabled = false;
    room.onMessage("*", () => undefined); // welcome, peers, notices…: not the walker's business
    const first = await new Promise<ServerMessages["ack"]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WalkerError(`${name}: no start tile within 10 s`)), 10_000);
      room.onMessage("ack", (a: ServerMessages["ack"]) => { clearTimeout(timer); resolve(a); });
    });
    // The space exists now (auto-created on first join): its map says where the walker can step.
    const res = await fetch(`${url}/api/spaces/${encodeURIComponent(spaceId)}/map`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new WalkerError(`${name}: map of ${spaceId}: HTTP ${res.status}`);
    const map = parseTiledMap(await res.json());
    await self;
    const start = { x: first[1], y: first[2] };
    const next = Object.values(DIR_VECTORS).map(({ dx, dy }) => ({ x: start.x + dx, y: start.y + dy })).find((t) => isWalkable(map, t.x, t.y));
    if (!next) throw new WalkerError(`${name}: no walkable tile next to the start tile ${start.x},${start.y}`);
    const walker = new Walker(room, start, next, start);
    walker.seq = first[0];
    room.onMessage("ack", (a: ServerMessages["ack"]) => walker.onAck(a));
    room.onMessage("correction", (c: ServerMessages["correction"]) => walker.fail(new WalkerError(`${name}: move ${c.seq} refused (${c.reason})`)));
    room.onLeave((code: number) => { walker.left = code; walker.fail(new WalkerError(`${name}: the room closed its connection (${code})`)); });
    return walker;
  }

  private onAck(ack: ServerMessages["ack"]) {
    const [seq, x, y] = ack;
    const w = this.waiting;
    if (!w || seq !== w.seq) return; // the seq-0 start ack, or a repeat after `history`
    this.waiting = undefined;
    if (x !== this.at.x || y !== this.at.y) w.reject(new WalkerError(`ack ${seq} puts me at ${x},${y}, I stepped to ${this.at.x},${this.at.y}`));
    else w.resolve(ack);
  }

  private fail(e: Error) {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  /** One step to the other tile; resolves with its echo in ms once acked. */
  async step(timeoutMs = 5000): Promise<number> {
    if (this.left !== undefined) throw new WalkerError(`the room closed the walker's connection (${this.left})`);
    const to = this.at.x === this.home.x && this.at.y === this.home.y ? this.other : this.home;
    this.seq = (this.seq + 1) % 65536;
    const seq = this.seq;
    const dir = dirOfDelta(to.x - this.at.x, to.y - this.at.y)!;
    this.at = to;
    const sentAt = performance.now();
    const acked = new Promise<ServerMessages["ack"]>((resolve, reject) => { this.waiting = { seq, resolve, reject }; });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new WalkerError(`move ${seq} not acked within ${timeoutMs} ms`)), timeoutMs); });
    this.room.send("move", { seq, x: to.x, y: to.y, dir });
    try {
      await Promise.race([acked, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const echo = performance.now() - sentAt;
    this.echoesMs.push(echo);
    this.sentAt.push(sentAt);
    this.steps++;
    return echo;
  }

  /** Walks, a step per STEP_MS (walking pace), while `keepGoing()`; rejects when a step fails. */
  async walkWhile(keepGoing: () => boolean): Promise<void> {
    while (keepGoing()) {
      const echo = await this.step();
      await new Promise((r) => setTimeout(r, Math.max(0, STEP_MS - echo)));
    }
  }

  async leave(): Promise<void> {
    if (this.left === undefined) await Promise.race([this.room.leave(true), new Promise((r) => setTimeout(r, 2000))]).catch(() => undefined);
  }
}
