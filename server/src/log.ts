/** Structured logs (pino) and debug channels, in one place. */
import pino from "pino";
import createDebug from "debug";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { service: "plaza" },
});

export const debugRoom = createDebug("plaza:room");
export const debugHttp = createDebug("plaza:http");
