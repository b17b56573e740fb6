import { describe, expect, it } from "vitest";
import { features, inlineParams, parseVersion } from "./clickhouse.ts";
import { positional } from "./engine.ts";
import { engineChoice } from "./service.ts";
import { analyticsSpoolDir } from "./pipeline.ts";
import { median } from "./insights.ts";
import { versionedStatements } from "./migrations.ts";

describe("analytics engines", () => {
  it("AN6 the embedded engine is the default; ClickHouse by URL; a cluster needs it switched on", () => {
    expect(engineChoice({ CLICKHOUSE_URL: undefined, ANALYTICS_EMBEDDED: "auto", REDIS_URL: undefined })).toBe("embedded");
    expect(engineChoice({ CLICKHOUSE_URL: "http://127.0.0.1:8123", ANALYTICS_EMBEDDED: "on", REDIS_URL: undefined })).toBe("clickhouse");
    expect(engineChoice({ CLICKHOUSE_URL: undefined, ANALYTICS_EMBEDDED: "auto", REDIS_URL: "redis://127.0.0.1" })).toBe("spool");
    expect(engineChoice({ CLICKHOUSE_URL: undefined, ANALYTICS_EMBEDDED: "on", REDIS_URL: "redis://127.0.0.1" })).toBe("embedded");
    expect(engineChoice({ CLICKHOUSE_URL: undefined, ANALYTICS_EMBEDDED: "off", REDIS_URL: undefined })).toBe("spool");
  });

  it("the spool lives under PLAZA_DATA_DIR unless ANALYTICS_SPOOL_DIR says otherwise", () => {
    expect(analyticsSpoolDir({ PLAZA_DATA_DIR: "/srv/plaza", ANALYTICS_SPOOL_DIR: undefined })).toBe("/srv/plaza/analytics-spool");
    expect(analyticsSpoolDir({ PLAZA_DATA_DIR: "/srv/plaza", ANALYTICS_SPOOL_DIR: "/var/spool/plaza" })).toBe("/var/spool/plaza");
  });

  it("AN6 one query text: ClickHouse parameters inlined as typed literals for old servers, $n for PostgreSQL", () => {
    const sql = "SELECT * FROM t WHERE space = {space:String} AND ts >= {start:UInt32} AND note = {space:String}";
    expect(inlineParams(sql, { space: "o'neil\\x", start: 42 })).toBe("SELECT * FROM t WHERE space = 'o\\'neil\\\\x' AND ts >= 42 AND note = 'o\\'neil\\\\x'");
    expect(() => inlineParams(sql, { space: "a", start: 1.5 })).toThrow(/UInt32/);
    expect(() => inlineParams(sql, { space: "a" })).toThrow(/start missing/);
    expect(positional(sql, { space: "a", start: 1 })).toEqual({ text: "SELECT * FROM t WHERE space = $1 AND ts >= $2 AND note = $1", values: ["a", 1] });
  });

  it("AN6 PV4 ClickHouse version switches", () => {
    expect(features(parseVersion("18.16.1"))).toEqual({ queryParams: false, ttl: false, dedupToken: false });
    expect(features(parseVersion("19.11.3.11"))).toEqual({ queryParams: true, ttl: true, dedupToken: false });
    expect(features(parseVersion("24.8.4.13"))).toEqual({ queryParams: true, ttl: true, dedupToken: true });
    expect(versionedStatements("plaza", features(parseVersion("18.16.1")), 90)).toEqual([]);
    expect(versionedStatements("plaza", features(parseVersion("24.8")), 90)).toEqual([
      "ALTER TABLE plaza.plaza_events MODIFY TTL ts + INTERVAL 90 DAY",
      "ALTER TABLE plaza.plaza_events MODIFY SETTING non_replicated_deduplication_window = 1000",
      "ALTER TABLE plaza.plaza_presence MODIFY TTL ts + INTERVAL 90 DAY",
      "ALTER TABLE plaza.plaza_presence MODIFY SETTING non_replicated_deduplication_window = 1000",
    ]);
  });

  it("exact medians", () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
