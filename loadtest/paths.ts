/**
 * Click-to-walk on the largest map Plaza takes (MP1: 256 × 256): how long one A* path across the
 * whole map takes (MV6, NV9), on an open floor and on a map of long walls with one gap each (the
 * path snakes through every gap), and what a closed room adds (the walkable map rebuilt, NV2).
 * Prints figures for BENCHMARKS.md; asserts nothing. `npm run bench:paths`.
 */
import { performance } from "node:perf_hooks";
import { parseTiledMap } from "../shared/map.ts";
import { findPath, walkTarget } from "../shared/pathfinding.ts";
import { doorsWalkable } from "../shared/doors.ts";
import { asciiTiledMap } from "../shared/testing/asciiMap.ts";
import { readFileSync } from "node:fs";

const N = 256;
function rows(walls: boolean): string[] {
  const out: string[] = [];
  for (let y = 0; y < N; y++) {
    let row = "";
    for (let x = 0; x < N; x++) {
      const edge = x === 0 || y === 0 || x === N - 1 || y === N - 1;
      // Every 8th row is a wall with one gap, alternating sides: the way across zig-zags.
      const wall = walls && y % 8 === 0 && x !== (y % 16 === 0 ? 2 : N - 3);
      const room = x >= 100 && x < 120 && y >= 101 && y < 107;
      row += edge || wall ? "#" : room ? "P" : x === 1 && y === 1 ? "S" : ".";
    }
    out.push(row);
  }
  return out;
}

function time(label: string, runs: number, fn: () => number) {
  const ms: number[] = [];
  let len = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    len = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: path ${len} steps, median ${ms[Math.floor(runs / 2)].toFixed(1)} ms, max ${ms[runs - 1].toFixed(1)} ms (${runs} runs)`);
}

const office = parseTiledMap(JSON.parse(readFileSync(new URL("../shared/maps/office.tmj", import.meta.url), "utf8")));
const spawn = office.spawns[0];
time("the default office 48×34, a spawn point to the meeting room", 15, () => findPath(office, spawn, walkTarget(office, 8, 6, spawn)!).length);

for (const walls of [false, true]) {
  const map = parseTiledMap(asciiTiledMap(rows(walls)));
  const from = { x: 1, y: 1 };
  const to = { x: N - 2, y: N - 2 };
  time(`${walls ? "walls with gaps" : "open floor"} 256×256, corner to corner`, 15, () => findPath(map, from, to).length);
  const closed = new Set(["Room"]);
  time(`  + a closed room (walkable map rebuilt, then the path)`, 15, () => findPath(doorsWalkable(map, closed, from), from, to).length);
}
