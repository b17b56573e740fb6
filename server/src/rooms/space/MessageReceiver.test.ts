import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { SpaceState } from "../../../../shared/state.ts";
import { emptyWorld } from "../../../../shared/world.ts";
import { Dir, type ServerMessages } from "../../../../shared/protocol.ts";
import { ChatRoom } from "./ChatRoom.ts";
import type { EditQueue } from "./EditQueue.ts";
import { Extensions, type SpaceRoomExtension } from "./extension.ts";
import { Knocks } from "./Knocks.ts";
import { Links } from "./Links.ts";
import { messageHandlers } from "./MessageReceiver.ts";
import type { Outbox } from "./Outbox.ts";
import { People } from "./People.ts";
import { Profiles } from "./Profiles.ts";
import { Seats } from "./Seats.ts";
import { SpaceWorld } from "./SpaceWorld.ts";

const BASE = parseTiledMap(asciiTiledMap(["############", "#S.........#", "#..........#", "############"]));

function setup() {
  const state = new SpaceState();
  const world = new SpaceWorld(BASE, emptyWorld(), state);
  const people = new People(state, world, { join() {}, moved() {}, leave() {} }, () => ({ clear() {} }));
  const seats = new Seats(20);
  const links = new Links();
  const sent: [string, keyof ServerMessages, unknown, boolean?][] = [];
  const outbox: Outbox = { send: (to, type, msg, after) => sent.push([to, type, msg, after]), broadcast: (type, msg) => sent.push(["*", type, msg]) };
  const hooks: string[] = [];
  const recorder: SpaceRoomExtension = {
    onChat: (m) => hooks.push(`chat ${m.scope} ${m.text.length}`),
    onEmote: (s, e) => hooks.push(`emote ${s} ${e}`),
    onStatus: (s, n, st) => hooks.push(`status ${s} ${n} ${st}`),
  };
  const submitted: unknown[] = [];
  const edits = {
    submit: (_a: unknown, msg: { ref: number }, answer: (a: ServerMessages["built"]) => void) => {
      submitted.push(msg);
      if (msg.ref === 0) return { ref: 0, ok: false, code: "busy", message: "wait" };
      answer({ ref: msg.ref, ok: true, version: 1 });
      return undefined;
    },
  } as unknown as EditQueue;
  const present = new Set(["a", "b"]);
  const handlers = messageHandlers({
    people, profiles: new Profiles(state), links, chat: new ChatRoom(), edits, knocks: new Knocks({ state, map: () => world.map, outbox, present: (s) => present.has(s) }), ext: new Extensions([recorder], (_w, fn) => fn()), outbox,
    now: () => 0, present: (s) => present.has(s), welcome: (seat) => sent.push([seat.session, "welcome", {}]),
  });
  const seat = (session: string, x: number) => {
    people.add(session, { name: session.toUpperCase(), look: 0 }, { x, y: 1 }, {} as never);
    return seats.sit({ session, userId: null, role: null, name: session.toUpperCase(), address: "x" }, 0);
  };
  return { handlers, sent, hooks, seat, links, people, present, state };
}

describe("message handlers (PR4)", () => {
  it("MV7 a move is answered to the mover only: ack or correction", () => {
    const { handlers, sent, seat } = setup();
    const a = seat("a", 1);
    handlers.move(a, { seq: 1, x: 2, y: 1, dir: Dir.RIGHT });
    handlers.move(a, { seq: 2, x: 2, y: 0, dir: Dir.UP });
    expect(sent.map(([to, type]) => `${to} ${type}`)).toEqual(["a ack", "a correction"]);
  });

  it("BM1 a build answer goes out after the next patch; BM6 a busy refusal at once", () => {
    const { handlers, sent, seat } = setup();
    const a = seat("a", 1);
    handlers.build(a, { ref: 5, op: { op: "spawn", x: 2, y: 2 } });
    handlers.build(a, { ref: 0, op: { op: "spawn", x: 2, y: 2 } });
    expect(sent).toEqual([["a", "built", { ref: 5, ok: true, version: 1 }, true], ["a", "built", { ref: 0, ok: false, code: "busy", message: "wait" }, undefined]]);
  });

  it("AV2 a signal is relayed only along a current link to someone present, with the sender stamped", () => {
    const { handlers, sent, seat, links, people, present } = setup();
    const a = seat("a", 1);
    seat("b", 2);
    seat("c", 9);
    links.update(people.talkers(["a", "b", "c"]), BASE);
    handlers.signal(a, { to: "b", kind: "offer", data: "sdp" });
    handlers.signal(a, { to: "c", kind: "offer", data: "sdp" }); // not linked
    present.delete("b");
    handlers.signal(a, { to: "b", kind: "ice", data: "x" }); // linked but gone
    expect(sent).toEqual([["b", "signal", { from: "a", kind: "offer", data: "sdp" }, undefined]]);
  });

  it("CH1 chat goes where its scope says and is reported (never the text); a refusal is a notice to the sender", () => {
    const { handlers, sent, hooks, seat } = setup();
    const a = seat("a", 1);
    handlers.chat(a, { scope: "space", text: "hello" });
    handlers.chat(a, { scope: "nearby", text: "psst" });
    expect(sent.map(([to, type]) => `${to} ${type}`)).toEqual(["* chat", "a notice"]);
    expect(hooks).toEqual(["chat space 5"]);
  });

  it("ST1 ST3 AV3 LO1 status, emotes, media and locate; `history` answers chat history, welcome and the start ack", () => {
    const { handlers, sent, hooks, seat, state } = setup();
    const a = seat("a", 1);
    handlers.status(a, { status: "dnd" });
    handlers.status(a, { status: "dnd" });
    handlers.emote(a, { emote: "clap" });
    handlers.emote(a, { emote: "clap" }); // too soon: dropped
    handlers.media(a, { mic: true, cam: true, screen: false });
    expect(hooks).toEqual(["status a A dnd", "emote a clap"]);
    expect(state.people.get("a")!.media).toBe(3);
    handlers.locate(a, { id: "a" });
    handlers.history(a, {});
    expect(sent.map(([to, type]) => `${to} ${type}`)).toEqual(["a located", "a chatHistory", "a welcome", "a ack"]);
  });
});
