/**
 * The embedded engine's memory behaviour (AN8): PGlite's buffer pool is the configured size, the
 * database opens on the first batch, stops when idle and opens again with every row kept, a
 * retention cutoff that arrives while it is stopped is applied before anything reads it, and its
 * directory stays this process's while stopped.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { until } from "../../../shared/testing/wait.ts";
import { EmbeddedEngine } from "./embedded.ts";
import { EVENT_SCHEMA_VERSION } from "./events.ts";
import type { EventRow } from "./sink.ts";

const root = mkdtempSync(join(tmpdir(), "plaza-embedded-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const event = (id: string, ts: string): EventRow => ({
  id, type: "space_enter", ts, space: "s", process: "p", session: id, user: `u-${id}`, n: 0, duration_ms: 0, detail: "", x: 0, y: 0, v: EVENT_SCHEMA_VERSION,
});
/** Each test opens PGlite two or three times: seconds apiece on a loaded machine. A bound, not a timing assertion. */
const SLOW = 180_000;
const ids = async (engine: EmbeddedEngine) =>
  (await engine.query<{ id: string }>("SELECT id FROM plaza_events ORDER BY id", {})).map((r) => r.id);

it("AN8 opens on the first batch with the configured buffer pool, stops when idle, reopens with its rows", async () => {
  const engine = new EmbeddedEngine(join(root, "idle"), { sharedBuffersMb: 8, idleCloseMs: 300 });
  try {
    expect(await engine.ping()).toBe(true);
    expect(engine.running).toBe(false); // answering a ping opens nothing
    await engine.write("plaza_events", [event("a", "2026-03-01 10:00:00"), event("b", "2026-03-01 11:00:00")]);
    expect(engine.running).toBe(true);
    expect(await engine.query("SHOW shared_buffers", {})).toEqual([{ shared_buffers: "8MB" }]);
    await until(() => !engine.running, "the idle database stops", 30_000);
    expect(await ids(engine)).toEqual(["a", "b"]);
  } finally {
    await engine.close();
  }
}, SLOW);

it("AN8 PV4 a retention cutoff sent while stopped is applied when the database opens, before it answers", async () => {
  const engine = new EmbeddedEngine(join(root, "retention"), { idleCloseMs: 200 });
  try {
    await engine.write("plaza_events", [event("old", "2026-01-01 00:00:00"), event("new", "2026-03-01 00:00:00")]);
    await until(() => !engine.running, "the idle database stops", 30_000);
    await engine.deleteBefore(Date.parse("2026-02-01T00:00:00Z") / 1000);
    expect(engine.running).toBe(false);
    expect(await ids(engine)).toEqual(["new"]);
  } finally {
    await engine.close();
  }
}, SLOW);

it("AN8 a stopped database's directory stays this process's until the engine closes", async () => {
  const dir = join(root, "locked");
  const engine = new EmbeddedEngine(dir, { idleCloseMs: 200 });
  await engine.write("plaza_events", [event("a", "2026-03-01 10:00:00")]);
  await until(() => !engine.running, "the idle database stops", 30_000);
  // Another process finding this pid alive in LOCK stays out (dirLock.ts).
  expect(readFileSync(join(dir, "LOCK"), "utf8")).toBe(String(process.pid));
  await engine.close();
  expect(existsSync(join(dir, "LOCK"))).toBe(false);
}, SLOW);
