/**
 * The bench's 2-client probe (bench.ts): what one position update costs a watching client, measured
 * in its own space before the run.
 */
import { performance } from "node:perf_hooks";
import { dirOfDelta } from "../shared/movement.ts";
import { isWalkable } from "../shared/grid.ts";
import { mulberry32, type MapFacts } from "./behaviour.ts";
import { joinBot } from "./bot.ts";
import { bytesOf, MeteredClient } from "./meter.ts";
import { sleep } from "./serverProcess.ts";

/** How long a bot waits for its join to be answered. */
export const JOIN_TIMEOUT_MS = 15_000;

/**
 * Bytes one position update costs a watching client: a mover steps back and forth, a watcher
 * counts what it receives (minus its idle baseline) per position change it sees.
 */
export async function probeBytesPerUpdate(base: string, facts: MapFacts, spaceId: string, seed: number): Promise<{ bytes: number | null; updates: number }> {
  const now = () => performance.now();
  const common = { spaceId, facts, role: "walker" as const, now, joinTimeoutMs: JOIN_TIMEOUT_MS };
  const mover = await joinBot(new MeteredClient(base), { ...common, name: "probe-mover", look: 0, rng: mulberry32(seed) });
  const watcher = await joinBot(new MeteredClient(base), { ...common, name: "probe-watcher", look: 1, rng: mulberry32(seed + 1) });
  try {
    let updates = 0;
    const seen = watcher.room.state.avatars.get(mover.key);
    let lx = seen?.x ?? -1, ly = seen?.y ?? -1;
    watcher.room.onStateChange(() => {
      const a = watcher.room.state.avatars.get(mover.key);
      if (a && (a.x !== lx || a.y !== ly)) { updates++; lx = a.x; ly = a.y; }
    });
    const counter = bytesOf(watcher.room);
    const home = mover.pose;
    if (!counter || !home) return { bytes: null, updates: 0 };
    const next = [[1, 0], [-1, 0], [0, 1], [0, -1]].map(([dx, dy]) => ({ x: home.x + dx, y: home.y + dy })).find((t) => isWalkable(facts.map, t.x, t.y));
    if (!next) return { bytes: null, updates: 0 };
    await sleep(500);
    const idleFrom = counter.bytesIn, idleAt = now();
    await sleep(1500);
    const idleRate = (counter.bytesIn - idleFrom) / (now() - idleAt);
    const from = counter.bytesIn, at = now(), updatesBefore = updates;
    for (let i = 0; i < 20; i++) {
      const pose = mover.pose;
      if (!pose) break;
      const to = i % 2 === 0 ? next : home;
      const dir = dirOfDelta(to.x - pose.x, to.y - pose.y);
      if (dir !== undefined) mover.sendMove({ x: to.x, y: to.y, dir }, now());
      await sleep(250);
    }
    await sleep(500);
    const observed = updates - updatesBefore;
    const bytes = counter.bytesIn - from - idleRate * (now() - at);
    return { bytes: observed > 0 ? bytes / observed : null, updates: observed };
  } finally {
    await Promise.all([mover.leave(), watcher.leave()]);
  }
}
