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
 * process would saturate the bots' CPU long before the server's. Observers decode. A wire bot
 * (joinWireBot) goes further: no SDK at all, a bare `ws` socket speaking the Colyseus wire protocol
 * (wire.ts), so 2,000 of them fit on one core.
 */
import { Client } from "@colyseus/sdk";
import { SpaceState } from "../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, seqAtOrAfter, type ClientMessageType, type ClientMessages, type Dir, type ServerMessages } from "../shared/protocol.ts";
import { parseTiledMap, type SpaceMap } from "../shared/map.ts";
import { compileWorld, templateEntities, worldFromRows } from "../shared/world.ts";
import type { Pose } from "../shared/movement.ts";
import { MovementPredictor } from "../shared/net/predictor.ts";
import { asSpaceRoom, ignore, listen, send, type SpaceRoom } from "../shared/net/typedRoom.ts";
import { BotBehaviour, type MapFacts, type Role, type Rng } from "./behaviour.ts";
import { bytesOf, takeEarlyMessages, type ByteCounter, type KindTally } from "./meter.ts";
import { WireRoom } from "./wire.ts";

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

function joinOptions(opts: JoinBotOptions) {
  return { protocol: PROTOCOL_VERSION, spaceId: opts.spaceId, name: opts.name, look: opts.look, client: "bot" };
}

/** Waits (within what is left of the join timeout) for the start tile; leaves if it never comes. */
async function awaitStart<B extends Bot>(bot: B, opts: JoinBotOptions, deadline: number): Promise<B> {
  try {
    await withTimeout(bot.ready, Math.max(1, deadline - opts.now()), `${opts.name} gets its start tile`);
  } catch (err) {
    await bot.leave(2000);
    throw err;
  }
  return bot;
}

/** Joins a space with the SDK and waits until the own avatar is in the synced state. */
export async function joinBot(client: Client, opts: JoinBotOptions): Promise<SdkBot> {
  const timeoutMs = opts.joinTimeoutMs ?? 15_000;
  const deadline = opts.now() + timeoutMs;
  const joining = client.joinOrCreate(SPACE_ROOM, joinOptions(opts), SpaceState).then(asSpaceRoom);
  const room = await withTimeout(joining, timeoutMs, `${opts.name} joining ${opts.spaceId}`, (late) => void late.leave().catch(() => undefined));
  return awaitStart(new SdkBot(room, opts), opts, deadline);
}

/** Joins a space over a bare socket (wire.ts): acks and corrections only, no state decoded. */
export async function joinWireBot(base: string, opts: JoinBotOptions, tally?: KindTally): Promise<Bot> {
  const timeoutMs = opts.joinTimeoutMs ?? 15_000;
  const deadline = opts.now() + timeoutMs;
  const joining = WireRoom.join(base, SPACE_ROOM, joinOptions(opts), tally, timeoutMs);
  const room = await withTimeout(joining, timeoutMs, `${opts.name} joining ${opts.spaceId}`, (late) => void late.leave());
  return awaitStart(new Bot(wireLink(room), opts), opts, deadline);
}

/** What a bot needs of its connection, whether the SDK's room or a bare wire. */
export interface BotLink {
  readonly sessionId: string;
  send<K extends ClientMessageType>(type: K, msg: ClientMessages[K]): void;
  onAck(handler: (ack: ServerMessages["ack"]) => void): void;
  /** `welcome`: it names the bot's person key (IM10), before the first ack. */
  onWelcome(handler: (w: ServerMessages["welcome"]) => void): void;
  onCorrection(handler: (c: ServerMessages["correction"]) => void): void;
  onLeave(handler: (code: number) => void): void;
  leave(): Promise<unknown>;
  close(): void;
  /** Frames and bytes in and out, when counted (a MeteredClient's room, or any wire). */
  readonly bytes: ByteCounter | undefined;
}

function wireLink(room: WireRoom): BotLink {
  return {
    sessionId: room.sessionId,
    send: (type, msg) => room.send(type, msg),
    onAck: (h) => room.on("ack", h),
    onWelcome: (h) => room.on("welcome", h),
    onCorrection: (h) => room.on("correction", h),
    onLeave: (h) => room.onLeave(h),
    leave: () => room.leave(),
    close: () => room.close(),
    bytes: room.counter,
  };
}

function sdkLink(room: SpaceRoom): BotLink {
  let ack: (a: ServerMessages["ack"]) => void = () => undefined;
  let welcome: (w: ServerMessages["welcome"]) => void = () => undefined;
  let correction: (c: ServerMessages["correction"]) => void = () => undefined;
  listen(room, {
    ack: (a) => ack(a),
    welcome: (w) => welcome(w),
    correction: (c) => correction(c),
    // Bots ignore everything else the room says (notices, and messages of features they don't use).
    ...ignore("notice", "peers", "signal", "chat", "chatHistory", "located", "built", "announcement", "av", "knock", "knockOutcome", "free"),
  });
  // And whatever a newer server might add, without a warning per bot.
  room.onMessage("*", () => undefined);
  const early = takeEarlyMessages(room);
  return {
    sessionId: room.sessionId,
    send: (type, msg) => send(room, type, msg),
    onAck: (h) => {
      ack = h;
      for (const [type, msg] of early) if (type === "ack") h(msg as ServerMessages["ack"]);
    },
    onWelcome: (h) => {
      welcome = h;
      for (const [type, msg] of early) if (type === "welcome") h(msg as ServerMessages["welcome"]);
    },
    onCorrection: (h) => {
      correction = h;
      for (const [type, msg] of early) if (type === "correction") h(msg as ServerMessages["correction"]);
    },
    onLeave: (h) => { room.onLeave(h); },
    leave: () => room.leave(true),
    close: () => room.connection?.close(),
    get bytes() { return bytesOf(room); },
  };
}

export class Bot {
  readonly sessionId: string;
  /** Its person key in the room (IM10): what keys its avatar in others' state. From `welcome`, before the first ack. */
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

  constructor(readonly link: BotLink, protected readonly opts: JoinBotOptions) {
    this.sessionId = link.sessionId;
    this.behaviour = new BotBehaviour(opts.facts, opts.role, opts.rng, opts.now());
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    link.onWelcome((w) => { this.key = w.you; });
    link.onAck(([seq, x, y, dir]) => this.onAck(seq, { x, y, dir }));
    link.onCorrection((c) => {
      this.corrections++;
      this.predictor?.acknowledge(c.seq, { x: c.x, y: c.y, dir: c.dir });
      this.behaviour.replan();
      this.opts.hooks?.corrected?.(this, c);
    });
    link.onLeave((code: number) => {
      this.closed = true;
      this.opts.hooks?.closed?.(this, code);
    });
  }

  /** Bytes and frames of this bot's connection, when counted. */
  get bytes(): ByteCounter | undefined { return this.link.bytes; }

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
      this.link.send("chat", line);
      this.chatsSent++;
    }
    if (d.kind === "step" && !this.sendMove(d.to, now)) this.behaviour.replan();
    return "ok";
  }

  /** Sends one move (a step or a turn) through the predictor; false when it would be refused. */
  sendMove(to: Pose, now: number): boolean {
    const msg = this.closed ? undefined : this.predictor?.move(to);
    if (!msg) return false;
    this.link.send("move", msg);
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
      await withTimeout(this.link.leave(), timeoutMs, `${this.opts.name} leaving`);
    } catch {
      try { this.link.close(); } catch { /* already closed */ }
    }
  }
}

/** A bot on the SDK: its room holds the synced state (unless `decodeState: false`). */
export class SdkBot extends Bot {
  constructor(readonly room: SpaceRoom, opts: JoinBotOptions) {
    super(sdkLink(room), opts);
    if (opts.decodeState === false) {
      const serializer = (room as unknown as { serializer?: { setState(...a: unknown[]): void; patch(...a: unknown[]): void } }).serializer;
      if (serializer) { serializer.setState = () => undefined; serializer.patch = () => undefined; }
    }
  }
}

/** `ws://host:port` or `http://host:port` → `http://host:port` (for the HTTP API). */
export function httpBase(endpoint: string): string {
  const u = new URL(endpoint);
  const scheme = u.protocol === "wss:" || u.protocol === "https:" ? "https:" : "http:";
  return `${scheme}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

/**
 * The space's map as the server serves it to browsers, with the furniture its template starts with
 * (BM8: a template's furniture is content, not tiles), so bots walk around the same walls and
 * tables as the server checks. Bench spaces are never edited, so the template's content is theirs.
 */
export async function fetchSpaceMap(endpoint: string, spaceId: string, timeoutMs = 10_000): Promise<SpaceMap> {
  const res = await fetch(`${httpBase(endpoint)}/api/spaces/${encodeURIComponent(spaceId)}/map`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`map of space "${spaceId}" not available: HTTP ${res.status}`);
  return spaceMapOf(await res.json());
}

/** What people walk on in a new space made from this Tiled map: its tiles and its template furniture. Pure. */
export function spaceMapOf(tmj: unknown): SpaceMap {
  const base = parseTiledMap(tmj);
  return compileWorld(base, worldFromRows(0, templateEntities(tmj, base)));
}
