/**
 * The space room as a client holds it, typed in both directions (STYLE "Both directions typed"):
 * the browser, the load-test bots and the test harness all talk to the room through this type, so
 * sending a message the room does not take, or a payload of the wrong shape, does not compile, and
 * neither does a client that leaves a server message unhandled (`listen`).
 *
 * Types only come from @colyseus/sdk: this module works with whichever SDK instance the caller
 * joined with.
 */
import type { Room } from "@colyseus/sdk";
import type { SpaceState } from "../state.ts";
import type {
  ClientMessageType, ClientMessages, ServerMessageHandlers, ServerMessageType, ServerMessages,
} from "../protocol.ts";

/**
 * What the SDK reads to type a room (the shape its `Room<T>` infers from a server room class,
 * written out here so that clients never import server code): `messages` are the messages the room
 * takes (client → server), `~client.~messages` those it sends (server → client). Never
 * instantiated.
 */
export interface SpaceRoomContract {
  "~state": SpaceState;
  state: SpaceState;
  messages: { [K in ClientMessageType]: (client: unknown, message: ClientMessages[K]) => void };
  "~client": { "~messages": ServerMessages };
}

/** A joined space room: `send` takes only the declared client messages, `onMessage` knows every payload. */
export type SpaceRoom = Room<SpaceRoomContract, SpaceState>;

/** The SDK's untyped room, as `Client.joinOrCreate(name, options, SpaceState)` returns it. */
export type UntypedSpaceRoom = Room<any, SpaceState>;

/**
 * The one place an untyped SDK room becomes a typed one: the cast is sound because the room named
 * SPACE_ROOM is SpaceRoom, which validates what it takes with `clientMessageSchemas` and sends
 * only `ServerMessages`.
 */
export function asSpaceRoom(room: UntypedSpaceRoom): SpaceRoom {
  return room as unknown as SpaceRoom;
}

/** Sends one client message; `msg` must be that message's shape (`ClientMessages[K]`). */
export function send<K extends ClientMessageType>(room: SpaceRoom, type: K, msg: ClientMessages[K]): void {
  (room as UntypedSpaceRoom).send(type, msg);
}

/**
 * Registers a handler for every server message type at once. `handlers` must name each type in
 * ServerMessages (a missing or extra key is a compile error: the exhaustive switch of this
 * protocol). Returns a function that removes them all.
 */
export function listen(room: SpaceRoom, handlers: ServerMessageHandlers): () => void {
  const offs = (Object.keys(handlers) as ServerMessageType[]).map((type) =>
    (room as UntypedSpaceRoom).onMessage(type, handlers[type] as (msg: unknown) => void));
  return () => { for (const off of offs) off(); };
}

/** No-op handlers for message types a client deliberately does not act on, spelled out by name. */
export function ignore<K extends ServerMessageType>(...types: K[]): { [P in K]: (msg: ServerMessages[P]) => void } {
  return Object.fromEntries(types.map((t) => [t, () => undefined])) as unknown as { [P in K]: (msg: ServerMessages[P]) => void };
}

const selves = new WeakMap<SpaceRoom, string>();

/**
 * Your person key in a room (IM10): what keys your avatar and roster entry and names you in
 * messages. Call right after joining, before anything awaits: the room's first `welcome` follows
 * the join and carries it. Resolves once known (also readable with `selfOf` from then on).
 */
export function learnSelf(room: SpaceRoom): Promise<string> {
  const known = selves.get(room);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve) => {
    const off = (room as UntypedSpaceRoom).onMessage("welcome", (w: ServerMessages["welcome"]) => {
      off();
      selves.set(room, w.you);
      resolve(w.you);
    });
  });
}

/** Your person key, once `learnSelf` has it; "" before. */
export function selfOf(room: SpaceRoom): string {
  return selves.get(room) ?? "";
}
