/**
 * The settings are declared once (config.ts); README's "Configuration" table and .env.example must
 * list exactly those, with the same defaults. `npm run docs:config` renders both from config.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configDefaults, configFromEnv, exportColyseusSettings, logLevelFromEnv, settingsSchema, type SettingName } from "./config.ts";
import { defaultAsEnv, describeSetting, ENV_EXAMPLE_PATH, envExample, README_PATH, readmeTable, TABLE_END, TABLE_START } from "./configDocs.ts";

const names = Object.keys(settingsSchema.shape) as SettingName[];
const readme = readFileSync(README_PATH, "utf8");
const envFile = readFileSync(ENV_EXAMPLE_PATH, "utf8");
const FIX = "run `npm run docs:config` after editing server/src/config.ts";

/** The value a documented default stands for, read back through the setting's own schema. */
function parsed(name: SettingName, text: string | undefined): unknown {
  return settingsSchema.shape[name].parse(text);
}
const defaultOf = (name: SettingName): unknown => (configDefaults() as Record<string, unknown>)[name];

/** Every row of every README table whose header is `| variable | default | …`: name → default cell. */
function readmeRows(): Array<{ name: string; cell: string }> {
  const rows: Array<{ name: string; cell: string }> = [];
  let inTable = false;
  for (const line of readme.split("\n")) {
    if (/^\|\s*variable\s*\|\s*default\s*\|/.test(line)) { inTable = true; continue; }
    if (!line.startsWith("|")) { inTable = false; continue; }
    if (!inTable) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    for (const m of cells[0].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.push({ name: m[1], cell: cells[1] });
  }
  return rows;
}

/** `# NAME=value` or `NAME=value` lines of .env.example. */
function envExampleRows(): Array<{ name: string; value: string }> {
  return [...envFile.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[1], value: m[2] }));
}

describe("configuration: one declaration per setting", () => {
  it("every setting carries a description and a default the schema reads back as itself", () => {
    for (const name of names) {
      expect(describeSetting(name).length, name).toBeGreaterThan(10);
      expect(parsed(name, defaultAsEnv(name)), name).toEqual(defaultOf(name));
    }
  });

  it("README's tables list exactly the settings, each once, with its default", () => {
    const rows = readmeRows();
    expect(rows.map((r) => r.name).sort(), FIX).toEqual([...names].sort());
    for (const { name, cell } of rows as Array<{ name: SettingName; cell: string }>) {
      const text = cell === "–" ? undefined : cell === "empty" ? "" : cell.replace(/^`(.*)`$/, "$1");
      expect(parsed(name, text), `README default of ${name}: ${FIX}`).toEqual(defaultOf(name));
    }
  });

  it(".env.example lists exactly the settings, each once, at its default", () => {
    const rows = envExampleRows();
    expect(rows.map((r) => r.name).sort(), FIX).toEqual([...names].sort());
    for (const { name, value } of rows as Array<{ name: SettingName; value: string }>) expect(parsed(name, value === "" ? undefined : value), `.env.example default of ${name}: ${FIX}`).toEqual(defaultOf(name));
  });

  it("README's table and .env.example are the ones rendered from config.ts (descriptions included)", () => {
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start, "README has the settings table markers").toBeGreaterThanOrEqual(0);
    expect(readme.slice(start, end + TABLE_END.length), FIX).toBe(readmeTable());
    expect(envFile, FIX).toBe(envExample());
  });
});

describe("configuration: reading the environment", () => {
  it("an empty environment gives the documented defaults; empty variables count as unset", () => {
    const c = configFromEnv({});
    expect(c).toMatchObject({ PORT: 2567, HOST: "0.0.0.0", PLAZA_DATA_DIR: ".data", ANALYTICS_EMBEDDED: "auto", ICE_SERVERS: [], PLAZA_AUTO_SPACES: false, LOG_LEVEL: "info" });
    expect(configFromEnv({ DATABASE_URL: "", REDIS_URL: "", PLAZA_SECRET: "", PLAZA_AUTO_SPACES: "" })).toMatchObject({ DATABASE_URL: undefined, REDIS_URL: undefined, PLAZA_SECRET: undefined, PLAZA_AUTO_SPACES: false });
  });

  it("refuses invalid values with the setting's name", () => {
    expect(() => configFromEnv({ PORT: "http" })).toThrow(/invalid configuration: PORT/);
    expect(() => configFromEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY/);
    expect(() => configFromEnv({ ICE_SERVERS: "stun:x" })).toThrow(/ICE_SERVERS must be a JSON array/);
    expect(() => configFromEnv({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("the log level defaults to warn under tests, info otherwise, and LOG_LEVEL wins", () => {
    expect(logLevelFromEnv({})).toBe("info");
    expect(logLevelFromEnv({ NODE_ENV: "test" })).toBe("warn");
    expect(logLevelFromEnv({ NODE_ENV: "test", LOG_LEVEL: "debug" })).toBe("debug");
    expect(configFromEnv({ NODE_ENV: "test" }).LOG_LEVEL).toBe("warn");
  });

  it("CL3 hands CLUSTER_IPC_TIMEOUT_MS to Colyseus unless its own variable is set", () => {
    const env: NodeJS.ProcessEnv = {};
    exportColyseusSettings({ CLUSTER_IPC_TIMEOUT_MS: 900 }, env);
    expect(env.COLYSEUS_PRESENCE_SHORT_TIMEOUT).toBe("900");
    exportColyseusSettings({ CLUSTER_IPC_TIMEOUT_MS: 1500 }, env);
    expect(env.COLYSEUS_PRESENCE_SHORT_TIMEOUT).toBe("900");
  });
});
