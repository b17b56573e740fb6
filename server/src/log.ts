/** Structured logs (pino) and debug channels, in one place: one JSON stream, pid and host on every line. */
import pino from "pino";
import createDebug from "debug";
import { hostname } from "node:os";
import { format } from "node:util";
import { logLevelFromEnv } from "./config.ts";

export const logger = pino({
  level: logLevelFromEnv(),
  base: { service: "plaza", pid: process.pid, host: hostname() },
});

export const debugRoom = createDebug("plaza:room");
export const debugHttp = createDebug("plaza:http");

type Level = "debug" | "info" | "warn" | "error" | "trace";

/**
 * Colyseus logs console-style (`logger.warn("text", value, err)`); this turns its lines into pino
 * records of the same stream (`component: "colyseus"`, an Error argument as `err`).
 */
function colyseusLevel(level: Level) {
  const child = logger.child({ component: "colyseus" });
  return (...args: unknown[]) => {
    const err = args.find((a): a is Error => a instanceof Error);
    const rest = args.filter((a) => a !== err);
    const msg = rest.length > 0 ? format(...rest) : err?.message ?? "";
    if (err) child[level]({ err }, msg);
    else child[level](msg);
  };
}

export const colyseusLogger = {
  debug: colyseusLevel("debug"),
  info: colyseusLevel("info"),
  warn: colyseusLevel("warn"),
  error: colyseusLevel("error"),
  trace: colyseusLevel("trace"),
};
