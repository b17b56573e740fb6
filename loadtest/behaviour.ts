/**
 * What a load-test bot does, as pure decisions: where to walk, when to pause, when to leave.
 * No clock (every call takes `now` in ms), no I/O, no Math.random (a seeded Rng is passed in), so
 * a run is reproducible from its seed and the behaviour is unit-tested without a server. The
 * driver (bot.ts) turns each decision into a move through the browser's MovementPredictor, so bots
 * obey exactly the movement rules people do (MV1–MV6).
 */
import { STEP_MS } from "../shared/constants.ts";
import { chebyshev, isWalkable, type Tile, type Walkable } from "../shared/grid.ts";
import { dirOfDelta, type Pose } from "../shared/movement.ts";
import { findPath } from "../shared/pathfinding.ts";

// Bots choose goals with the project's one seeded PRNG.
import { mulberry32, type Rng } from "../shared/random.ts";
export { mulberry32, type Rng };

/** A per-bot seed derived from a run seed, the bot's slot and its generation (churn rejoins). */
export function botSeed(runSeed: number, slot: number, generation = 0): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ slot, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (generation + 1), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export const SCENARIOS = ["walkers", "hotspot", "churn", "mixed", "chatty", "allhands"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export type RunnableScenario = ScenarioName;
/** `chatter`: walks like a walker and talks: space chat every CHAT_EVERY_MS on average, nearby in between. */
export type Role = "walker" | "hotspot" | "churn" | "chatter";

export class ScenarioUnavailableError extends Error {
  override name = "ScenarioUnavailableError";
}

/** Parses a --scenario value; throws for unknown names. */
export function parseScenario(raw: string | undefined): RunnableScenario {
  const name = (raw ?? "walkers").trim().toLowerCase();
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    throw new ScenarioUnavailableError(`unknown scenario "${raw}": choose one of ${SCENARIOS.join(", ")}`);
  }
  return name as RunnableScenario;
}

/**
 * The role of bot `slot` in a scenario. `mixed` is 60% walkers, 20% hotspot, 20% churn, assigned
 * by slot (not by chance) so that every run of N bots has the same mix.
 */
export function roleFor(scenario: RunnableScenario, slot: number): Role {
  switch (scenario) {
    // allhands: the base crowd and the people arriving for the meeting all walk (bench.ts times the arrivals).
    case "walkers": case "allhands": return "walker";
    case "hotspot": return "hotspot";
    case "churn": return "churn";
    case "chatty": return "chatter";
    case "mixed": {
      const k = slot % 10;
      return k < 6 ? "walker" : k < 8 ? "hotspot" : "churn";
    }
  }
}

/**
 * A chatter says something every 4–16 s (10 s on average; under the server's 1 per 2 s limit):
 * one in three to the whole space, the others to whoever is in its conversation.
 */
export const CHAT_MIN_MS = 4000;
export const CHAT_MAX_MS = 16000;

/** Pause at a reached goal, like a person stopping to talk: 1–5 s. */
export const PAUSE_MIN_MS = 1000;
export const PAUSE_MAX_MS = 5000;
/** A churn bot stays 5–20 s, then leaves (the driver replaces it with a new join). */
export const CHURN_STAY_MIN_MS = 5000;
export const CHURN_STAY_MAX_MS = 20000;
/** Hotspot goals lie within this many tiles (Chebyshev) of the hotspot. */
export const HOTSPOT_RADIUS = 3;

/** Facts about a map the behaviour needs, computed once per map. */
export interface MapFacts {
  map: Walkable;
  /** Walkable tiles reachable from the first spawn (goals are only ever chosen from these). */
  reachable: Tile[];
  /** The reachable tile nearest the map centre. */
  hotspot: Tile;
  /** Reachable tiles within HOTSPOT_RADIUS of the hotspot. */
  hotspotTiles: Tile[];
}

const factsCache = new WeakMap<Walkable, MapFacts>();

/** Reachability by flood fill from `from` (4-connected, like movement). Pure. */
export function reachableFrom(map: Walkable, from: Tile): Tile[] {
  if (!isWalkable(map, from.x, from.y)) return [];
  const seen = new Uint8Array(map.width * map.height);
  const out: Tile[] = [];
  const queue: Tile[] = [from];
  seen[from.y * map.width + from.x] = 1;
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i];
    out.push(t);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
      const x = t.x + dx;
      const y = t.y + dy;
      if (!isWalkable(map, x, y) || seen[y * map.width + x]) continue;
      seen[y * map.width + x] = 1;
      queue.push({ x, y });
    }
  }
  return out;
}

export function mapFacts(map: Walkable & { spawns?: readonly Tile[] }): MapFacts {
  const cached = factsCache.get(map);
  if (cached) return cached;
  const start = map.spawns?.find((s) => isWalkable(map, s.x, s.y)) ?? firstWalkable(map);
  const reachable = reachableFrom(map, start);
  if (reachable.length === 0) throw new Error("map has no walkable tile to walk on");
  const cx = (map.width - 1) / 2;
  const cy = (map.height - 1) / 2;
  let hotspot = reachable[0];
  let best = Infinity;
  for (const t of reachable) {
    const d = (t.x - cx) ** 2 + (t.y - cy) ** 2;
    if (d < best) { best = d; hotspot = t; }
  }
  const hotspotTiles = reachable.filter((t) => chebyshev(t, hotspot) <= HOTSPOT_RADIUS);
  const facts = { map, reachable, hotspot, hotspotTiles };
  factsCache.set(map, facts);
  return facts;
}

function firstWalkable(map: Walkable): Tile {
  const i = map.blocked.indexOf(0);
  return i < 0 ? { x: 0, y: 0 } : { x: i % map.width, y: Math.floor(i / map.width) };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.min(items.length - 1, Math.floor(rng() * items.length))];
}

function between(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}

/** What the bot wants to do at `now`. */
const LINES = ["hi!", "morning all", "coffee?", "brb", "standup in 5", "can you see my screen?", "nice desk", "lunch at 12:30?", "on it", "thanks!"];

export type Decision =
  | { kind: "step"; to: Pose }
  | { kind: "idle" }
  | { kind: "leave" };

/**
 * One bot's mind. Call `decide(now, pose)` as often as you like (it never asks to step more than
 * once per STEP_MS); tell it about refused steps with `replan()`. Pure apart from its own fields.
 */
export class BotBehaviour {
  private goal: Tile | undefined;
  private path: Tile[] = [];
  private pauseUntil: number;
  private lastStepAt = -Infinity;
  private nextChatAt: number;
  readonly leaveAt: number | undefined;

  constructor(
    readonly facts: MapFacts,
    readonly role: Role,
    private readonly rng: Rng,
    startedAt: number,
  ) {
    // A short random start delay spreads the crowd's steps over the STEP_MS cycle.
    this.pauseUntil = startedAt + rng() * STEP_MS * 4;
    this.leaveAt = role === "churn" ? startedAt + between(rng, CHURN_STAY_MIN_MS, CHURN_STAY_MAX_MS) : undefined;
    this.nextChatAt = role === "chatter" ? startedAt + between(rng, CHAT_MIN_MS, CHAT_MAX_MS) : Infinity;
  }

  /** A chatter's next line when one is due (else undefined): scope and text. Pure given the rng state. */
  chat(now: number): { scope: "space" | "nearby"; text: string } | undefined {
    if (now < this.nextChatAt) return undefined;
    this.nextChatAt = now + between(this.rng, CHAT_MIN_MS, CHAT_MAX_MS);
    const scope = this.rng() < 1 / 3 ? "space" : "nearby";
    return { scope, text: pick(this.rng, LINES) };
  }

  /** The goal being walked to, if any (for tests and debugging). */
  get currentGoal(): Tile | undefined { return this.goal; }
  /** The remaining planned tiles (copy). */
  get plannedPath(): Tile[] { return this.path.slice(); }

  /** Chooses a goal for this role. Pure given the rng state. */
  chooseGoal(): Tile {
    const tiles = this.role === "hotspot" ? this.facts.hotspotTiles : this.facts.reachable;
    return pick(this.rng, tiles);
  }

  decide(now: number, pose: Pose): Decision {
    if (this.leaveAt !== undefined && now >= this.leaveAt) return { kind: "leave" };
    if (now < this.pauseUntil || now - this.lastStepAt < STEP_MS) return { kind: "idle" };
    if (!this.goal) {
      this.goal = this.chooseGoal();
      this.path = findPath(this.facts.map, pose, this.goal);
      if (this.path.length === 0) return this.arrive(now); // already there, or unreachable from here
    }
    let next = this.path[0];
    let dir = next ? dirOfDelta(next.x - pose.x, next.y - pose.y) : undefined;
    if (dir === undefined) {
      // Pushed off the path (a correction): re-plan from where we are.
      this.path = findPath(this.facts.map, pose, this.goal);
      next = this.path[0];
      dir = next ? dirOfDelta(next.x - pose.x, next.y - pose.y) : undefined;
      if (dir === undefined) return this.arrive(now);
    }
    this.path.shift();
    this.lastStepAt = now;
    return { kind: "step", to: { x: next.x, y: next.y, dir } };
  }

  /** At the goal (or no way there): stand still for a while, then choose a new goal. */
  private arrive(now: number): Decision {
    this.goal = undefined;
    this.path = [];
    this.pauseUntil = now + between(this.rng, PAUSE_MIN_MS, PAUSE_MAX_MS);
    return { kind: "idle" };
  }

  /** The server refused a step or the predictor would not send it: plan again from the pose. */
  replan() {
    this.path = [];
    this.goal = undefined;
  }
}
