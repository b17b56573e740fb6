/** SPEC IM5: interest management off, against the real encoder and decoder. */
import { expect, it } from "vitest";
import { FINE } from "../../../shared/state.ts";
import { createVisibility } from "./AvatarVisibility.ts";
import { decoded, TestSpace } from "./testing.ts";

it("IM5 off: one shared view, everyone FINE wherever they stand; leaving deletes them everywhere", () => {
  const space = new TestSpace();
  const vis = createVisibility("off", 48, 34, { radius: 2, max: 1, cell: 8, refreshPatches: 1, coarsePatches: 1, fine: 1 });
  const clients = [[0, 0], [47, 33], [20, 10]].map(([x, y], i) => {
    const c = space.client();
    vis.join(`p${i}`, space.avatar(`p${i}`, x, y), c.holder);
    return c;
  });
  expect(new Set(clients.map((c) => c.holder.view)).size).toBe(1);
  for (const c of clients) space.fullState(c);
  vis.moved("p0", 1, 0);
  space.state.avatars.get("p0")!.x = 1;
  vis.tick();
  space.patch();
  vis.patched();
  const all = { p0: { x: 1, y: 0, coarse: false }, p1: { x: 47, y: 33, coarse: false }, p2: { x: 20, y: 10, coarse: false } };
  for (const c of clients) expect(decoded(c)).toEqual(all);
  expect([...vis.visibleTo("p1")!]).toEqual([["p0", FINE], ["p1", FINE], ["p2", FINE]]);
  vis.leave("p2");
  space.state.avatars.delete("p2");
  space.patch();
  for (const c of clients.slice(0, 2)) expect(Object.keys(decoded(c))).toEqual(["p0", "p1"]);
  expect(vis.visibleTo("p2")).toBeUndefined();
  expect([vis.viewCount, vis.switches, vis.mode]).toEqual([1, 0, "off"]);
});
