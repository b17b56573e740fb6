import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { Client } from "@colyseus/core";
import { until } from "../../../../shared/testing/wait.ts";
import { frameOf, SharedFrames } from "./SharedFrames.ts";

/** A ws server on 127.0.0.1 and one client that collects what it receives. */
async function pair() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
  await new Promise((r) => wss.once("listening", r));
  const serverSide = new Promise<WebSocket>((r) => wss.once("connection", r));
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  const got: Buffer[] = [];
  ws.on("message", (data) => got.push(data as Buffer));
  const socket = await serverSide;
  await new Promise((r) => (ws.readyState === WebSocket.OPEN ? r(null) : ws.once("open", r)));
  // As Colyseus's WebSocketClient: `raw` sends through ws.
  const client = { ref: socket, raw(data: Uint8Array) { socket.send(data, { binary: true }); } } as unknown as Client;
  return { wss, ws, socket, client, got, close: () => { ws.terminate(); wss.close(); } };
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("SharedFrames (IM12)", () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it("IM12 frames of every length class arrive whole and in order, mixed with frames sent through ws", async () => {
    const p = await pair();
    close = p.close;
    const frames = new SharedFrames();
    frames.adopt(p.client);
    const sent = [bytes(5, 1), bytes(200, 2), bytes(70_000, 3), bytes(0, 4), bytes(125, 5), bytes(126, 6)];
    p.client.raw(sent[0]);
    p.socket.send(bytes(3, 9)); // straight through ws, between two framed writes
    for (const b of sent.slice(1)) p.client.raw(b);
    await until(() => p.got.length === sent.length + 1, "every frame received");
    expect(p.got.map((b) => [b.length, b[0]])).toEqual([[5, 1], [3, 9], [200, 2], [70_000, 3], [0, undefined], [125, 5], [126, 6]]);
    expect(frames.written).toBe(sent.length);
  });

  it("IM12 during a patch one payload handed to several clients is framed once", async () => {
    const a = await pair();
    const b = await pair();
    close = () => { a.close(); b.close(); };
    const frames = new SharedFrames();
    frames.adopt(a.client);
    frames.adopt(b.client);
    const view = bytes(300, 7);
    frames.begin();
    a.client.raw(view);
    b.client.raw(view);
    frames.end();
    await until(() => a.got.length === 1 && b.got.length === 1, "both clients received the patch");
    expect([a.got[0].equals(Buffer.from(view)), b.got[0].equals(Buffer.from(view))]).toEqual([true, true]);
    expect(frames.shared).toBe(1);
  });

  it("IM12 a closing socket is left to ws (which refuses quietly), not written", async () => {
    const p = await pair();
    close = p.close;
    const frames = new SharedFrames();
    frames.adopt(p.client);
    p.socket.close();
    p.client.raw(bytes(10, 1));
    expect(frames.written).toBe(0);
  });

  it("frameOf writes RFC 6455 headers: 7-bit, 16-bit and 64-bit lengths", () => {
    expect([...frameOf(bytes(2, 1))]).toEqual([0x82, 2, 1, 1]);
    expect([...frameOf(bytes(300, 0)).subarray(0, 4)]).toEqual([0x82, 126, 1, 44]);
    expect([...frameOf(bytes(65_536, 0)).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});
