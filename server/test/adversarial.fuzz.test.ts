/**
 * BI4 under attack: what an attacker would throw at a space room — every message type that means
 * something to Colyseus or to JavaScript ("*", "__proto__", "", NaN…) and every real one, with
 * payloads of every shape, through the SDK (`send`, `request`, `sendBytes`) and as hand-built
 * WebSocket frames (every protocol code, truncated headers, garbage, frames before the join is
 * confirmed) — while a well-behaved walker keeps walking and a bystander keeps watching.
 *
 * After every batch (BI4, SE1): the process is up (/healthz 200), the room is the same room, the
 * walker is still seated and every one of its moves was acked, the bystander was never
 * disconnected and still gets patches, a newcomer can join, and fuzzers were only ever let go with
 * BI1/BI2's close codes, Colyseus's own for a frame it cannot decode, or on their own LEAVE_ROOM.
 *
 * The server runs as a child process, so a crash fails the test with "the server process exited"
 * and its last output instead of taking vitest down with it. Frames are seeded (mulberry32): a
 * failure prints its seed; `FUZZ_SEED=<seed> npx vitest run server/test/adversarial.fuzz.test.ts`
 * runs that seed again, and seeds that found something are kept below as regression tests. (The
 * frames of a seed are fixed; where a seat ends and how the lanes interleave on the wire are not.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Client, type Room } from "@colyseus/sdk";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { SpaceState } from "../../shared/state.ts";
import { asSpaceRoom, learnSelf, selfOf } from "../../shared/net/typedRoom.ts";
import {
  FUZZER_CLOSE_CODES, FuzzSeat, REAL_TYPES, SPECIAL_TYPES, UNSTRINGIFIABLE, Walker, describeFrame, frameBytes, mulberry32,
  nextFrame, payloadFor, roomBytesFrame, roomDataFrame, roomRequestFrame, until, type FuzzFrame, type FuzzType, FRAME_BUDGET,
} from "./fuzzFrames.ts";

/**
 * Seeds kept as regression tests. Each brought the process down before the frame gate (SE1), when
 * SpaceRoom's "*" handler did `String(type)` on whatever Colyseus passed it as the type — for a
 * frame of type "*", the payload. Noted: the first such frame in their lanes.
 */
const KEPT_SEEDS = [
  0x5eed0001, // raw ROOM_DATA "*" { toString: 'x', valueOf: [] }, 48 frames into lane 0
  0x0badf00d, // raw ROOM_DATA "*" { toString: {}, valueOf: {} }, 5 frames into lane 0
  0x00c0ffee, // raw ROOM_DATA "*" { toString: 1 }, 6 frames into lane 0
  0x5eed0017, // and room.send("*", [[[[…{ toString: 1 }…]]]]) in lane 1: String() of an array joins its items
];
const FRAMES_PER_KEPT_SEED = 500;
const FRAMES_FOR_NEW_SEED = 800;
/** Concurrent fuzzing seats (each re-joined when kicked). */
const LANES = 5;

const SPACE = "fuzz-arena";

let server: ServerChild | undefined;
let walker: Walker;
let bystander: Room<any, SpaceState>;
let bystanderLeft: number | undefined;
let roomId: string;

function processAlive(s: ServerChild | undefined): boolean {
  if (!s?.pid) return false;
  try {
    process.kill(s.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthz(s: ServerChild): Promise<number | string> {
  try {
    return (await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(3000) })).status;
  } catch (e) {
    return String((e as Error).cause ?? e);
  }
}

/** Starts a process with the walker and the bystander in the fuzz space, unless one is up. */
async function ensureWorld() {
  if (server && processAlive(server) && (await healthz(server)) === 200) return;
  await server?.stop();
  // All seats come from 127.0.0.1: lift the per-address seat limit (SE7, tested on its own).
  server = await startServerChild({ env: { LOG_LEVEL: "fatal", SEATS_PER_ADDRESS: "100000" } });
  walker = await Walker.join(server.url, SPACE, "Walker");
  roomId = walker.room.roomId;
  bystanderLeft = undefined;
  bystander = await new Client(server.url).joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: SPACE, name: "Bystander", look: 1, client: "bot" }, SpaceState);
  bystander.reconnection.enabled = false;
  bystander.onMessage("*", () => undefined);
  bystander.onLeave((code: number) => { bystanderLeft = code; });
}

beforeAll(ensureWorld, 60_000);
beforeEach(ensureWorld, 60_000);
afterAll(async () => {
  await walker?.leave();
  await bystander?.leave().catch(() => undefined);
  await server?.stop();
});

/**
 * What a failure message needs to be read without re-running. 4103 (MOVED) to a seated client
 * means its process is draining: Colyseus turns an uncaught exception into a graceful shutdown,
 * so after a crash the process first closes everyone with 4103, then exits (code 1).
 */
async function postMortem(extra: string): Promise<string> {
  await until(() => !processAlive(server), "a draining process exits", 8000).catch(() => undefined);
  const alive = processAlive(server);
  return [
    extra,
    alive ? "server process: alive" : "server process: EXITED (the fuzz took the whole process down)",
    `server output (tail):\n${(server?.output() ?? "").slice(-2500).trim() || "(nothing)"}`,
  ].join("\n");
}

/**
 * The frames a lane sent: the last few are printed, all are replayed to find a culprit (after a
 * crash, a lane that floods keeps sending until the process closes its seat: the culprit can be
 * hundreds of frames back).
 */
class LaneLog {
  readonly frames: { seat: string; frame: FuzzFrame }[] = [];
  push(seat: string, frame: FuzzFrame) {
    this.frames.push({ seat, frame });
  }
  toString() {
    return this.frames.slice(-6).map((f) => `    ${f.seat}: ${describeFrame(f.frame)}`).join("\n");
  }
}

interface Tally { frames: number; seats: number; closes: Map<number, number>; unexpected: string[] }

function tallied(): Tally {
  return { frames: 0, seats: 0, closes: new Map(), unexpected: [] };
}

function noteClose(t: Tally, seat: FuzzSeat, last: string) {
  if (seat.closed === undefined) return;
  t.closes.set(seat.closed, (t.closes.get(seat.closed) ?? 0) + 1);
  if (!FUZZER_CLOSE_CODES.has(seat.closed)) t.unexpected.push(`${seat.kind} seat closed with ${seat.closed} after: ${last}`);
}

let seatNo = 0;
/** A new fuzzing seat: the SDK's, a raw socket, or a raw socket that never confirms the join. */
function joinSeat(kind: number): Promise<FuzzSeat> {
  const o = { spaceId: SPACE, name: `Fuzzer ${++seatNo % 1000}` };
  const url = server!.url;
  return kind === 0 ? FuzzSeat.joinSdk(url, o) : FuzzSeat.joinRaw(url, o, kind === 1);
}

/**
 * The room must be unharmed (BI4): process up, same room, walker seated and acked, bystander
 * connected and still in sync, a newcomer admitted, fuzzers only let go with BI1–BI3's codes.
 */
async function expectUnharmed(what: string, t: Tally) {
  if (process.env.FUZZ_VERBOSE) console.log(`${what}: ${t.frames} frames on ${t.seats} seats, seats let go with ${JSON.stringify([...t.closes])}, walker ${walker.steps} steps acked`);
  const status = await healthz(server!);
  if (status !== 200) throw new Error(await postMortem(`${what}: /healthz answered ${status}`));
  if (t.unexpected.length > 0) throw new Error(await postMortem(`${what}: fuzzers let go with unexpected close codes: ${t.unexpected.join("; ")}`));
  if (walker.left !== undefined) throw new Error(await postMortem(`${what}: the walker was disconnected (${walker.left})`));
  if (bystanderLeft !== undefined) throw new Error(await postMortem(`${what}: the bystander was disconnected (${bystanderLeft})`));
  for (let i = 0; i < 2; i++) await walker.step(); // its moves are still acked
  const me = selfOf(asSpaceRoom(walker.room));
  await until(() => bystander.state.people?.get(me) !== undefined, `${what}: the bystander still sees the walker`, 10_000);
  const fresh = await new Client(server!.url).joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: SPACE, name: "Newcomer", look: 2, client: "bot" }, SpaceState);
  const freshSelf = learnSelf(asSpaceRoom(fresh));
  fresh.onMessage("*", () => undefined);
  try {
    expect(fresh.roomId, `${what}: a newcomer lands in the same room (it was not disposed)`).toBe(roomId);
    await until(() => fresh.state.people?.get(me) !== undefined, `${what}: the newcomer sees the walker`, 10_000);
    // The room still patches everyone: the bystander learns of the newcomer.
    await freshSelf;
    await until(() => bystander.state.people?.get(selfOf(asSpaceRoom(fresh))) !== undefined, `${what}: the bystander sees the newcomer arrive`, 10_000);
  } finally {
    await fresh.leave().catch(() => undefined);
  }
}

/**
 * Fuzz: LANES seats at once, each sending its share of `total` seeded frames at a pace of its own
 * (bursts that trip the flood guard, or steady enough to be parsed), re-joining when let go, while
 * the walker walks. Resolves with what happened; throws with the seed and the last frames of each
 * lane when the server stops answering.
 */
async function fuzz(seed: number, total: number): Promise<Tally> {
  const t = tallied();
  const logs = Array.from({ length: LANES }, () => new LaneLog());
  let stop: string | undefined;
  const walking = walker.walkWhile(() => stop === undefined).catch((e: Error) => { stop ??= `walker: ${e.message}`; });

  const lane = async (i: number) => {
    // Two streams per lane: the frames (fixed by the seed) and the seats' kind and pace (drawn
    // whenever the room lets a seat go, which depends on the server, so kept apart from the frames).
    const laneSeed = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
    const rng = mulberry32(laneSeed);
    const seats = mulberry32(laneSeed ^ 0x5ea75ea7);
    let left = Math.ceil(total / LANES);
    let pending: FuzzFrame | undefined; // drawn, but its seat closed first: the next seat sends it
    while (left > 0 && stop === undefined) {
      const kind = seats() < 0.6 ? 0 : seats() < 0.6 ? 1 : 2;
      let seat: FuzzSeat;
      try {
        seat = await joinSeat(kind);
      } catch (e) {
        stop ??= `lane ${i}: could not join (${(e as Error).message})`;
        return;
      }
      t.seats++;
      // 0: as fast as the socket takes them (floods: BI1 lets go of it); else ms between frames.
      const pace = [0, 0, 5, 10, 25][Math.floor(seats() * 5)];
      let last = "(nothing yet)";
      while (left > 0 && seat.open && stop === undefined) {
        const f = pending ?? nextFrame(rng);
        pending = undefined;
        if (!seat.deliver(f)) {
          if (seat.open) left--; // cannot be encoded at all: skip it
          else pending = f;
          continue;
        }
        last = describeFrame(f);
        logs[i].push(`${seat.kind}#${seat.sessionId}`, f);
        t.frames++;
        left--;
        if (pace > 0) await new Promise((r) => setTimeout(r, pace));
        else if (t.frames % 16 === 0 || seat.buffered > 64 * 1024) await new Promise((r) => setImmediate(r));
      }
      // A seat the room let go: wait for its close code (bounded), to check it below.
      await until(() => seat.closed !== undefined || seat.open, "seat settles", 2000).catch(() => undefined);
      noteClose(t, seat, last);
      if (seat.closed !== undefined && !FUZZER_CLOSE_CODES.has(seat.closed)) stop ??= `lane ${i}: seat closed with ${seat.closed}`;
      await seat.leave();
    }
  };
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
  const doneWalking = stop;
  stop ??= "done";
  await walking;
  if (doneWalking !== undefined || t.unexpected.length > 0 || !processAlive(server)) {
    const report = await postMortem([
      `fuzz seed ${seed} (0x${seed.toString(16)}) failed: ${doneWalking ?? t.unexpected[0] ?? "server exited"}`,
      `reproduce: FUZZ_SEED=${seed} npx vitest run server/test/adversarial.fuzz.test.ts`,
      `after ${t.frames} frames on ${t.seats} seats; close codes ${JSON.stringify([...t.closes])}`,
      ...logs.map((r, i) => `  lane ${i}, last frames:\n${r}`),
    ].join("\n"));
    throw new Error(`${report}\n${await triage(logs)}`);
  }
  return t;
}

/**
 * Frames one at a time, each followed by a PING round trip on its seat, so a casualty names its
 * frame exactly. Seats are re-joined every few frames to stay within the message budget (BI1), so
 * that every frame is one the room actually parses.
 */
async function oneByOne(what: string, frames: FuzzFrame[]): Promise<Tally> {
  const { t, failure } = await replay(frames);
  if (failure !== undefined) throw new Error(await postMortem(`${what}: ${failure}`));
  return t;
}

async function replay(frames: FuzzFrame[]): Promise<{ t: Tally; failure?: string }> {
  const t = tallied();
  let seat: FuzzSeat | undefined;
  let onSeat = 0;
  let stop: string | undefined;
  let label = "(no frame yet)";
  const walking = walker.walkWhile(() => stop === undefined).catch((e: Error) => { stop ??= `walker: ${e.message}`; });
  try {
    for (const [n, f] of frames.entries()) {
      if (stop !== undefined) break;
      if (!seat?.open || onSeat >= 12) {
        if (seat) { noteClose(t, seat, "(rotated)"); await seat.leave(); }
        try {
          seat = await joinSeat(t.seats++ % 3);
        } catch (e) {
          stop = `${label} → then no one could join: ${(e as Error).message}`;
          break;
        }
        onSeat = 0;
      }
      onSeat++;
      label = `${seat.kind} seat, frame ${n}: ${describeFrame(f)}`;
      if (!seat.deliver(f)) continue;
      t.frames++;
      const rt = await seat.roundTrip();
      if (seat.closed !== undefined) noteClose(t, seat, label);
      if (seat.closed !== undefined && !FUZZER_CLOSE_CODES.has(seat.closed)) stop = `${label} → the room closed the seat with ${seat.closed}`;
      else if (rt === "timeout") stop = `${label} → no answer to the PING that followed it`;
      if (stop === undefined && !processAlive(server)) stop = `${label} → the server process exited`;
    }
  } finally {
    stop ??= "done";
    await walking;
    if (seat?.open) await seat.leave();
  }
  return stop === "done" ? { t } : { t, failure: stop };
}

/**
 * After a fuzz run went wrong: replays the lanes' frames one by one on a fresh process, so the
 * report names a frame that does it (when one frame alone does).
 */
async function triage(logs: LaneLog[]): Promise<string> {
  try {
    await ensureWorld();
    const { failure } = await replay(logs.flatMap((r) => r.frames.map((f) => f.frame)));
    return failure === undefined
      ? "triage: replaying the frames one by one on a fresh process hurt nothing (it takes their interleaving)"
      : `triage, replayed one by one on a fresh process — culprit: ${failure}`;
  } catch (e) {
    return `triage failed: ${(e as Error).message}`;
  }
}

/** `[[[…v…]]]`, `depth` levels deep. */
function nested(depth: number, v: unknown): unknown {
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe("BI4 adversarial fuzz: nothing a client sends hurts the room or anyone else in it", () => {
  it("the frame streams are seeded: same seed, same frames, every one within the frame budget", () => {
    const stream = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 300 }, () => nextFrame(rng));
    };
    for (const seed of [1, 2, ...KEPT_SEEDS]) {
      const a = stream(seed);
      expect(a.map(describeFrame)).toEqual(stream(seed).map(describeFrame));
      for (const f of a) expect(frameBytes(f)).toBeLessThanOrEqual(FRAME_BUDGET);
    }
  });

  it("BI4 regression: type \"*\" with a payload that cannot become a string (Colyseus hands the catch-all the payload as its type)", async () => {
    const frames: FuzzFrame[] = [];
    for (const payload of UNSTRINGIFIABLE) {
      for (const p of [payload, [payload], [[payload]], { a: payload }]) {
        frames.push({ via: "send", type: "*", payload: p });
        frames.push({ via: "request", type: "*", payload: p });
        frames.push({ via: "bytes", type: "*", bytes: roomDataFrame("*", p)!.subarray(3) });
        frames.push({ via: "raw", what: `ROOM_DATA "*" ${JSON.stringify(Object.keys(p as object))}`, data: roomDataFrame("*", p)! });
        frames.push({ via: "raw", what: `ROOM_REQUEST #9 "*"`, data: roomRequestFrame(9, "*", p)! });
      }
    }
    const t = await oneByOne("\"*\" with unstringifiable payloads", frames);
    await expectUnharmed("after the \"*\" frames", t);
  }, 60_000);

  it("BI4 regression: every special type name (\"*\", \"__proto__\", \"constructor\", \"\", 3,500 characters, NaN…) with poison, empty and random payloads", async () => {
    const rng = mulberry32(0x7e5e7);
    const frames: FuzzFrame[] = [];
    for (const type of SPECIAL_TYPES) {
      for (const payload of [UNSTRINGIFIABLE[0], undefined, null, payloadFor(type, rng)]) {
        frames.push({ via: "send", type, payload });
        frames.push({ via: "raw", what: `ROOM_DATA ${String(type).slice(0, 12)}`, data: roomDataFrame(type, payload) ?? roomDataFrame(type, null)! });
      }
      frames.push({ via: "request", type, payload: null });
      frames.push({ via: "raw", what: `ROOM_DATA_BYTES ${String(type).slice(0, 12)}`, data: roomBytesFrame(type, new Uint8Array([0x81, 0xa8, 0x74])) });
    }
    const fitting = frames.filter((f) => (frameBytes(f) ?? Infinity) <= FRAME_BUDGET);
    expect(fitting.length).toBeGreaterThan(SPECIAL_TYPES.length * 8);
    const t = await oneByOne("special type names", fitting);
    await expectUnharmed("after the special type names", t);
  }, 60_000);

  it("BI2/BI4 regression: every real type with malformed payloads (wrong types, extra fields, huge arrays, deep nesting, null, undefined, binary)", async () => {
    const rng = mulberry32(0x4ea1);
    const frames: FuzzFrame[] = [];
    for (const type of REAL_TYPES as FuzzType[]) {
      const shapes: unknown[] = [
        null, undefined, 0, "", [], {}, true, new Uint8Array([1, 2, 3]), new Array(3000).fill(0), "s".repeat(3500),
        UNSTRINGIFIABLE[1], { seq: { toString: 1 }, x: [], y: null, dir: "up", extra: 1 }, { scope: "dm", text: { valueOf: {} } },
        { ref: 2 ** 31 + 1, op: { op: "paint", paint: "wood", tiles: new Array(600).fill([1, 1]) } },
        nested(24, { toString: 1 }),
        payloadFor(type, rng), payloadFor(type, rng), payloadFor(type, rng),
      ];
      for (const payload of shapes) frames.push({ via: "send", type, payload });
      frames.push({ via: "bytes", type, bytes: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) });
      frames.push({ via: "request", type, payload: payloadFor(type, rng) });
    }
    const fitting = frames.filter((f) => (frameBytes(f) ?? Infinity) <= FRAME_BUDGET);
    const t = await oneByOne("malformed real messages", fitting);
    await expectUnharmed("after the malformed real messages", t);
  }, 60_000);

  for (const seed of KEPT_SEEDS) {
    it(`BI4 kept seed 0x${seed.toString(16)}: ${FRAMES_PER_KEPT_SEED} frames over ${LANES} seats while someone walks`, async () => {
      const t = await fuzz(seed, FRAMES_PER_KEPT_SEED);
      await expectUnharmed(`after seed 0x${seed.toString(16)}`, t);
    }, 60_000);
  }

  const fresh = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Math.random() * 2 ** 32) >>> 0;
  it(`BI4 new seed ${fresh} (0x${fresh.toString(16)}): ${FRAMES_FOR_NEW_SEED} frames`, async () => {
    const t = await fuzz(fresh, FRAMES_FOR_NEW_SEED);
    await expectUnharmed(`after seed ${fresh}`, t);
    expect(t.frames).toBeGreaterThan(FRAMES_FOR_NEW_SEED * 0.8);
  }, 60_000);
});
