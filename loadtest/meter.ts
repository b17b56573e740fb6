/**
 * Measuring instruments of the benchmark: a Colyseus Client whose rooms count every WebSocket
 * frame in and out (from the very first frame, so join handshakes and full states count), and a
 * latency recorder with bounded memory.
 */
import { Client, type Room } from "@colyseus/sdk";
import type { SchemaConstructor } from "@colyseus/sdk/serializer/SchemaSerializer";
import type { Rng } from "./behaviour.ts";

/** Bytes of a WebSocket frame header for a payload of `len` bytes (RFC 6455 §5.2). */
export function frameHeaderBytes(len: number, masked: boolean): number {
  return (len < 126 ? 2 : len < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/** Counters of one connection: whole frames (payload + header), client's view. */
export interface ByteCounter { bytesIn: number; bytesOut: number; framesIn: number; framesOut: number }

interface MinimalSocket {
  addEventListener(type: "message", fn: (ev: { data: unknown }) => void): void;
  send(data: unknown): void;
}

function payloadBytes(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof Blob) return data.size;
  return 0;
}

/**
 * What a server→client frame is, for the downstream breakdown: "patch", "state", a message's type
 * name (schema string encoding: a 0xa0|length byte, then the name) or "data#N" for a numeric type,
 * else "other".
 */
export function frameKind(bytes: Uint8Array): string {
  const code = (bytes[0] ?? 0) & 0x1f;
  if (code === 15) return "patch";
  if (code === 14) return "state";
  if (code === 13 && bytes.length > 1) {
    const b = bytes[1];
    if ((b & 0xe0) === 0xa0) return Buffer.from(bytes.subarray(2, 2 + (b & 0x1f))).toString("utf8");
    if (b < 0x80) return `data#${b}`;
  }
  return "other";
}

/** Downstream bytes (headers included) by frameKind, summed over every connection while `counting()`. */
export class KindTally {
  readonly bytes = new Map<string, number>();

  constructor(private readonly counting: () => boolean) {}

  add(data: unknown, n: number) {
    if (!this.counting()) return;
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
    const kind = view ? frameKind(view) : "other";
    this.bytes.set(kind, (this.bytes.get(kind) ?? 0) + n);
  }
}

const counters = new WeakMap<Room<any, any>, ByteCounter>();
/** Messages a MeteredClient's room received before anyone listened to their type (see takeEarlyMessages). */
const earlyMessages = new WeakMap<Room<any, any>, { messages: [string, unknown][]; stop: () => void }>();
const EARLY_KEPT = 16;

/**
 * The messages a MeteredClient's room received before its first specific handlers existed (the
 * server may send in the same TCP read as the join's answer, before `joinOrCreate` resolved to
 * the caller), and stops keeping them. Empty for other rooms.
 */
export function takeEarlyMessages(room: Room<any, any>): [string, unknown][] {
  const early = earlyMessages.get(room);
  if (!early) return [];
  early.stop();
  earlyMessages.delete(room);
  return early.messages;
}

/** The byte counter of a room created by a MeteredClient. */
export function bytesOf(room: Room<any, any>): ByteCounter | undefined {
  return counters.get(room);
}

/**
 * A Client whose rooms hook their socket right after it is created (Room.connect is synchronous
 * and no frame can arrive before it returns). Server→client frames are unmasked, client→server
 * frames masked; the header sizes are added to the payload sizes.
 */
export class MeteredClient extends Client {
  constructor(endpoint: string, private readonly tally?: KindTally) {
    super(endpoint);
  }

  protected override createRoom<T>(roomName: string, rootSchema?: SchemaConstructor<T>): Room<any, T> {
    const room = super.createRoom<T>(roomName, rootSchema);
    const counter: ByteCounter = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
    counters.set(room, counter);
    const messages: [string, unknown][] = [];
    const stop = room.onMessage("*", (type: string | number, msg: unknown) => { if (messages.length < EARLY_KEPT) messages.push([String(type), msg]); });
    earlyMessages.set(room, { messages, stop });
    const connect = room.connect.bind(room);
    room.connect = (endpoint: string, options?: unknown, headers?: unknown) => {
      connect(endpoint, options, headers);
      const ws = (room.connection?.transport as unknown as { ws?: MinimalSocket } | undefined)?.ws;
      if (!ws) return;
      ws.addEventListener("message", (ev) => {
        const n = payloadBytes(ev.data);
        counter.bytesIn += n + frameHeaderBytes(n, false);
        this.tally?.add(ev.data, n + frameHeaderBytes(n, false));
        counter.framesIn++;
      });
      const send = ws.send.bind(ws);
      ws.send = (data: unknown) => {
        const n = payloadBytes(data);
        counter.bytesOut += n + frameHeaderBytes(n, true);
        counter.framesOut++;
        send(data);
      };
    };
    return room;
  }
}

/**
 * Latency samples with bounded memory: keeps every sample up to `capacity`, then a uniform
 * reservoir sample (Algorithm R) of all of them; counts and max are exact.
 */
export class LatencyRecorder {
  private readonly kept: Float64Array;
  private n = 0;
  private maxSeen = 0;

  constructor(private readonly capacity: number, private readonly rng: Rng) {
    this.kept = new Float64Array(capacity);
  }

  add(ms: number) {
    if (!(ms >= 0)) return;
    if (ms > this.maxSeen) this.maxSeen = ms;
    if (this.n < this.capacity) this.kept[this.n] = ms;
    else {
      const j = Math.floor(this.rng() * (this.n + 1));
      if (j < this.capacity) this.kept[j] = ms;
    }
    this.n++;
  }

  get samples(): number { return this.n; }
  /** The samples kept (all of them up to `capacity`), to merge recorders across processes. */
  keptSamples(): number[] { return Array.from(this.kept.subarray(0, Math.min(this.n, this.capacity))); }
  get max(): number | null { return this.n > 0 ? this.maxSeen : null; }

  quantile(q: number): number | null {
    return quantile(Array.from(this.kept.subarray(0, Math.min(this.n, this.capacity))), q);
  }
}

/** Nearest-rank quantile (q in 0..1) of unsorted values; null for no values. */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
