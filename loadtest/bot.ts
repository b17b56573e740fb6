/**
 * One load-test bot connected to a space: joins like the browser does, walks with the browser's
 * MovementPredictor (shared/net/predictor.ts) as BotBehaviour decides, reconciles from the
 * server's `ack`s exactly as the browser's walk controller (client/src/space/walk.ts) does, and
 * reports sends, echoes and corrections to optional hooks (the benchmark measures through them).
 * Shared by bots.ts (@colyseus/loadtest) and bench.ts. Has no timer of its own: the caller calls
 * tick(now).
 *
 * A bot with `decodeState: false` receives every state patch (its bytes are counted like anyone's)
 * but does not decode it: walking needs only the acks, and decoding 1,000 clients' patches in one
 * process would saturate the bots' CPU long before the server's. Observers decode.
 */
import { Client } from "@colyseus/sdk";
import { SpaceState } from "../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, seqAtOrAfter, type Dir, type ServerMessages } from "../shared/protocol.ts";
import { parseTiledMap, type SpaceMap } from "../shared/map.ts";
import type { Pose } from "../shared/movement.ts";
import { MovementPredictor } from "../shared/net/predictor.ts";
import { asSpaceRoom, ignore, listen, send, type SpaceRoom } from "../shared/net/typedRoom.ts";
import { BotBehaviour, type MapFacts, type Role, type Rng } from "./behaviour.ts";

export type { SpaceRoom };

export interface BotHooks {
  /** A move with `seq` was sent at `at`. */
  sent?(bot: Bot, move: { seq: number; x: number; y: number }, at: number): void;
  /** An ack for `seq` (or a later one) arrived: sent at `sentAt`, now `at`. */
  echoed?(bot: Bot, seq: number, sentAt: number, at: number): void;
  corrected?(bot: Bot, c: ServerMessages["correction"]): void;
  /** The room closed (left on purpose or dropped for good). */
  closed?(bot: Bot, code: number): void;
}

export interface JoinBotOptions {
  spaceId: string;
  name: string;
  look: number;
  facts: MapFacts;
  role: Role;
  rng: Rng;
  /** Monotonic clock in ms (performance.now in practice). */
  now: () => number;
  joinTimeoutMs?: number;
  hooks?: BotHooks;
  /** Decode the synced state (default true). Without it `room.state` stays empty. */
  decodeState?: boolean;
}

export class BotJoinError extends Error {
  override name = "BotJoinError";
}

/** Resolves or rejects with `what` after `ms`; `onLate` receives a value that arrives too late. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, onLate?: (v: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  return Promise.race([
    p.then((v) => { if (timedOut) onLate?.(v); return v; }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => { timedOut = true; reject(new BotJoinError(`timed out after ${ms} ms: ${what}`)); }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Joins a space and waits until the own avatar is in the synced state. */
export async function joinBot(client: Client, opts: JoinBotOptions): Promise<Bot> {
  const timeoutMs = opts.joinTimeoutMs ?? 15_000;
  const deadline = opts.now() + timeoutMs;
  const joining = client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId: opts.spaceId, name: opts.name, look: opts.look, client: "bot" }, SpaceState).then(asSpaceRoom);
  const room = await withTimeout(joining, timeoutMs, `${opts.name} joining ${opts.spaceId}`, (late) => void late.leave().catch(() => undefined));
  const bot = new Bot(room, opts);
  try {
    await withTimeout(bot.ready, Math.max(1, deadline - opts.now()), `${opts.name} gets its start tile`);
  } catch (err) {
    await bot.leave(2000);
    throw err;
  }
  return bot;
}

export class Bot {
  /** Its person key in the room (IM10), from `welcome` (which comes before the first ack). */
  key = "";
  readonly behaviour: BotBehaviour;
  /** Resolves once the start tile arrived (the first ack) and the predictor exists. */
  readonly ready: Promise<void>;
  predictor: MovementPredictor | undefined;
  closed = false;
  corrections = 0;
  chatsSent = 0;
  /** Sent moves not yet acknowledged, oldest first (bounded: the predictor's pending list is too). */
  private unacked: { seq: number; at: number }[] = [];
  private markReady!: () => void;

  constructor(readonly room: SpaceRoom, private readonly opts: JoinBotOptions) {
    this.behaviour = new BotBehaviour(opts.facts, opts.role, opts.rng, opts.now());
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    if (opts.decodeState === false) {
      const serializer = (room as unknown as { serializer?: { setState(...a: unknown[]): void; patch(...a: unknown[]): void } }).serializer;
      if (serializer) { serializer.setState = () => undefined; serializer.patch = () => undefined; }
    }
    listen(room, {
      ack: ([seq, x, y, dir]) => this.onAck(seq, { x, y, dir }),
      welcome: (w) => { this.key = w.you; },
      correction: (c) => {
        this.corrections++;
        this.predictor?.acknowledge(c.seq, { x: c.x, y: c.y, dir: c.dir });
        this.behaviour.replan();
        this.opts.hooks?.corrected?.(this, c);
      },
      // Bots ignore everything else the room says (notices, and messages of features they don't use).
      ...ignore("notice", "peers", "signal", "chat", "chatHistory", "located", "built", "announcement", "av", "knock", "knockOutcome", "free"),
    });
    // And whatever a newer server might add, without a warning per bot.
    room.onMessage("*", () => undefined);
    room.onLeave((code: number) => {
      this.closed = true;
      this.opts.hooks?.closed?.(this, code);
    });
  }

  get pose(): Pose | undefined { return this.predictor?.pose; }

  private onAck(seq: number, server: Pose) {
    if (!this.predictor) {
      this.predictor = new MovementPredictor(this.opts.facts.map, server);
      this.predictor.acknowledge(seq, server);
      this.markReady();
      return;
    }
    this.predictor.acknowledge(seq, server);
    if (this.unacked.length === 0) return;
    const at = this.opts.now();
    let n = 0;
    while (n < this.unacked.length && seqAtOrAfter(seq, this.unacked[n].seq)) {
      this.opts.hooks?.echoed?.(this, this.unacked[n].seq, this.unacked[n].at, at);
      n++;
    }
    if (n > 0) this.unacked.splice(0, n);
  }

  /** Does what the behaviour wants at `now`: maybe one step. Returns "leave" when the bot wants to go. */
  tick(now: number): "ok" | "leave" {
    if (this.closed || !this.predictor) return "ok";
    const d = this.behaviour.decide(now, this.predictor.pose);
    if (d.kind === "leave") return "leave";
    const line = this.behaviour.chat(now);
    if (line) {
      send(this.room, "chat", line);
      this.chatsSent++;
    }
    if (d.kind === "step" && !this.sendMove(d.to, now)) this.behaviour.replan();
    return "ok";
  }

  /** Sends one move (a step or a turn) through the predictor; false when it would be refused. */
  sendMove(to: Pose, now: number): boolean {
    const msg = this.closed ? undefined : this.predictor?.move(to);
    if (!msg) return false;
    send(this.room, "move", msg);
    if (this.unacked.length >= 256) this.unacked.shift(); // never grows without bound
    this.unacked.push({ seq: msg.seq, at: now });
    this.opts.hooks?.sent?.(this, msg, now);
    return true;
  }

  /** Leaves the room; resolves within `timeoutMs` whatever the server does. */
  async leave(timeoutMs = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await withTimeout(this.room.leave(true), timeoutMs, `${this.opts.name} leaving`);
    } catch {
      try { this.room.connection?.close(); } catch { /* already closed */ }
    }
  }
}

/** `ws://host:port` or `http://host:port` → `http://host:port` (for the HTTP API). */
export function httpBase(endpoint: string): string {
  const u = new URL(endpoint);
  const scheme = u.protocol === "wss:" || u.protocol === "https:" ? "https:" : "http:";
  return `${scheme}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

/** The space's map as the server serves it to browsers (so bots walk the same walls). */
export async function fetchSpaceMap(endpoint: string, spaceId: string, timeoutMs = 10_000): Promise<SpaceMap> {
  const res = await fetch(`${httpBase(endpoint)}/api/spaces/${encodeURIComponent(spaceId)}/map`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`map of space "${spaceId}" not available: HTTP ${res.status}`);
  return parseTiledMap(await res.json());
}
