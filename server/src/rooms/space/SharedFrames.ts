/**
 * WebSocket frames written straight to a client's socket, and a patch's frame built once per view
 * (SPEC IM6, IM12). Colyseus hands each client its view's encoded patch; clients sharing a cell's
 * view are handed the same bytes. Through `ws` every client then costs a send: options, a header
 * buffer, a corked two-part write. Here the first client of a view frames it (header + payload in
 * one buffer) and every other client of the view writes that same buffer to its socket.
 *
 * Ordering: a socket receives frames in the order they are written; `ws` writes to the socket at
 * once too unless its sender queues (only while compressing, off in Plaza, or reading a Blob, never
 * sent here). While it queues, or once the socket is not open, frames go through `ws` as before.
 * Knows `ws` internals (`_socket`, `_sender._state`), kept in this one file like AvatarView's.
 */
import type { Client } from "@colyseus/core";

/** The parts of a `ws` WebSocket used here (server side: frames are never masked). */
interface WsSocket {
  readyState: number;
  _socket?: { write(chunk: Uint8Array): boolean };
  _sender?: { _state: number };
}

const OPEN = 1;
/** `ws` Sender's state when nothing is queued (it queues only while deflating or reading a Blob). */
const SENDER_IDLE = 0;
/** FIN + binary opcode: a whole binary message in one frame (RFC 6455 5.2). */
const FIN_BINARY = 0x82;

/** One unmasked binary frame holding `payload`: header and payload in one buffer. */
export function frameOf(payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + n);
  frame[0] = FIN_BINARY;
  if (header === 2) frame[1] = n;
  else if (header === 4) { frame[1] = 126; frame.writeUInt16BE(n, 2); }
  else { frame[1] = 127; frame.writeBigUInt64BE(BigInt(n), 2); }
  frame.set(payload, header);
  return frame;
}

type Raw = (data: Uint8Array, options?: unknown, cb?: (err?: Error) => void) => void;

export class SharedFrames {
  /** A frame per encoded payload, while a patch is sent (Colyseus passes one object per view). */
  private cache: Map<Uint8Array, Buffer> | undefined;
  private readonly installed = new WeakSet<object>();
  /** Frames written straight to a socket, and those among them shared with an earlier client. */
  written = 0;
  shared = 0;

  /** Routes this client's sends through `write` (once per connection object). */
  adopt(client: Client) {
    if (this.installed.has(client)) return;
    this.installed.add(client);
    const viaWs = (client.raw as Raw).bind(client);
    const ws = client.ref as unknown as WsSocket;
    (client as unknown as { raw: Raw }).raw = (data, options, cb) => {
      if (cb || !(data instanceof Uint8Array) || !this.write(ws, data)) viaWs(data, options, cb);
    };
  }

  /** From here until `end`, a payload sent to several clients is framed once. */
  begin() {
    this.cache = new Map();
  }

  end() {
    this.cache = undefined;
  }

  /** False: not written (the socket is not open or `ws` queues); the caller sends through `ws`. */
  private write(ws: WsSocket, payload: Uint8Array): boolean {
    const socket = ws._socket;
    if (ws.readyState !== OPEN || !socket || ws._sender?._state !== SENDER_IDLE) return false;
    let frame = this.cache?.get(payload);
    if (frame) this.shared++;
    else {
      frame = frameOf(payload);
      this.cache?.set(payload, frame);
    }
    socket.write(frame);
    this.written++;
    return true;
  }
}
