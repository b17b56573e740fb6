/**
 * Builds one Plaza process: express (stateless HTTP) + Colyseus (stateful space rooms) on one
 * port. Used by main.ts and by tests, which start it on 127.0.0.1:0 and close it afterwards.
 */
import { defineRoom, defineServer, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { AddressInfo } from "node:net";
import { SPACE_ROOM } from "../../shared/protocol.ts";
import { INTEREST_MAX, INTEREST_RADIUS, MAX_MESSAGE_BYTES, PATCH_MS } from "../../shared/constants.ts";
import { spaceRoomWith } from "./rooms/SpaceRoom.ts";
import { TemplateMapCatalog, type MapCatalog } from "./space/MapCatalog.ts";
import { mountHttp } from "./http/api.ts";
import type { PlazaConfig } from "./config.ts";
import { logger } from "./log.ts";

export interface PlazaProcess {
  port: number;
  /** http://host:port, with 127.0.0.1 for a wildcard bind. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<PlazaConfig> {
  maps?: MapCatalog;
  /** Install SIGTERM/SIGINT handlers (main.ts yes, tests no). */
  handleSignals?: boolean;
}

export async function startPlaza(opts: StartOptions = {}): Promise<PlazaProcess> {
  const maps = opts.maps ?? new TemplateMapCatalog();
  const port = opts.PORT ?? 2567;
  const host = opts.HOST ?? "0.0.0.0";
  const SpaceRoom = spaceRoomWith({
    maps,
    maxClients: opts.SPACE_MAX_CLIENTS ?? 1000,
    interest: opts.PLAZA_INTEREST ?? "grid",
    interestOptions: { radius: opts.INTEREST_RADIUS ?? INTEREST_RADIUS, max: opts.INTEREST_MAX ?? INTEREST_MAX },
    patchMs: opts.PATCH_MS ?? PATCH_MS,
  });

  const transport = new WebSocketTransport({ maxPayload: MAX_MESSAGE_BYTES });
  const server = defineServer({
    transport,
    greet: false,
    gracefullyShutdown: opts.handleSignals ?? false,
    rooms: { [SPACE_ROOM]: defineRoom(SpaceRoom).filterBy(["spaceId"]) },
    express: (app) => mountHttp(app, { maps, iceServers: opts.ICE_SERVERS ?? [] }),
  });

  await server.listen(port, host);
  const address = transport.server!.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`;
  logger.info({ url }, "plaza listening");

  return {
    port: address.port,
    url,
    server,
    close: () => server.gracefullyShutdown(false),
  };
}
