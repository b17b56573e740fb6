import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MovementPredictor } from "./predictor.ts";
import { parseTiledMap } from "../map.ts";
import { asciiTiledMap } from "../testing/asciiMap.ts";
import { applyMove, freshStepBudget, spendStep, type Pose, type StepBudget } from "../movement.ts";
import { Dir, type ClientMessages } from "../protocol.ts";
import { STEP_MS } from "../constants.ts";

const map = parseTiledMap(asciiTiledMap([
  "##########",
  "#S...#...#",
  "#.##.#.#.#",
  "#....#.#.#",
  "#.##...#.#",
  "#........#",
  "##########",
]));
const start: Pose = { x: 1, y: 1, dir: Dir.DOWN };

/** The room's rule set, as in SpaceRoom.onMove: applyMove + speed limit; ack = last seq seen. */
class ServerModel {
  pose: Pose = { ...start };
  seq = 0;
  budget: StepBudget = freshStepBudget(0);
  receive(m: ClientMessages["move"], now: number): boolean {
    this.seq = m.seq;
    const r = applyMove(map, this.pose, m);
    if (!r.ok) return false;
    if (r.stepped) {
      const b = spendStep(this.budget, now);
      if (!b) return false;
      this.budget = b;
    }
    this.pose = r.pose;
    return true;
  }
}

describe("MV7 prediction and reconciliation", () => {
  it("predicts a step at once and keeps it when the server agrees", () => {
    const p = new MovementPredictor(map, start);
    const m = p.press(Dir.RIGHT)!;
    expect(p.pose).toEqual({ x: 2, y: 1, dir: Dir.RIGHT });
    p.acknowledge(m.seq, { x: 2, y: 1, dir: Dir.RIGHT });
    expect(p.pose).toEqual({ x: 2, y: 1, dir: Dir.RIGHT });
    expect(p.pendingCount).toBe(0);
  });

  it("keeps unacknowledged steps on top of an older ack", () => {
    const p = new MovementPredictor(map, start);
    const a = p.press(Dir.RIGHT)!;
    p.press(Dir.RIGHT);
    p.press(Dir.RIGHT);
    p.acknowledge(a.seq, { x: 2, y: 1, dir: Dir.RIGHT });
    expect(p.pose).toEqual({ x: 4, y: 1, dir: Dir.RIGHT });
    expect(p.pendingCount).toBe(2);
  });

  it("snaps back to the server's pose when a step is refused and drops what was built on it", () => {
    const p = new MovementPredictor(map, start);
    const a = p.press(Dir.RIGHT)!;
    p.press(Dir.RIGHT);
    // Server refused `a` (e.g. too fast): the avatar is still at the start.
    p.acknowledge(a.seq, start);
    expect(p.pose).toEqual(start);
    expect(p.pendingCount).toBe(0);
  });

  it("ignores an ack older than one already applied", () => {
    const p = new MovementPredictor(map, start);
    const a = p.press(Dir.RIGHT)!;
    const b = p.press(Dir.RIGHT)!;
    p.acknowledge(b.seq, { x: 3, y: 1, dir: Dir.RIGHT });
    p.acknowledge(a.seq, { x: 2, y: 1, dir: Dir.RIGHT });
    expect(p.pose).toEqual({ x: 3, y: 1, dir: Dir.RIGHT });
  });

  it("never sends a move the rules would refuse (walls)", () => {
    const p = new MovementPredictor(map, start);
    expect(p.move({ x: 2, y: 2, dir: Dir.DOWN })).toBeUndefined(); // wall below (2,1)? (2,2) is '#'
    expect(p.move({ x: 3, y: 3, dir: Dir.DOWN })).toBeUndefined(); // not adjacent
  });

  it("converges to exactly the server's pose for any input timing and latency (seeded fuzz)", () => {
    const dirs = fc.constantFrom(Dir.DOWN, Dir.UP, Dir.LEFT, Dir.RIGHT);
    fc.assert(
      fc.property(
        fc.array(fc.record({ dir: dirs, gap: fc.integer({ min: 30, max: 400 }) }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 80 }),
        (presses, latency, jitter) => {
          const p = new MovementPredictor(map, start);
          const server = new ServerModel();
          type Event = { at: number; kind: "deliver"; msg: ClientMessages["move"] } | { at: number; kind: "ack"; seq: number; pose: Pose };
          const events: Event[] = [];
          let t = 0;
          let i = 0;
          let lastDelivery = 0; // one WebSocket: messages arrive in the order they were sent
          for (const press of presses) {
            t += Math.max(press.gap, STEP_MS / 3); // sometimes faster than the client would ever send
            const msg = p.press(press.dir);
            if (msg) {
              lastDelivery = Math.max(lastDelivery, t + latency + ((i++ * 7919) % (jitter + 1)));
              events.push({ at: lastDelivery, kind: "deliver", msg });
            }
            // process everything due by now, in time order (TCP keeps per-client order: sort stable by seq)
            events.sort((a, b) => a.at - b.at || (a.kind === "deliver" && b.kind === "deliver" ? a.msg.seq - b.msg.seq : 0));
            while (events.length && events[0].at <= t) {
              const e = events.shift()!;
              if (e.kind === "deliver") {
                server.receive(e.msg, e.at);
                events.push({ at: e.at + latency, kind: "ack", seq: server.seq, pose: { ...server.pose } });
              } else p.acknowledge(e.seq, e.pose);
            }
          }
          // drain: deliver in order (monotonic times), then acks
          let clock = t;
          while (events.length) {
            events.sort((a, b) => a.at - b.at);
            const e = events.shift()!;
            clock = Math.max(clock, e.at);
            if (e.kind === "deliver") {
              server.receive(e.msg, clock);
              events.push({ at: clock + latency, kind: "ack", seq: server.seq, pose: { ...server.pose } });
            } else p.acknowledge(e.seq, e.pose);
          }
          expect(p.pose).toEqual(server.pose);
          expect(p.pendingCount).toBe(0);
        },
      ),
      { seed: 7, numRuns: 400 },
    );
  });
});
