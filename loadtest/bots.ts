/**
 * Load-test bots for @colyseus/loadtest: each bot joins a space and walks like a person (paths
 * over the map, 1–5 s pauses at goals) according to a scenario from behaviour.ts.
 *
 * Usage:
 *   npm run bots -- --endpoint ws://127.0.0.1:2567 --room space --numClients 200 --scenario hotspot
 *
 * Flags of @colyseus/loadtest: --endpoint, --room (always `space`), --numClients, --delay (ms
 * between joins), --output (summary file). Plaza flags, read here from process.argv because the
 * loadtest CLI only passes its own options through:
 *   --space <id>        space to join (default `loadtest`)
 *   --scenario <name>   walkers (default) | hotspot | churn | mixed; `chatty` needs chat (not yet)
 *   --seed <n>          run seed (default 1): same seed, same goals
 *
 * It draws a terminal UI; run it with `</dev/null` to keep it headless. For latency, bandwidth
 * and server load figures use the headless benchmark instead (`npm run bench`, see README.md).
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Client } from "@colyseus/sdk";
import { cli, type Options } from "@colyseus/loadtest";
import { LOOK_COUNT } from "../shared/looks.ts";
import { STEP_MS } from "../shared/constants.ts";
import { botSeed, mapFacts, mulberry32, parseScenario, roleFor, ScenarioUnavailableError, type MapFacts, type RunnableScenario } from "./behaviour.ts";
import { fetchSpaceMap, joinBot } from "./bot.ts";

interface PlazaBotFlags { space: string; scenario: RunnableScenario; seed: number }

function plazaFlags(argv: string[]): PlazaBotFlags {
  const { values } = parseArgs({
    args: argv,
    options: { space: { type: "string" }, scenario: { type: "string" }, seed: { type: "string" } },
    strict: false,
    allowPositionals: true,
  });
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    space: str(values.space) ?? "loadtest",
    scenario: parseScenario(str(values.scenario)),
    seed: Number(str(values.seed) ?? 1) >>> 0,
  };
}

let flags: PlazaBotFlags;
try {
  flags = plazaFlags(process.argv.slice(2));
} catch (err) {
  // Before cli() takes over the terminal, so the message stays readable.
  console.error(err instanceof ScenarioUnavailableError ? `bots: ${err.message}` : err);
  process.exit(2);
}

/** Map facts are shared by every bot of this process: fetched once. */
let facts: Promise<MapFacts> | undefined;

/** Runs one bot slot forever; churn bots leave and a new join takes their slot. */
async function runSlot(options: Options, slot: number, generation: number): Promise<void> {
  facts ??= fetchSpaceMap(options.endpoint, flags.space).then(mapFacts);
  const f = await facts;
  const client = new Client(options.endpoint);
  const bot = await joinBot(client, {
    spaceId: flags.space,
    name: `bot-${slot}${generation > 0 ? `.${generation}` : ""}`,
    look: slot % LOOK_COUNT,
    facts: f,
    role: roleFor(flags.scenario, slot),
    rng: mulberry32(botSeed(flags.seed, slot, generation)),
    now: () => performance.now(),
  });
  const timer = setInterval(() => {
    if (bot.closed) { clearInterval(timer); return; }
    if (bot.tick(performance.now()) === "leave") {
      clearInterval(timer);
      void bot.leave().then(() => runSlot(options, slot, generation + 1)).catch((err) => console.error(`bot-${slot}: rejoin failed: ${String(err)}`));
    }
  }, Math.round(STEP_MS / 3));
}

cli(async (options: Options) => {
  // cli() awaits each call before starting the next, so resolve once joined and walk in the background.
  await runSlot(options, options.clientId, 0);
});
