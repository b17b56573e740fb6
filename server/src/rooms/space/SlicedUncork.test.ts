import { describe, expect, it } from "vitest";
import { SlicedUncork, writeOutNow, type Later } from "./SlicedUncork.ts";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { until } from "../../../../shared/testing/wait.ts";

/** A fake event loop: `turn()` runs what was scheduled for the next turn. */
function fakeLoop() {
  let queued: (() => void)[] = [];
  const later: Later = (fn) => {
    queued.push(fn);
    return { cancel: () => { queued = queued.filter((f) => f !== fn); } };
  };
  const turn = () => { const q = queued; queued = []; for (const f of q) f(); };
  return { later, turn, get queued() { return queued.length; } };
}

function sockets(n: number, log: string[], tag = "s") {
  return Array.from({ length: n }, (_, i) => ({ uncork: () => { log.push(`${tag}${i}`); } }));
}

describe("IM8 a crowded patch is written out in slices", () => {
  it("uncorks one slice now and one per later loop turn, in order, until none is left", () => {
    const loop = fakeLoop();
    const log: string[] = [];
    const u = new SlicedUncork(2, loop.later);
    u.start(sockets(5, log));
    expect(log).toEqual(["s0", "s1"]);
    expect(u.waiting).toBe(3);
    loop.turn();
    expect(log).toEqual(["s0", "s1", "s2", "s3"]);
    loop.turn();
    expect(log).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(u.waiting).toBe(0);
    expect(loop.queued).toBe(0);
  });

  it("the next patch first writes out what the last one has not, so no socket stays corked twice over", () => {
    const loop = fakeLoop();
    const log: string[] = [];
    const u = new SlicedUncork(1, loop.later);
    u.start(sockets(3, log, "a"));
    u.start(sockets(2, log, "b"));
    expect(log).toEqual(["a0", "a1", "a2", "b0"]);
    loop.turn();
    expect(log).toEqual(["a0", "a1", "a2", "b0", "b1"]);
    expect(loop.queued).toBe(0);
  });

  it("finish writes out everything at once and cancels the pending turn (room disposed)", () => {
    const loop = fakeLoop();
    const log: string[] = [];
    const u = new SlicedUncork(10, loop.later);
    u.start(sockets(25, log));
    u.finish();
    expect(log).toHaveLength(25);
    expect(loop.queued).toBe(0);
  });
});

describe("IM13 an ack does not wait for its socket's slice", () => {
  it("a corked socket is written out at once, its patch before the ack; its slice later writes nothing more", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const received: Buffer[] = [];
    const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
    const client = connect((server.address() as AddressInfo).port, "127.0.0.1");
    client.on("data", (b) => received.push(b));
    const socket = await accepted;
    try {
      const loop = fakeLoop();
      const slices = new SlicedUncork(1, loop.later);
      const other = { uncork: () => {} };
      socket.cork();
      socket.write("patch;");
      slices.start([other, socket]); // `other` is written now, `socket` waits for the next turn
      expect(socket.writableCorked).toBe(1);
      socket.write("ack;");
      writeOutNow(socket);
      expect(socket.writableCorked).toBe(0);
      await until(() => Buffer.concat(received).toString() === "patch;ack;", "the patch and then the ack arrive");
      loop.turn(); // its slice: nothing left to write
      socket.write("next;");
      await until(() => Buffer.concat(received).toString() === "patch;ack;next;", "later writes go straight out");
      writeOutNow(undefined); // a client without a socket: nothing happens
    } finally {
      client.destroy();
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
