/** Structured logs (pino) and debug channels, in one place. */
import pino from "pino";
import createDebug from "debug";
import { logLevelFromEnv } from "./config.ts";

export const logger = pino({
  level: logLevelFromEnv(),
  base: { service: "plaza" },
});

export const debugRoom = createDebug("plaza:room");
export const debugHttp = createDebug("plaza:http");
