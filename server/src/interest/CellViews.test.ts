/**
 * A client moving between cells (SPEC IM7) against the real encoder and decoder: the transition
 * view sends only what the client lacks, deletes what the new cell does not show, switches tags
 * in place, and follows the new cell's changes during the patch.
 */
import { expect, it } from "vitest";
import { COARSE, FINE, type Avatar, type PositionTag } from "../../../shared/state.ts";
import { AvatarView } from "./AvatarView.ts";
import { Cell, Transition, type Viewer } from "./CellViews.ts";
import { decoded, TestSpace } from "./testing.ts";

/** A client that holds `held` through its old cell's view, and a new cell showing `shows`. */
function moving(held: Record<string, PositionTag>, shows: Record<string, PositionTag>) {
  const space = new TestSpace();
  const avatars = new Map<string, Avatar>();
  ["a", "b", "c", "d"].forEach((id, i) => avatars.set(id, space.avatar(id, 10 + i, 5)));
  const avatarOf = (id: string) => avatars.get(id);
  const old = new AvatarView();
  for (const [id, tag] of Object.entries(held)) old.add(avatars.get(id)!, tag);
  const client = space.client();
  old.assignTo(client.holder);
  space.fullState(client);
  const cell = new Cell(1, { x: 12, y: 4 }, new AvatarView(), new Map(Object.entries(shows)), avatarOf);
  const t = new Transition(new AvatarView(), new Map(Object.entries(held)), cell, avatarOf);
  const viewer: Viewer = { id: "me", holder: client.holder, cell, transition: t };
  cell.clients.add("me");
  t.viewers.push(viewer);
  t.view.assignTo(client.holder);
  return { space, avatars, client, cell, t };
}

it("IM7 the transition adds what the client lacks, deletes what the cell does not show, retags in place", () => {
  const { space, avatars, client, cell, t } = moving({ a: FINE, b: FINE }, { b: COARSE, c: FINE });
  const b = client.decoder.state.avatars.get("b");
  avatars.get("b")!.cx = 7;
  space.patch();
  expect(decoded(client)).toEqual({ b: { x: 7, y: 5, coarse: true }, c: { x: 12, y: 5, coarse: false } });
  expect(client.decoder.state.avatars.get("b")).toBe(b); // held already: not sent again
  expect([...t.members]).toEqual([["b", COARSE], ["c", FINE]]);
  // Everyone on the cell came through the transition: the cell's own queued changes are dropped.
  cell.patched();
  expect(cell.view.pending).toBe(false);
  expect([...cell.sent]).toEqual([...cell.members]);
});

it("IM7 during the patch the transition follows the cell's changes", () => {
  const { space, avatars, client, cell, t } = moving({ a: FINE, b: FINE }, { b: FINE, c: FINE });
  cell.show("d", avatars.get("d")!, FINE);
  cell.retag("c", avatars.get("c")!, FINE, COARSE);
  cell.hide("b", avatars.get("b")!);
  space.patch();
  expect(decoded(client)).toEqual({ c: { x: 12, y: 5, coarse: true }, d: { x: 13, y: 5, coarse: false } });
  expect([...t.members].sort()).toEqual([["c", COARSE], ["d", FINE]]);
  cell.patched();
  expect([...cell.sent].sort()).toEqual([["c", COARSE], ["d", FINE]]);
});

it("IM9 an avatar the transition deleted and the cell shows again with the other tag comes without a stale pair", () => {
  const { space, avatars, client, cell } = moving({ a: FINE }, {});
  avatars.get("a")!.cx = 2;
  cell.show("a", avatars.get("a")!, COARSE);
  space.patch();
  expect(decoded(client)).toEqual({ a: { x: 2, y: 5, coarse: true } });
});

it("a cell's first members are held without being sent: its clients come through transitions or a full state", () => {
  const space = new TestSpace();
  const a = space.avatar("a", 1, 1);
  const cell = new Cell(0, { x: 4, y: 4 }, new AvatarView(), new Map([["a", FINE]]), () => a);
  expect(cell.view.pending).toBe(false);
  expect([...cell.sent]).toEqual([["a", FINE]]);
  const c = space.client();
  cell.view.assignTo(c.holder);
  space.fullState(c);
  expect(decoded(c)).toEqual({ a: { x: 1, y: 1, coarse: false } });
  expect(cell.sentAny(new Set(["a"]))).toBe(true);
  expect(cell.sentAny(new Set(["b"]))).toBe(false);
});
