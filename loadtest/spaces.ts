/**
 * `npm run bench:spaces`: how fast persistent spaces load into rooms and how long a build edit
 * takes to be stored and acknowledged, on embedded PGlite (on disk) and, when PostgreSQL is
 * installed, on a throw-away PostgreSQL. Prints one table per backend for BENCHMARKS.md:
 *  - space load: `directory.load()` (space row + all content rows + cached map parse) for a space
 *    of the large open-plan template plus N extra objects and painted tiles, median of 20 loads;
 *  - first join: a client's joinOrCreate to that space with no room open (room created, content
 *    loaded, state sent), median of 10 (each after the room is disposed);
 *  - edit ack: 300 sequential `paint` edits from one builder, time from send to `built` (stored
 *    durably, then applied, then acknowledged after the next patch), p50/p95/p99.
 * Only 127.0.0.1 is contacted. Options: `--extra-objects N` (default 1000) and `--extra-paint N`
 * (default 3000) size the space.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { matchMaker } from "@colyseus/core";
import { startPlaza, type PlazaProcess } from "../server/src/app.ts";
import { openPglite } from "../server/src/store/pglite.ts";
import { openPostgres } from "../server/src/store/postgres.ts";
import type { Store } from "../server/src/store/Store.ts";
import { startSharedDatabase } from "../server/test/postgres.ts";
import { api, createSpace, joinWithToken, signUp, until, type TestRoom } from "../server/test/harness.ts";
import type { ServerMessages } from "../shared/protocol.ts";
import { thingToRow, type EntityPut } from "../shared/world.ts";

const { values: args } = parseArgs({
  options: { "extra-objects": { type: "string", default: "1000" }, "extra-paint": { type: "string", default: "3000" } },
  strict: true,
});
/** Objects and painted tiles added to the template's content, so a load reads a big space. */
const EXTRA_OBJECTS = Number(args["extra-objects"]);
const EXTRA_PAINT = Number(args["extra-paint"]);
if (!Number.isInteger(EXTRA_OBJECTS) || !Number.isInteger(EXTRA_PAINT) || EXTRA_OBJECTS < 0 || EXTRA_PAINT < 0) throw new Error("--extra-objects and --extra-paint take whole numbers");
const LOADS = 20;
const JOINS = 10;
const EDITS = 300;

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function run(label: string, store: Store) {
  const dataDir = mkdtempSync(join(tmpdir(), "plaza-bench-spaces-"));
  const server: PlazaProcess = await startPlaza({ PORT: 0, HOST: "127.0.0.1", PLAZA_DATA_DIR: dataDir, ANALYTICS_SPOOL_DIR: join(dataDir, "spool"), SIGNUPS_PER_ADDRESS: 100_000, store });
  try {
    const owner = await signUp(server, "Bench");
    const r = await api(server, "POST", "/api/spaces", { id: "bench-hq", name: "Bench HQ", template: "open-plan" }, owner.token);
    if (r.status !== 201) await createSpace(server, owner, "bench-hq");
    // Grow it: extra objects in a grid of chairs (never blocking) and painted tiles, in 20 edits.
    const base = (await server.directory.load("bench-hq"))!;
    let version = base.content.version;
    const puts: EntityPut[] = [];
    for (let i = 0; i < EXTRA_OBJECTS; i++) puts.push(thingToRow({ id: `o:bench${i}`, kind: "chair", x: i % base.base.width, y: Math.floor(i / base.base.width) % base.base.height, rot: 0, rev: 1, claimedBy: null, claimName: null }));
    for (let i = 0; i < EXTRA_PAINT; i++) puts.push({ id: `p:${i}`, rev: 1, data: { type: "paint", paint: "carpet" } });
    for (let i = 0; i < puts.length; i += 200) version = await store.commitEdit("bench-hq", { expectVersion: version, authorId: owner.id, op: { bench: true }, puts: puts.slice(i, i + 200), deletes: [] });
    const entities = (await store.content("bench-hq"))!.entities.length;

    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const t = performance.now();
      await server.directory.load("bench-hq");
      loads.push(performance.now() - t);
    }

    const joins: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const t = performance.now();
      const room = await joinWithToken(server, "bench-hq", owner);
      await until(() => room.state.contentVersion === version, "content synced", 30_000);
      joins.push(performance.now() - t);
      await room.leave();
      await until(() => matchMaker.stats.local.roomCount === 0, "room disposed", 10_000);
    }

    const room: TestRoom = await joinWithToken(server, "bench-hq", owner);
    const acks: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const t = performance.now();
      const ack = await new Promise<ServerMessages["built"]>((resolve) => {
        const off = room.onMessage("built", (b: ServerMessages["built"]) => { if (b.ref === i) { off(); resolve(b); } });
        room.send("build", { ref: i, op: { op: "paint", paint: i % 2 ? "wood" : "tiles", tiles: [[i % 40, 1 + Math.floor(i / 40)]] } });
      });
      if (!ack.ok) throw new Error(`edit refused: ${ack.message}`);
      acks.push(performance.now() - t);
    }
    await room.leave();

    console.log(`\n${label}: space of ${entities} entities (open-plan template + ${EXTRA_OBJECTS} objects + ${EXTRA_PAINT} painted tiles)`);
    console.log(`| measure | p50 | p95 | max |`);
    console.log(`|---|---|---|---|`);
    console.log(`| space load (store → content model), ${LOADS} loads | ${ms(q(loads, 0.5))} | ${ms(q(loads, 0.95))} | ${ms(Math.max(...loads))} |`);
    console.log(`| first join, room created + content synced, ${JOINS} joins | ${ms(q(joins, 0.5))} | ${ms(q(joins, 0.95))} | ${ms(Math.max(...joins))} |`);
    console.log(`| edit ack (stored, applied, acknowledged after the patch), ${EDITS} edits | ${ms(q(acks, 0.5))} | ${ms(q(acks, 0.95))} (p99 ${ms(q(acks, 0.99))}) | ${ms(Math.max(...acks))} |`);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "plaza-bench-pglite-"));
  const pglite = await openPglite(dir);
  try {
    await run("PGlite (embedded, on disk)", pglite);
  } finally {
    await pglite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const shared = await startSharedDatabase().catch(() => undefined);
  if (!shared) return console.log("\nPostgreSQL not installed: skipped");
  const pg = await openPostgres(shared.env.DATABASE_URL);
  try {
    await run("PostgreSQL 15 (local, loopback)", pg);
  } finally {
    await pg.close();
    await shared.stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
