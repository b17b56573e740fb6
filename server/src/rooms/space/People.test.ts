import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { SpaceState } from "../../../../shared/state.ts";
import { emptyWorld, planEdit } from "../../../../shared/world.ts";
import { Dir } from "../../../../shared/protocol.ts";
import { EMOTE_MIN_MS, EMOTE_SHOW_MS, STEP_BURST } from "../../../../shared/constants.ts";
import { People } from "./People.ts";
import { SpaceWorld } from "./SpaceWorld.ts";

const BASE = parseTiledMap(asciiTiledMap(["##########", "#S...#...#", "#........#", "#S.......#", "##########"]));

function setup() {
  const state = new SpaceState();
  const world = new SpaceWorld(BASE, emptyWorld(), state);
  const views: string[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const visibility = {
    join: (id: string) => views.push(`join ${id}`),
    moved: (id: string, x: number, y: number) => views.push(`moved ${id} ${x},${y}`),
    leave: (id: string) => views.push(`leave ${id}`),
  };
  const people = new People(state, world, visibility, (fn, ms) => {
    const t = { fn, ms, cleared: false };
    timers.push(t);
    return { clear: () => { t.cleared = true; } };
  });
  return { state, world, people, views, timers };
}
const holder = {} as Parameters<People["add"]>[3];

describe("People (SP1, BM5, MV, ST, LO1)", () => {
  it("SP1 newcomers appear on the least crowded spawn; BM5 members in front of their claimed desk", () => {
    const { world, people } = setup();
    expect(people.arrivalSpot(null)).toEqual({ x: 1, y: 1 });
    people.add("a", { name: "Ann", look: 0 }, { x: 1, y: 1 }, holder);
    expect(people.arrivalSpot(null)).toEqual({ x: 1, y: 3 });
    const desk = planEdit(world.base, world.content, { op: "place", kind: "desk", x: 6, y: 2, rot: 0 }, { userId: "m", name: "M", canBuild: true, canClaim: true }, () => "d");
    if (!desk.ok) throw new Error(desk.message);
    world.apply(desk.change);
    const claim = planEdit(world.base, world.content, { op: "claim", id: desk.created! }, { userId: "m", name: "M", canBuild: false, canClaim: true }, () => "x");
    if (!claim.ok) throw new Error(claim.message);
    world.apply(claim.change);
    expect(people.arrivalSpot("m")).toEqual({ x: 6, y: 3 });
  });

  it("IM3 someone added is in the roster and on the map with a view; removed, both go (the view first)", () => {
    const { state, people, views } = setup();
    people.add("a", { name: "Ann", look: 3 }, { x: 2, y: 2 }, holder);
    expect(state.people.get("a")).toMatchObject({ name: "Ann", look: 3 });
    expect(state.avatars.get("a")).toMatchObject({ x: 2, y: 2, dir: Dir.DOWN });
    expect(people.describe("a")).toEqual({ name: "Ann", x: 2, y: 2 });
    expect(people.remove("a")).toBe(true);
    expect(views).toEqual(["join a", "leave a"]);
    expect(state.avatars.size + state.people.size).toBe(0);
    expect(people.describe("a")).toEqual({ name: "", x: 0, y: 0 });
    expect(people.remove("a")).toBe(false);
  });

  it("MV2–MV5 moves are checked with applyMove and the speed limit; MV7 acks name the last seq", () => {
    const { people, views } = setup();
    people.add("a", { name: "Ann", look: 0 }, { x: 1, y: 2 }, holder);
    expect(people.ack("a")).toEqual([0, 1, 2, Dir.DOWN]);
    expect(people.move("a", { seq: 1, x: 2, y: 2, dir: Dir.RIGHT }, 0)).toEqual({ ok: true, ack: [1, 2, 2, Dir.RIGHT] });
    expect(views.at(-1)).toBe("moved a 2,2");
    expect(people.move("a", { seq: 2, x: 4, y: 2, dir: Dir.RIGHT }, 0)).toMatchObject({ ok: false, correction: { seq: 2, x: 2, y: 2, reason: "not_adjacent" } });
    expect(people.move("a", { seq: 3, x: 2, y: 1, dir: Dir.UP }, 0)).toEqual({ ok: true, ack: [3, 2, 1, Dir.UP] });
    expect(people.move("a", { seq: 4, x: 2, y: 0, dir: Dir.UP }, 0)).toMatchObject({ ok: false, correction: { reason: "blocked" } });
    for (let i = 2; i < STEP_BURST; i++) expect(people.move("a", { seq: 10 + i, x: 2 + i - 1, y: 1, dir: Dir.RIGHT }, 0)?.ok).toBe(true);
    expect(people.move("a", { seq: 20, x: 4, y: 2, dir: Dir.DOWN }, 0)).toMatchObject({ ok: false, correction: { reason: "too_fast" } });
    expect(people.move("a", { seq: 21, x: 4, y: 1, dir: Dir.LEFT }, 0)).toEqual({ ok: true, ack: [21, 4, 1, Dir.LEFT] }); // a turn is free
    expect(people.ack("a")?.[0]).toBe(21);
    expect(people.move("nobody", { seq: 1, x: 1, y: 1, dir: Dir.UP }, 0)).toBeUndefined();
  });

  it("ST3 an emote shows for EMOTE_SHOW_MS, at most one per EMOTE_MIN_MS; ST1 status changes are reported once", () => {
    const { state, people, timers } = setup();
    people.add("a", { name: "Ann", look: 0 }, { x: 1, y: 2 }, holder);
    expect(people.emote("a", "wave", 0)).toEqual({ x: 1, y: 2 });
    expect(state.avatars.get("a")!.emote).toBe(1);
    expect(people.emote("a", "heart", 10)).toBe("too_soon");
    expect(people.emote("a", "heart", EMOTE_MIN_MS)).toEqual({ x: 1, y: 2 });
    expect(timers.map((t) => [t.ms, t.cleared])).toEqual([[EMOTE_SHOW_MS, true], [EMOTE_SHOW_MS, false]]);
    timers[1].fn();
    expect(state.avatars.get("a")!.emote).toBe(0);
    expect(people.emote("nobody", "wave", 0)).toBeUndefined();
    expect(people.setStatus("a", "busy")).toBe(true);
    expect(people.setStatus("a", "busy")).toBe(false);
    people.setMedia("a", { mic: true, cam: false, screen: true });
    expect(state.people.get("a")!.media).toBe(5);
    expect(people.talkers(["a", "nobody"])).toEqual([{ id: "a", x: 1, y: 2, status: "busy" }]);
    expect(people.locate("a")).toEqual({ id: "a", found: true, x: 1, y: 2 });
    expect(people.locate("b")).toEqual({ id: "b", found: false, x: 0, y: 0 });
  });

  it("SE9 a held avatar is continued from where it stands, if someone may stand there", () => {
    const { world, people } = setup();
    people.add("a", { name: "Ann", look: 0 }, { x: 3, y: 2 }, holder);
    expect(people.standingAt("a")).toEqual({ x: 3, y: 2 });
    const wall = planEdit(world.base, world.content, { op: "paint", paint: "wall", tiles: [[3, 2]] }, { userId: "b", name: "B", canBuild: true, canClaim: true }, () => "x");
    if (!wall.ok) throw new Error(wall.message);
    world.apply(wall.change);
    expect(people.standingAt("a")).toBeUndefined();
    expect(people.standingAt("nobody")).toBeUndefined();
  });
});
