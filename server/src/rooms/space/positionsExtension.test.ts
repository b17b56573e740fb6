import { describe, expect, it } from "vitest";
import type { Tile } from "../../../../shared/grid.ts";
import { sleep } from "../../../../shared/testing/wait.ts";
import type { PositionStore } from "../../cluster/PositionStore.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import { positionsExtension } from "./positionsExtension.ts";
import type { SpaceRoomContext } from "./extension.ts";

class MemoryPositions implements PositionStore {
  data = new Map<string, Tile>();
  saves = 0;
  failing = false;
  async save(spaceId: string, positions: ReadonlyMap<string, Tile>) {
    this.saves++;
    if (this.failing) throw new Error("redis down");
    for (const [id, t] of positions) this.data.set(`${spaceId}/${id}`, t);
  }
  async forget(spaceId: string, sessionId: string) { this.data.delete(`${spaceId}/${sessionId}`); }
  async lookup(spaceId: string, sessionId: string) { return this.data.get(`${spaceId}/${sessionId}`); }
}

function setup() {
  const store = new MemoryPositions();
  const timers: { ms: number; fn: () => void }[] = [];
  const avatars = new Map<string, Tile>([["a", { x: 1, y: 1 }], ["b", { x: 2, y: 1 }]]);
  const ctx = {
    spaceId: "sp", roomId: "r", space: { id: "sp" } as SpaceRecord, draining: false,
    avatars: () => avatars.entries(), walkable: (x: number) => x !== 9, broadcast: () => {}, every: (ms: number, fn: () => void) => timers.push({ ms, fn }), guarded: () => {},
  } satisfies SpaceRoomContext;
  const ext = positionsExtension(store, 2000)(ctx);
  return { store, timers, avatars, ctx, ext };
}
const flush = () => sleep(0);

describe("positions extension (CL3, CL4)", () => {
  it("CL3 everyone's position is written in one batch per interval; nobody there, nothing written; a failed write is only counted", async () => {
    const { store, timers, avatars } = setup();
    expect(timers.map((t) => t.ms)).toEqual([2000]);
    timers[0].fn();
    await flush();
    expect(store.saves).toBe(1);
    expect([...store.data]).toEqual([["sp/a", { x: 1, y: 1 }], ["sp/b", { x: 2, y: 1 }]]);
    store.failing = true;
    timers[0].fn();
    await flush();
    avatars.clear();
    timers[0].fn();
    await flush();
    expect(store.saves).toBe(2);
  });

  it("CL3 leaving forgets the position; leaving because the process drains keeps it (CL4), and the drain writes everyone once more", async () => {
    const { store, ctx, ext } = setup();
    store.data.set("sp/a", { x: 5, y: 5 });
    store.data.set("sp/b", { x: 5, y: 5 });
    ext.onLeave!({ session: "a", name: "", x: 0, y: 0 });
    await flush();
    expect(store.data.has("sp/a")).toBe(false);
    (ctx as { draining: boolean }).draining = true;
    await ext.onDrain!();
    ext.onLeave!({ session: "b", name: "", x: 0, y: 0 });
    await flush();
    expect(store.data.get("sp/b")).toEqual({ x: 2, y: 1 });
  });

  it("CL3 SE6 a resumed session is placed at its stored tile once, only if walkable", async () => {
    const { store, ext } = setup();
    store.data.set("sp/old", { x: 3, y: 1 });
    store.data.set("sp/walled", { x: 9, y: 1 });
    expect(await ext.onResume!("old")).toEqual({ x: 3, y: 1 });
    await flush();
    expect(await ext.onResume!("old")).toBeUndefined(); // used once
    expect(await ext.onResume!("walled")).toBeUndefined();
    expect(await ext.onResume!("unknown")).toBeUndefined();
  });
});
