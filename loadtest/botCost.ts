/**
 * `npm run bench:bots`: what a bench bot costs its own process, apart from any server. A stand-in
 * server in a child process (matchmaking + WebSocket, 127.0.0.1 only) answers every move with an
 * ack and sends each client a state patch of `--patch-bytes` every 100 ms, like a crowded space;
 * N bots of one kind walk the small office against it for `--duration` s. Printed: the bots'
 * process CPU (% of a core, from process.cpuUsage, so other load on the machine changes it little)
 * and ELU. Kinds: `wire` (wire.ts, the bench's default for non-observers), `sdk` (the SDK without
 * decoding state: the bench's bots before wire.ts).
 *
 *   npm run bench:bots -- --kind wire --bots 2000 [--duration 20] [--patch-bytes 370]
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { WebSocketServer, type WebSocket } from "ws";
import { Packr, unpack } from "msgpackr";
import { Protocol } from "@colyseus/sdk";
import { LOOK_COUNT } from "../shared/looks.ts";
import { mapFacts, mulberry32 } from "./behaviour.ts";
import { joinBot, joinWireBot, spaceMapOf, type Bot, type JoinBotOptions } from "./bot.ts";
import { sleep } from "./serverProcess.ts";
import { MeteredClient } from "./meter.ts";

const PATCH_MS = 100;

/** The stand-in server: prints its port, then serves until killed. */
function standIn(patchBytes: number) {
  const packr = new Packr({ useRecords: false });
  const ack = (seq: number, x: number, y: number, dir: number) => {
    const body = packr.pack([seq, x, y, dir]);
    return Buffer.concat([Buffer.from([Protocol.ROOM_DATA, 0xa0 | 3]), Buffer.from("ack"), body]);
  };
  const office = spaceMapOf(JSON.parse(readFileSync(new URL("../shared/maps/office.tmj", import.meta.url), "utf8")));
  const spawn = office.spawns[0];
  let sessions = 0;
  const http = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ name: "space", roomId: "r1", processId: "p1", sessionId: `s${++sessions}` }));
    });
  });
  const patch = Buffer.alloc(patchBytes, 0x55);
  patch[0] = Protocol.ROOM_STATE_PATCH;
  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.send(Buffer.from([Protocol.JOIN_ROOM, 1, 0x41, 6, ...Buffer.from("schema"), 0]));
    ws.on("message", (data: Buffer) => {
      if (data[0] === Protocol.JOIN_ROOM) {
        clients.add(ws);
        ws.send(Buffer.from([Protocol.ROOM_STATE, 0xff]));
        ws.send(ack(0, spawn.x, spawn.y, 0));
      } else if (data[0] === Protocol.ROOM_DATA && data.toString("latin1", 2, 2 + (data[1] & 0x1f)) === "move") {
        const m = unpack(data.subarray(2 + (data[1] & 0x1f))) as { seq: number; x: number; y: number; dir: number };
        ws.send(ack(m.seq, m.x, m.y, m.dir));
      } else if (data[0] === Protocol.LEAVE_ROOM) ws.close(4000);
    });
    ws.on("close", () => clients.delete(ws));
  });
  setInterval(() => { for (const ws of clients) ws.send(patch); }, PATCH_MS);
  http.listen(0, "127.0.0.1", () => process.send?.((http.address() as { port: number }).port));
}

async function main() {
  const { values } = parseArgs({ options: { kind: { type: "string", default: "wire" }, bots: { type: "string", default: "1000" }, duration: { type: "string", default: "20" }, "patch-bytes": { type: "string", default: "370" } }, strict: true });
  const kind = values.kind;
  if (kind !== "wire" && kind !== "sdk") throw new Error("--kind is wire or sdk");
  const bots = Number(values.bots), durationS = Number(values.duration), patchBytes = Number(values["patch-bytes"]);
  const server = fork(fileURLToPath(import.meta.url), ["--stand-in", String(patchBytes)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const port = await new Promise<number>((resolve) => server.once("message", (p) => resolve(p as number)));
    const base = `http://127.0.0.1:${port}`;
    const facts = mapFacts(spaceMapOf(JSON.parse(readFileSync(new URL("../shared/maps/office.tmj", import.meta.url), "utf8"))));
    const now = () => performance.now();
    const crowd: Bot[] = [];
    for (let i = 0; i < bots; i++) {
      const opts: JoinBotOptions = { spaceId: "cost", name: `bot-${i}`, look: i % LOOK_COUNT, facts, role: "walker", rng: mulberry32(i + 1), now, decodeState: false };
      crowd.push(kind === "wire" ? await joinWireBot(base, opts) : await joinBot(new MeteredClient(base), opts));
    }
    const ticker = setInterval(() => { const t = now(); for (const b of crowd) b.tick(t); }, 25);
    await sleep(3000);
    const frames = () => crowd.reduce((s, b) => s + (b.bytes ? b.bytes.framesIn + b.bytes.framesOut : 0), 0);
    const elu0 = performance.eventLoopUtilization(), cpu0 = process.cpuUsage(), t0 = now(), f0 = frames();
    await sleep(durationS * 1000);
    const cpu = process.cpuUsage(cpu0), elu = performance.eventLoopUtilization(elu0), ms = now() - t0, handled = frames() - f0;
    clearInterval(ticker);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // CPU per frame handled holds better than the CPU % when the machine is too busy for the bots
    // to keep up (then the CPU % is what they got, not what they would need).
    console.log(`${kind} bots: ${bots}, patches of ${patchBytes} B every ${PATCH_MS} ms, ${durationS} s: CPU ${((cpuMs / ms) * 100).toFixed(1)} % of a core, ELU ${elu.utilization.toFixed(2)}; ` +
      `${(handled / (ms / 1000)).toFixed(0)} frames/s in and out, ${((cpuMs * 1000) / Math.max(1, handled)).toFixed(1)} µs CPU per frame`);
  } finally {
    server.kill("SIGTERM");
  }
}

if (process.argv.includes("--stand-in")) standIn(Number(process.argv[process.argv.indexOf("--stand-in") + 1]));
else main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
