/**
 * A space room spoken over a bare `ws` socket: the Colyseus 0.18 wire protocol reduced to what a
 * walking bot needs, without the SDK (its schema decoder, its undici WebSocket, its event
 * plumbing). The benchmark's non-observer bots use it so that one CPU drives 2,000 of them; they
 * never look at the synced state, so state frames are counted and dropped undecoded.
 *
 * Joining is the SDK's: POST /matchmake/joinOrCreate/<room> for a seat, then a WebSocket to
 * /<processId>/<roomId>?sessionId=…&skipHandshake=1 (a client that brings its own state class
 * skips the schema reflection, as the browser's does). Frames (first byte = Protocol code):
 *  - JOIN_ROOM from the server: the join is accepted; the client answers with JOIN_ROOM (1 byte);
 *  - ROOM_DATA both ways: [13][type as a fixstr: 0xa0|len, utf8][msgpack payload];
 *  - ERROR: [11][code][message]; LEAVE_ROOM (1 byte) asks to leave, the server then closes;
 *  - ROOM_STATE / ROOM_STATE_PATCH and anything else: counted only.
 * Only the message types the caller listens to are unpacked; the rest are counted by type.
 */
import WebSocket from "ws";
import { Packr, unpack } from "msgpackr";
import { Protocol } from "@colyseus/sdk";
import type { ClientMessageType, ClientMessages, ServerMessageType, ServerMessages } from "../shared/protocol.ts";
import { frameHeaderBytes, type ByteCounter, type KindTally } from "./meter.ts";

export class WireJoinError extends Error {
  override name = "WireJoinError";
}

/** The SDK's matchmaking answer (a seat reservation). */
interface SeatReservation { roomId: string; processId: string; sessionId: string; publicAddress?: string }

type Handler<K extends ServerMessageType> = (msg: ServerMessages[K]) => void;

/** Messages kept for types nobody listens to yet (see `early`). */
const EARLY_KEPT = 16;

/**
 * POSTs a matchmaking request; one retry when the connection itself failed (a kept-alive socket
 * the server closed just as it was reused: "other side closed"), never after an HTTP answer.
 */
async function postJson(url: URL, body: unknown, timeoutMs: number): Promise<Response> {
  const init = () => ({
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  try {
    return await fetch(url, init());
  } catch (err) {
    if (!(err instanceof TypeError)) throw err; // a timeout (AbortError) is not retried
    return fetch(url, init());
  }
}

const typeCache = new Map<string, Uint8Array>();
/** [ROOM_DATA][0xa0 | len][type]: the header of every message of `type` (fixstr: types are short ASCII). */
function messageHeader(type: string): Uint8Array {
  let h = typeCache.get(type);
  if (!h) {
    const name = Buffer.from(type, "utf8");
    if (name.length > 31) throw new Error(`message type "${type}" is too long for a fixstr`);
    h = Uint8Array.from([Protocol.ROOM_DATA, 0xa0 | name.length, ...name]);
    typeCache.set(type, h);
  }
  return h;
}

export class WireRoom {
  readonly counter: ByteCounter = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  private readonly handlers = new Map<string, (msg: unknown) => void>();
  /**
   * Messages that arrived before anyone listened to their type: the server may send right after
   * the join, in the same TCP read as JOIN_ROOM, before the caller had a chance to call `on`.
   * The first few are kept and handed over by `on`.
   */
  private early: { type: string; frame: Buffer; end: number }[] = [];
  private readonly leaveHandlers: Array<(code: number) => void> = [];
  private readonly packr = new Packr({ useRecords: false });
  private joined = false;
  private closedWith: number | undefined;

  private constructor(
    readonly sessionId: string,
    private readonly ws: WebSocket,
    private readonly tally: KindTally | undefined,
    onJoin: (err?: Error) => void,
  ) {
    ws.on("message", (data: Buffer) => this.onFrame(data, onJoin));
    ws.on("close", (code: number, reason: Buffer) => {
      this.closedWith = code;
      if (!this.joined) onJoin(new WireJoinError(`closed before joining (${code}): ${reason.toString("utf8")}`));
      for (const h of this.leaveHandlers) h(code);
    });
    ws.on("error", (err: Error) => { if (!this.joined) onJoin(new WireJoinError(err.message, { cause: err })); });
  }

  /** Reserves a seat over HTTP and connects; resolves once the server accepted the join. */
  static async join(base: string, roomName: string, options: Record<string, unknown>, tally?: KindTally, timeoutMs = 15_000): Promise<WireRoom> {
    const http = new URL(base);
    const res = await postJson(new URL(`/matchmake/joinOrCreate/${roomName}`, http), options, timeoutMs);
    const body = (await res.json().catch(() => ({}))) as Partial<SeatReservation> & { code?: number; error?: string };
    if (!res.ok || !body.roomId || !body.processId || !body.sessionId) {
      throw new WireJoinError(`matchmaking refused (HTTP ${res.status}${body.code !== undefined ? `, code ${body.code}` : ""}): ${body.error ?? "no seat"}`);
    }
    const scheme = http.protocol === "https:" ? "wss:" : "ws:";
    const host = body.publicAddress ?? http.host;
    const url = `${scheme}//${host}/${body.processId}/${body.roomId}?sessionId=${encodeURIComponent(body.sessionId)}&skipHandshake=1`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let room!: WireRoom;
    await new Promise<void>((resolve, reject) => {
      room = new WireRoom(body.sessionId!, ws, tally, (err) => (err ? reject(err) : resolve()));
    });
    return room;
  }

  get closed(): boolean { return this.closedWith !== undefined; }

  private onFrame(data: Buffer, onJoin: (err?: Error) => void) {
    const n = data.length + frameHeaderBytes(data.length, false);
    this.counter.bytesIn += n;
    this.counter.framesIn++;
    this.tally?.add(data, n);
    switch (data[0]) {
      case Protocol.JOIN_ROOM:
        if (this.joined) return;
        this.joined = true;
        this.write(Uint8Array.of(Protocol.JOIN_ROOM));
        onJoin();
        return;
      case Protocol.ROOM_DATA: {
        const b = data[1];
        if (b === undefined || (b & 0xe0) !== 0xa0) return; // numeric or long types: none of ours
        const end = 2 + (b & 0x1f);
        const type = data.toString("latin1", 2, end);
        const handler = this.handlers.get(type);
        if (handler) handler(data.length > end ? unpack(data.subarray(end)) : undefined);
        else if (this.early.length < EARLY_KEPT) this.early.push({ type, frame: data, end });
        return;
      }
      case Protocol.ERROR:
        if (!this.joined) onJoin(new WireJoinError(`the room refused the join: ${data.toString("utf8", 1).replace(/[^\x20-\x7e]+/g, " ").trim()}`));
        return;
      case Protocol.LEAVE_ROOM:
        this.write(Uint8Array.of(Protocol.LEAVE_ROOM));
        return;
      default:
        return; // state, patches, pings: counted above, never decoded
    }
  }

  private write(frame: Uint8Array) {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.counter.bytesOut += frame.length + frameHeaderBytes(frame.length, true);
    this.counter.framesOut++;
    this.ws.send(frame);
  }

  /** Sends one client message (its payload msgpack-encoded, as the SDK does). */
  send<K extends ClientMessageType>(type: K, msg: ClientMessages[K]): void {
    const header = messageHeader(type);
    const body = this.packr.pack(msg);
    const frame = new Uint8Array(header.length + body.length);
    frame.set(header, 0);
    frame.set(body, header.length);
    this.write(frame);
  }

  /** Unpacks and hands over messages of `type`; every other type stays undecoded. */
  on<K extends ServerMessageType>(type: K, handler: Handler<K>): void {
    this.handlers.set(type, handler as (msg: unknown) => void);
    const now = this.early.filter((e) => e.type === type);
    if (now.length === 0) return;
    this.early = this.early.filter((e) => e.type !== type);
    for (const e of now) handler((e.frame.length > e.end ? unpack(e.frame.subarray(e.end)) : undefined) as ServerMessages[K]);
  }

  onLeave(handler: (code: number) => void): void {
    this.leaveHandlers.push(handler);
  }

  /** Asks to leave (consented) and resolves with the close code once the server closed the socket. */
  leave(): Promise<number> {
    if (this.closedWith !== undefined) return Promise.resolve(this.closedWith);
    return new Promise((resolve) => {
      this.leaveHandlers.push(resolve);
      if (this.ws.readyState === WebSocket.OPEN) this.write(Uint8Array.of(Protocol.LEAVE_ROOM));
      else this.ws.close();
    });
  }

  /** Drops the socket without asking. */
  close(): void {
    this.ws.terminate();
  }
}
