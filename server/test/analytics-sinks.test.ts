/**
 * EventSink contract (AN2): one suite, run against the spool and against a real ClickHouse.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { SpoolSink } from "../src/analytics/spool.ts";
import { ClickHouseSink } from "../src/analytics/clickhouse.ts";
import { SinkClosedError, type AnalyticsRow, type EventRow, type EventSink, type PresenceRow, type TableName } from "../src/analytics/sink.ts";
import { clickHouseBinary, startClickHouse, type TestClickHouse } from "./clickhouse.ts";

interface SinkUnderTest {
  sink: EventSink;
  /** Every stored row of a table (deduplicated where the store deduplicates). */
  read(table: TableName): Promise<AnalyticsRow[]>;
  dispose(): Promise<void>;
}

let seq = 0;
export function eventRow(over: Partial<EventRow> = {}): EventRow {
  seq++;
  return {
    id: randomUUID(), type: "chat_sent", ts: "2026-03-04 05:06:07", space: "contract", process: "host:1", session: `s${seq}`,
    user: "Ada", n: seq, duration_ms: 0, detail: "nearby", x: seq % 100, y: 7, v: 1, ...over,
  };
}
const presenceRow = (over: Partial<PresenceRow> = {}): PresenceRow => ({ ts: "2026-03-04 05:06:05", space: "contract", x: 3, y: 4, people: 2, v: 1, ...over });

function contract(name: string, make: () => Promise<SinkUnderTest>, skip = false) {
  describe.skipIf(skip)(`EventSink contract: ${name}`, () => {
    it("AN2 stores every field of every row as given", async () => {
      const s = await make();
      try {
        const tricky = eventRow({ user: `Zoë "the" O'Brien \\ 👋`, detail: "line1\nline2\ttab", duration_ms: 6_000_000_000, x: 65535, y: 0 });
        const rows = [tricky, eventRow(), eventRow({ type: "space_leave", duration_ms: 1234 })];
        await s.sink.write("plaza_events", rows);
        await s.sink.write("plaza_presence", [presenceRow(), presenceRow({ x: 5, people: 1 })]);
        const back = (await s.read("plaza_events")) as EventRow[];
        expect(sortBy(back, "id")).toEqual(sortBy(rows, "id"));
        expect(sortBy((await s.read("plaza_presence")) as PresenceRow[], "x")).toEqual([presenceRow(), presenceRow({ x: 5, people: 1 })]);
      } finally {
        await s.dispose();
      }
    });

    it("AN2 an empty batch is a no-op", async () => {
      const s = await make();
      try {
        await s.sink.write("plaza_events", []);
        expect(await s.read("plaza_events")).toEqual([]);
      } finally {
        await s.dispose();
      }
    });

    it("AN2 concurrent and large batches all land, none interleaved or lost", async () => {
      const s = await make();
      try {
        const batches = Array.from({ length: 8 }, (_, i) => Array.from({ length: i === 0 ? 5000 : 50 }, () => eventRow()));
        await Promise.all(batches.map((b) => s.sink.write("plaza_events", b)));
        const ids = new Set(((await s.read("plaza_events")) as EventRow[]).map((r) => r.id));
        expect(ids.size).toBe(5000 + 7 * 50);
        for (const b of batches) for (const r of b) expect(ids.has(r.id)).toBe(true);
      } finally {
        await s.dispose();
      }
    });

    it("AN2 writes after close reject with SinkClosedError", async () => {
      const s = await make();
      await s.sink.close();
      await expect(s.sink.write("plaza_events", [eventRow()])).rejects.toBeInstanceOf(SinkClosedError);
      await s.dispose();
    });
  });
}

const sortBy = <T>(rows: T[], k: keyof T) => [...rows].sort((a, b) => String(a[k]).localeCompare(String(b[k])));

contract("spool", async () => {
  const dir = mkdtempSync(join(tmpdir(), "plaza-spool-contract-"));
  const sink = new SpoolSink({ dir, maxBytes: 64 << 20 });
  return {
    sink,
    read: (t) => sink.readAll(t),
    dispose: async () => {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const haveClickHouse = clickHouseBinary() !== null;
if (!haveClickHouse) console.warn("clickhouse-server not installed: ClickHouse contract tests skipped");
let ch: TestClickHouse;
let dbN = 0;
beforeAll(async () => {
  if (haveClickHouse) ch = await startClickHouse();
});
afterAll(async () => {
  await ch?.dispose();
});

contract(
  "clickhouse",
  async () => {
    const sink = new ClickHouseSink({ url: ch.url, database: `contract_${++dbN}` });
    await sink.migrate();
    const reader = new ClickHouseSink({ url: ch.url, database: sink.database });
    return {
      sink,
      read: async (t) => {
        const rows = await reader.query<Record<string, unknown>>(`SELECT * FROM ${reader.table(t)} FINAL`);
        // JSON output quotes UInt64; the contract compares values.
        return rows.map((r) => ("duration_ms" in r ? { ...r, duration_ms: Number(r.duration_ms) } : r)) as unknown as AnalyticsRow[];
      },
      dispose: async () => {
        await sink.close();
        await reader.close();
      },
    };
  },
  !haveClickHouse,
);

describe.skipIf(!haveClickHouse)("ClickHouse sink", () => {
  it("AN3 the same batch written twice is counted once (ReplacingMergeTree + FINAL)", async () => {
    const sink = new ClickHouseSink({ url: ch.url, database: "twice" });
    await sink.migrate();
    const rows = Array.from({ length: 100 }, () => eventRow());
    await sink.write("plaza_events", rows);
    await sink.write("plaza_events", rows);
    expect(await ch.sql("SELECT count() FROM twice.plaza_events")).toBe("200\n");
    expect(await ch.sql("SELECT count(), uniqExact(id) FROM twice.plaza_events FINAL")).toBe("100\t100\n");
    await sink.close();
  });

  it("AN3 migrations are recorded and idempotent", async () => {
    const sink = new ClickHouseSink({ url: ch.url, database: "migr" });
    expect(await sink.migrate()).toEqual([1, 2]);
    expect(await sink.migrate()).toEqual([]);
    expect(await ch.sql("SELECT version, name FROM migr.plaza_schema_migrations FINAL ORDER BY version FORMAT TSV")).toBe("1\tplaza_events\n2\tplaza_presence\n");
    await sink.close();
  });
});
