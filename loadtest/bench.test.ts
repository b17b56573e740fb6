/**
 * The benchmark end to end on a tiny crowd (shape and sanity of the report, never timings), and
 * the pure bot behaviour: paths walkable step by step, hotspot goals near the centre, seeded RNG.
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateMapCatalog } from "../server/src/maps/MapCatalog.ts";
import { applyMove, type Pose } from "../shared/movement.ts";
import { chebyshev, isWalkable } from "../shared/grid.ts";
import { Dir, clientMessageSchemas } from "../shared/protocol.ts";
import { STEP_MS } from "../shared/constants.ts";
import {
  BotBehaviour, HOTSPOT_RADIUS, mapFacts, mulberry32, parseScenario, roleFor, ScenarioUnavailableError, type Role,
  CHAT_MIN_MS, CHAT_MAX_MS,
} from "./behaviour.ts";
import { runBench } from "./bench.ts";
import { spaceMapOf } from "./bot.ts";
import { parseTiledMap } from "../shared/map.ts";
import { appendHistory, formatComparison, previousRun, readHistory, type HistoryEntry } from "./benchHistory.ts";
import { histogramQuantile, parseMetrics } from "./serverProcess.ts";
import { frameHeaderBytes, frameKind, LatencyRecorder, quantile } from "./meter.ts";
import { getMessageBytes, Protocol } from "@colyseus/core";

const office = new TemplateMapCatalog().mapFor("loadtest").map;

/** Drives a behaviour against the real movement rules for `ms` of simulated time. */
function walk(role: Role, seed: number, ms: number) {
  const facts = mapFacts(office);
  const b = new BotBehaviour(facts, role, mulberry32(seed), 0);
  let pose: Pose = { ...office.spawns[0], dir: Dir.DOWN };
  const visited: Pose[] = [pose];
  let lastStep = -Infinity;
  for (let now = 0; now <= ms; now += 25) {
    const d = b.decide(now, pose);
    if (d.kind !== "step") continue;
    expect(now - lastStep).toBeGreaterThanOrEqual(STEP_MS);
    lastStep = now;
    const outcome = applyMove(office, pose, d.to);
    expect(outcome.ok && outcome.stepped, `step ${JSON.stringify(pose)} → ${JSON.stringify(d.to)} (seed ${seed})`).toBe(true);
    if (outcome.ok) pose = outcome.pose;
    visited.push(pose);
  }
  return { visited, facts, behaviour: b };
}

describe("bot behaviour", () => {
  it("mulberry32 is deterministic by seed", () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(Array.from({ length: 5 }, c)).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("walkers only take single steps onto walkable tiles, never faster than STEP_MS", () => {
    for (const seed of [1, 2, 3, 99, 12345]) {
      const { visited } = walk("walker", seed, 60_000);
      expect(visited.length).toBeGreaterThan(20); // they do walk
      for (const p of visited) expect(isWalkable(office, p.x, p.y)).toBe(true);
    }
  });

  it("the same seed walks the same way", () => {
    expect(walk("walker", 7, 20_000).visited).toEqual(walk("walker", 7, 20_000).visited);
  });

  it("hotspot goals cluster near the map centre and the crowd ends up there", () => {
    const facts = mapFacts(office);
    const dCentre = Math.hypot(facts.hotspot.x - office.width / 2, facts.hotspot.y - office.height / 2);
    expect(dCentre).toBeLessThan(Math.min(office.width, office.height) / 4);
    const b = new BotBehaviour(facts, "hotspot", mulberry32(5), 0);
    for (let i = 0; i < 200; i++) {
      const g = b.chooseGoal();
      expect(chebyshev(g, facts.hotspot)).toBeLessThanOrEqual(HOTSPOT_RADIUS);
    }
    for (const seed of [1, 2, 3]) {
      const { visited } = walk("hotspot", seed, 40_000);
      const end = visited[visited.length - 1];
      expect(chebyshev(end, facts.hotspot)).toBeLessThanOrEqual(HOTSPOT_RADIUS + 1);
    }
  });

  it("churn bots ask to leave after 5–20 s; others never do", () => {
    const facts = mapFacts(office);
    const churner = new BotBehaviour(facts, "churn", mulberry32(3), 1000);
    expect(churner.leaveAt).toBeGreaterThanOrEqual(6000);
    expect(churner.leaveAt).toBeLessThanOrEqual(21000);
    expect(churner.decide(churner.leaveAt!, { ...office.spawns[0], dir: Dir.DOWN }).kind).toBe("leave");
    expect(new BotBehaviour(facts, "walker", mulberry32(3), 0).leaveAt).toBeUndefined();
  });

  it("mixed is 60% walkers, 20% hotspot, 20% churn; chatty bots walk and talk within the chat limit", () => {
    const roles = Array.from({ length: 100 }, (_, i) => roleFor("mixed", i));
    expect(roles.filter((r) => r === "walker")).toHaveLength(60);
    expect(roles.filter((r) => r === "hotspot")).toHaveLength(20);
    expect(roles.filter((r) => r === "churn")).toHaveLength(20);
    expect(parseScenario("chatty")).toBe("chatty");
    const facts = mapFacts(office);
    const chatter = new BotBehaviour(facts, roleFor("chatty", 0), mulberry32(9), 0);
    const lines = [];
    let last = -Infinity;
    for (let t = 0; t <= 120_000; t += 50) {
      const line = chatter.chat(t);
      if (!line) continue;
      expect(t - last).toBeGreaterThanOrEqual(CHAT_MIN_MS); // never faster than the server lets anyone chat
      last = t;
      lines.push(line);
      expect(clientMessageSchemas.chat.safeParse(line).success).toBe(true);
    }
    expect(lines.length).toBeGreaterThanOrEqual(120_000 / CHAT_MAX_MS - 1);
    expect(new Set(lines.map((l) => l.scope))).toEqual(new Set(["space", "nearby"]));
    expect(new BotBehaviour(facts, "walker", mulberry32(9), 0).chat(1e9)).toBeUndefined();
    expect(() => parseScenario("nope")).toThrow(/unknown scenario/);
  });
});

describe("bench instruments", () => {
  it("parses Prometheus text and histogram quantiles", () => {
    const text = [
      "# TYPE plaza_event_loop_utilization gauge",
      "plaza_event_loop_utilization 0.25",
      "process_cpu_seconds_total 12.5",
      "process_resident_memory_bytes 104857600",
      'plaza_moves_rejected_total{reason="blocked"} 2',
      'plaza_moves_rejected_total{reason="too_fast"} 3',
      'plaza_patch_seconds_bucket{le="0.001"} 50',
      'plaza_patch_seconds_bucket{le="0.01"} 100',
      'plaza_patch_seconds_bucket{le="+Inf"} 100',
    ].join("\n");
    const s = parseMetrics(text, 0);
    expect(s).toMatchObject({ elu: 0.25, cpuSeconds: 12.5, rssBytes: 104857600, movesRejected: 5 });
    expect(histogramQuantile(0.5, undefined, s.patchBuckets!)).toBeCloseTo(0.001);
    expect(histogramQuantile(0.99, undefined, s.patchBuckets!)).toBeCloseTo(0.001 + 0.009 * (49 / 50));
    expect(parseMetrics("up 1", 0).patchBuckets).toBeUndefined();
  });

  it("counts frame headers and keeps latency samples bounded", () => {
    expect(frameHeaderBytes(10, false)).toBe(2);
    expect(frameHeaderBytes(10, true)).toBe(6);
    expect(frameHeaderBytes(200, false)).toBe(4);
    expect(frameHeaderBytes(70_000, false)).toBe(10);
    const r = new LatencyRecorder(100, mulberry32(1));
    for (let i = 1; i <= 10_000; i++) r.add(i);
    expect(r.samples).toBe(10_000);
    expect(r.max).toBe(10_000);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe("runBench (20 bots, 5 s)", () => {
  it("writes a report with every field", { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "plaza-bench-"));
    const jsonPath = join(dir, "walkers-20.json");
    // 5 observers on the SDK, 15 wire bots (wire.ts): both kinds walk, get acks and count bytes.
    const report = await runBench({ scenario: "walkers", bots: 20, durationS: 5, rampS: 1, jsonPath, pin: false, observers: 5 });
    const json = JSON.parse(readFileSync(jsonPath, "utf8"));
    expect(json.scenario).toBe("walkers");
    expect(json.bots).toBe(20);
    expect(json.durationS).toBe(5);
    expect(json.machine).toEqual({ cpus: expect.any(Number), model: expect.any(String), node: expect.stringMatching(/^v\d+/) });
    expect(json.placement).toEqual({ server: expect.any(String), bots: expect.any(String) });
    expect(json.ccuReached).toBe(20);
    expect(json.joinSuccessRate).toBe(1);
    expect(json.joinMs).toEqual({ p50: expect.any(Number), p99: expect.any(Number) });
    for (const k of ["echoMs", "remoteMs"] as const) {
      expect(json[k]).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number), samples: expect.any(Number) });
    }
    expect(json.echoMs.samples).toBeGreaterThan(0);
    expect(json.remoteMs.samples).toBeGreaterThan(0);
    for (const k of ["downKBps", "upKBps"] as const) {
      expect(json[k]).toEqual({ mean: expect.any(Number), p99: expect.any(Number) });
    }
    expect(json.downKBps.mean).toBeGreaterThan(0);
    expect(json.upKBps.mean).toBeGreaterThan(0);
    // Walking bots receive patches and acks of their own moves; the kinds add up to the downstream.
    expect(json.downByKind.patch).toBeGreaterThan(0);
    expect(json.downByKind.ack).toBeGreaterThan(0);
    expect(json.server).toMatchObject({
      eluMean: expect.any(Number), eluMax: expect.any(Number), cpuPercent: expect.any(Number), rssMB: expect.any(Number),
    });
    expect(json.server).toHaveProperty("patchMs"); // an object {p50, p99} when the server has plaza_patch_seconds, else null
    if (json.server.patchMs !== null) expect(json.server.patchMs).toEqual({ p50: expect.any(Number), p99: expect.any(Number) });
    expect(json.bytesPerPositionUpdate).toEqual(expect.any(Number));
    expect(json.bytesPerPositionUpdate).toBeGreaterThan(0);
    expect(json.correctionsPerClientPerMin).toEqual(expect.any(Number));
    expect(json.settleS).toEqual(expect.any(Number));
    // 20 bots on the office: observers have people within 5 tiles, and (interest radius 16) see them.
    expect(json.viewCoverage.within5).toBeGreaterThan(0.5);
    expect(json.viewChurn).toEqual({ enteredPerS: expect.any(Number), leftPerS: expect.any(Number) });
    expect(json.compare).toBeNull();
    expect(report.ccuReached).toBe(20);
    expect(json.map).toBe("office");
    expect(json.allHands).toBeNull();
    // Memory: the idle server before anyone joined, the crowd's, and the difference per person.
    expect(json.memory).toEqual({ rssIdleMB: expect.any(Number), rssFullMB: expect.any(Number), perWalkerMB: expect.any(Number), analyticsEmbedded: expect.any(String) });
    expect(json.processes).toHaveLength(1);
  });
});

describe("runBench all-hands on the event floor, bots in 2 processes (5 walkers + 10 arrivals)", () => {
  it("reports the arrivals' joins and the walkers' echo while they arrive", { timeout: 150_000 }, async () => {
    const report = await runBench({ scenario: "allhands", walkers: 5, bots: 10, durationS: 3, rampS: 1, pin: false, observers: 2, map: "event-floor", processes: 2 });
    expect(report.map).toBe("event-floor");
    expect(report.walkers).toBe(5);
    expect(report.botProcesses).toBe(2);
    expect(report.processes).toHaveLength(2);
    expect(report.ccuReached).toBe(15);
    expect(report.joinSuccessRate).toBe(1);
    const a = report.allHands!;
    expect(a).toMatchObject({ walkers: 5, arrivals: 10, arrivalsJoined: 10, joinsPerS: 10 });
    expect(a.joinMs).toEqual({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
    // A walker standing still (1–5 s at each goal) through the whole short ramp has no echo to count.
    expect(a.walkersMeasured).toBeGreaterThan(0);
    expect(a.walkersMeasured).toBeLessThanOrEqual(5);
    expect(a.worstWalkerEchoP99Ms).toBeGreaterThanOrEqual(a.medianWalkerEchoP99Ms!);
    expect(report.echoMs.samples).toBeGreaterThan(0);
  });
});

describe("the bots' map", () => {
  it("blocks a template's furniture as the server does (tables block, chairs do not)", () => {
    const tmj: unknown = JSON.parse(readFileSync(new URL("../shared/maps/event-floor.tmj", import.meta.url), "utf8"));
    const map = spaceMapOf(tmj);
    expect(isWalkable(parseTiledMap(tmj), 8, 40)).toBe(true); // a standing table's tile, on the bare floor…
    expect(isWalkable(map, 8, 40)).toBe(false); // …is blocked once the furniture stands
    expect(isWalkable(map, 12, 13)).toBe(true); // a seat facing the stage
    expect(map.spawns.length).toBeGreaterThanOrEqual(36);
  });
});

describe("bench history", () => {
  const entry = (over: Partial<HistoryEntry>, figures: Record<string, number | null>): HistoryEntry => ({
    startedAt: "2026-12-05T08:00:00.000Z", commit: "abc1234", scenario: "walkers", bots: 200, walkers: 0, map: "office", interest: "grid",
    durationS: 30, rampS: 10, botProcesses: 0, machine: "2 × cpu", figures, ...over,
  });

  it("compares a run with the last one of the same scenario, crowd and map", () => {
    const older = entry({ startedAt: "2026-12-01T08:00:00.000Z" }, { "echo ms p99": 50 });
    const other = entry({ bots: 1000 }, { "echo ms p99": 10 });
    const last = entry({ startedAt: "2026-12-02T08:00:00.000Z" }, { "echo ms p99": 40, "joins ok %": 100 });
    const now = entry({}, { "echo ms p99": 20, "joins ok %": 90 });
    expect(previousRun([older, last, other], now)).toBe(last);
    expect(previousRun([other], now)).toBeUndefined();
    const table = formatComparison(last, now);
    expect(table).toMatch(/echo ms p99\s+40\.0\s+20\.0\s+-50\.0 % better/);
    expect(table).toMatch(/joins ok %\s+100\s+90\.0\s+-10\.0 % worse/);
    expect(formatComparison(undefined, now)).toMatch(/none recorded yet/);
  });

  it("appends one JSON line per run and reads them back, skipping broken lines", () => {
    const path = join(mkdtempSync(join(tmpdir(), "plaza-history-")), "history.jsonl");
    appendHistory(entry({}, { "echo ms p99": 1 }), path);
    appendFileSync(path, "{not json\n");
    appendHistory(entry({ bots: 5 }, { "echo ms p99": 2 }), path);
    expect(readHistory(path).map((e) => e.bots)).toEqual([200, 5]);
  });
});

describe("downstream breakdown", () => {
  it("names a frame by what the server sent: patches, full states and messages by type", () => {
    expect(frameKind(getMessageBytes.raw(Protocol.ROOM_DATA, "ack", [3, 10, 4, 1]))).toBe("ack");
    expect(frameKind(getMessageBytes.raw(Protocol.ROOM_DATA, "peers", { peers: [] }))).toBe("peers");
    expect(frameKind(getMessageBytes.raw(Protocol.ROOM_DATA, 7, 1))).toBe("data#7");
    expect(frameKind(Uint8Array.of(Protocol.ROOM_STATE_PATCH, 1, 2))).toBe("patch");
    expect(frameKind(Uint8Array.of(Protocol.ROOM_STATE, 1, 2))).toBe("state");
    expect(frameKind(Uint8Array.of(Protocol.PING))).toBe("other");
  });
});
