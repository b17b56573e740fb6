/**
 * A space's live room: Colyseus glue in front of LiveSpace (rooms/space/), which wires the space's
 * plain features — seats, people and moves, build edits, links, chat, crowd mode, access re-checks
 * — and the extensions app.ts plugs in (analytics, saved positions, team presence). Here: the
 * lifecycle hooks, the frame gate in front of Colyseus's decoding (SE1), the patch (IM8 corking),
 * reconnection seats (RC1), exceptions kept inside the room (SE1), and the short person keys that
 * name people in the state and in messages instead of Colyseus session ids (IM10: LiveSpace only
 * ever sees keys). Everyone asking for one spaceId shares this room (filterBy(["spaceId"]) in app.ts).
 */
import { performance } from "node:perf_hooks";
import { ClientState, CloseCode, matchMaker, Protocol, Room, ServerError, type AuthContext, type Client, type RoomException, type RoomMethodName } from "@colyseus/core";
import { SpaceClaim } from "../cluster/SpaceClaim.ts";
import { SpaceState } from "../../../shared/state.ts";
import { clientMessageSchemas, parseClientMessage, spaceIdSchema, type ClientMessageType, type ServerMessages } from "../../../shared/protocol.ts";
import { DropReason, JoinErrorCode, NoticeCode, PlazaCloseCode } from "../../../shared/codes.ts";
import { CROWD_CHECK_MS, CROWD_PROXIMITY_FACTOR, PROXIMITY_MS, RECONNECT_GRACE_S } from "../../../shared/constants.ts";
import { authorizeJoin, type JoinAuth } from "./space/admission.ts";
import { eluMeter, type Corkable } from "./space/CrowdMode.ts";
import { writeOutNow, type Flushable } from "./space/SlicedUncork.ts";
import { gateFrame, refuseMessage, type GateDecision } from "./space/FrameGate.ts";
import { LiveSpace, type LiveSpaceHost, type SpaceRoomDeps } from "./space/LiveSpace.ts";
import { PersonKeys } from "./space/PersonKeys.ts";
import { SharedFrames } from "./space/SharedFrames.ts";
import type { Seat } from "./space/Seats.ts";
import { debugRoom, logger } from "../log.ts";
import * as metrics from "../metrics.ts";

export type { SpaceRoomDeps } from "./space/LiveSpace.ts";

type SpaceClient = Client<{ auth: JoinAuth; messages: ServerMessages }>;

/**
 * Close codes after which the SDK tries to reconnect; only those keep a seat warm (RC1). Not 1001
 * GOING_AWAY: that is a browser closing or leaving the page on purpose, so the avatar goes at once
 * (SE9: no ghost of a closed tab); a network drop closes without a close frame (1005/1006).
 */
const RECONNECTABLE = new Set<number>([CloseCode.NO_STATUS_RECEIVED, CloseCode.ABNORMAL_CLOSURE, CloseCode.MAY_TRY_RECONNECT]);

export class SpaceRoom extends Room<{ state: SpaceState; metadata: { spaceId: string }; client: SpaceClient }> {
  /** Set by spaceRoomWith(); a bare SpaceRoom is never registered. */
  protected deps!: SpaceRoomDeps;
  private spaceId = "";
  /** The space and its features; undefined until onCreate has loaded it. */
  private live: LiveSpace | undefined;
  /** IM10: each connection's person key. */
  private readonly keys = new PersonKeys();
  /** IM11: joiners whose "ready for my state" (JOIN_ROOM) waits for the next patch, with that frame. */
  private admitting: [SpaceClient, Uint8Array][] = [];
  /** IM13: this patch's upkeep ran in an earlier turn; the encode is next. */
  private upkeepDone = false;
  private patches = 0;
  private proximityEvery = 4;
  /** Node timers and subscriptions, ended with the room. */
  private readonly stops: (() => void)[] = [];
  /** Frames written straight to the sockets, a patch's once per view (IM12). */
  private readonly frames = new SharedFrames();
  /** SE3: gives up this room's lease on its space (at dispose, or first thing when draining). */
  private endLease: (() => Promise<void>) | undefined;

  /**
   * Async, but short: two indexed reads (space row + content) and a cached map parse, so the
   * create-room race (Colyseus create lock, 0.5 s; SE3) is far away (BENCHMARKS "space load").
   */
  override async onCreate(options: { spaceId?: unknown }) {
    const createStart = performance.now();
    const id = spaceIdSchema.safeParse(options.spaceId);
    if (!id.success) throw new ServerError(JoinErrorCode.INVALID_SPACE, "invalid space id");
    this.spaceId = id.data;
    // SE3: one room per space, also when two processes race to open it (the loser's join is
    // retried by the matchmaker's front and then finds this room).
    // A room that opened the space holds a lease on it for its life (refreshed; gone at dispose
    // or 5 s after its process dies), so the moment between onCreate and being listed is covered.
    const claim = await SpaceClaim.take(matchMaker.presence, this.spaceId);
    let loaded: Awaited<ReturnType<SpaceRoomDeps["directory"]["load"]>>;
    try {
      loaded = await this.deps.directory.load(this.spaceId);
      if (loaded) {
        await claim.checkNoOtherRoom(this.roomName, this.spaceId, this.roomId);
        this.endLease = await claim.lease(this.roomId);
        this.stops.push(() => void this.endLease?.());
      }
    } finally {
      await claim.release();
    }
    if (!loaded) throw new ServerError(JoinErrorCode.UNKNOWN_SPACE, `there is no space "${this.spaceId}"`);
    // Not Colyseus's maxClients: a full room would make the matchmaker open a second room for the
    // same space. The cap is enforced at join instead (SP2).
    this.metadata = { spaceId: this.spaceId };
    this.state = new SpaceState();
    const live = new LiveSpace(loaded, this.state, this.deps, this.host());
    this.live = live;
    metrics.rooms.inc();
    this.pace(this.deps.patchMs);
    this.maxMessagesPerSecond = 1000; // a backstop only, above where the InboundGuard disconnects a flooder
    this.listen(live);
    const elu = eluMeter();
    this.every("crowd timer", PROXIMITY_MS * CROWD_PROXIMITY_FACTOR, () => { if (live.crowd.crowded) live.updateLinks(); });
    this.every("load timer", CROWD_CHECK_MS, () => live.crowd.measured(elu(), live.seats.size));
    const unwatch = this.deps.access?.watch((c) => live.accessChanged(c));
    if (unwatch) this.stops.push(unwatch);
    metrics.roomCreateSeconds.observe((performance.now() - createStart) / 1000);
    debugRoom("space %s created (room %s)", this.spaceId, this.roomId);
  }

  override async onJoin(client: SpaceClient) {
    const seat = await this.live!.join(this.keys.assign(client.sessionId), client.auth as JoinAuth, client);
    // ws refuses frames over maxPayload by closing the socket (the sender sees 1009, the room an
    // abnormal 1006): count it, and don't keep a seat for a client that will not come back (BI3).
    (client.ref as { on?: (ev: string, fn: (err: { code?: string }) => void) => void }).on?.("error", (err) => {
      if (err?.code !== "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") return;
      seat.oversize = true;
      metrics.countDrop(DropReason.OVERSIZE);
    });
    debugRoom("%s joined %s as %s (key %s)", client.sessionId, this.spaceId, seat.name, seat.session);
  }

  /** A dropped connection keeps its seat for RECONNECT_GRACE_S while the SDK reconnects (RC1). */
  override async onDrop(client: SpaceClient, code?: number) {
    const seat = this.seatOf(client); // none: kicked on purpose
    if (!seat || seat.oversize || code === undefined || !RECONNECTABLE.has(code)) return;
    try {
      const reconnection = this.allowReconnection(client, RECONNECT_GRACE_S);
      seat.held = { reject: () => reconnection.reject() };
      await reconnection;
      seat.held = undefined;
    } catch {
      // Grace period over (or the room is closing): onLeave follows.
    }
  }

  override onReconnect(client: SpaceClient) {
    const key = this.keys.keyOf(client.sessionId);
    if (key) this.live?.reconnected(key, client);
    debugRoom("%s reconnected to %s", client.sessionId, this.spaceId);
  }

  override onLeave(client: SpaceClient, code?: number) {
    const key = this.keys.keyOf(client.sessionId);
    if (key === undefined) return;
    this.live?.leave(key, code);
    this.keys.release(client.sessionId);
  }

  /** CL4: SIGTERM drain. Colyseus locked the room; queued edits are answered and positions stored, then everyone moves. */
  override onBeforeShutdown() {
    // Draining: the space is about to open elsewhere, so its lease goes first (SE3).
    void (this.live?.drain() ?? Promise.resolve()).then(() => this.endLease?.()).finally(() => {
      this.broadcastPatch(); // the last changes, and right after them the answers waiting for them (BM1)
      return this.disconnect(PlazaCloseCode.MOVED).catch(() => {});
    });
  }

  override onDispose() {
    this.upkeepDone = false;
    for (const stop of this.stops.splice(0)) stop();
    if (!this.live) return; // onCreate failed (e.g. the space was deleted meanwhile)
    this.live.dispose();
    metrics.rooms.dec();
    debugRoom("space %s disposed", this.spaceId);
  }

  /** Colyseus calls this right before encoding each patch (its timer runs from construction, also while onCreate awaits). */
  override onBeforePatch() {
    if (this.upkeepDone) { this.upkeepDone = false; return; } // IM13: done a turn earlier
    this.upkeep();
  }

  /** The interest views' upkeep and, outside a crowd, conversations: what each patch starts with. */
  private upkeep() {
    const live = this.live;
    if (!live) return;
    this.guarded("before patch", () => {
      live.visibility.tick();
      // Conversations every PROXIMITY_MS, but a crowded space's on their own timer, so its patch goes out sooner (IM8).
      if (!live.crowd.crowded && ++this.patches % this.proximityEvery === 0) live.updateLinks();
    });
  }

  /** Timed: the patch (interest refresh + encode + send) is the room's main recurring cost. */
  override broadcastPatch() {
    // IM13: in a crowd the views' upkeep runs in one turn of the event loop and the encode and
    // writes in the next, so moves that arrive meanwhile are handled (and acked) between the two.
    if (this.live?.crowd.crowded && !this.upkeepDone) {
      this.upkeep();
      this.upkeepDone = true;
      setImmediate(() => { if (this.upkeepDone) this.broadcastPatch(); });
      return false;
    }
    try { // on a Node interval, which onUncaughtException does not cover (SE1)
      const start = performance.now();
      for (const c of this.clients) this.frames.adopt(c);
      const corked = this.live?.crowd.beginPatch(() => this.sockets());
      this.frames.begin();
      let sent: boolean;
      try {
        sent = super.broadcastPatch(); // then Colyseus sends what waited for this patch (`built`, BM1)
      } finally {
        this.frames.end();
      }
      this.admit(); // IM11: joiners' full states, right after the patch
      this.live?.crowd.patchSent(corked);
      this.live?.visibility.patched();
      metrics.patchSeconds.observe((performance.now() - start) / 1000);
      return sent;
    } catch (err) {
      this.caught("patch", err);
      return false;
    }
  }

  /** SE1: what Colyseus wraps (handlers, lifecycle hooks, clock timers) is counted and logged; the room goes on. */
  override onUncaughtException(error: RoomException, methodName: RoomMethodName) {
    // A join refused on purpose (full, forbidden…) is an answer, not a fault.
    if (error.cause instanceof ServerError || (error as unknown) instanceof ServerError) return;
    this.caught(methodName, error.cause ?? error);
  }

  /** The space was deleted (over HTTP, or found gone by SE4): everyone leaves. A remote call: works across processes. */
  closeForDeletion() {
    this.broadcast("notice", { code: NoticeCode.SPACE_DELETED, message: "This space was deleted by its owner." });
    void this.disconnect(CloseCode.CONSENTED).catch(() => {});
  }

  /** Every declared message type to its handler (PR4), all frames through the gate first (SE1, BI1, BI2). */
  private listen(live: LiveSpace) {
    for (const type of Object.keys(clientMessageSchemas) as ClientMessageType[]) {
      const handle = live.handlers[type] as (seat: Seat, msg: unknown) => void;
      this.onMessage(type, (client: SpaceClient, raw: unknown) => {
        const seat = this.seatOf(client);
        if (!seat) return;
        const parsed = parseClientMessage(type, raw);
        if (parsed.ok) handle(seat, parsed.value);
        else this.obey(client, refuseMessage(seat.guard, DropReason.MALFORMED, this.clock.currentTime));
      });
    }
    // Colyseus binds `_onMessage` per client at join, so wrapping it on the instance covers every
    // frame; no catch-all handler is registered, and undeclared types never reach its dispatch.
    const self = this as unknown as { _onMessage(client: SpaceClient, frame: Uint8Array): void };
    const colyseusOnMessage = self._onMessage;
    this.admitJoiners = (client, frame) => colyseusOnMessage.call(this, client, frame);
    self._onMessage = (client, frame) => {
      try {
        const decision = gateFrame(frame, this.seatOf(client)?.guard, this.clock.currentTime);
        if (!this.obey(client, decision)) return;
        // IM11: a joiner's full state goes out right after the next patch, with the other joiners'.
        if (frame[0] === Protocol.JOIN_ROOM && client.state === ClientState.JOINING) this.admitting.push([client, frame]);
        else colyseusOnMessage.call(this, client, frame);
      } catch (err) {
        this.caught("onMessage", err, client.sessionId);
      }
    };
  }

  /** Hands a waiting joiner's JOIN_ROOM on to Colyseus (which then sends its full state); set by `listen`. */
  private admitJoiners: (client: SpaceClient, frame: Uint8Array) => void = () => {};

  /**
   * IM11: full states right after a patch. Colyseus re-encodes the whole shared state (the roster:
   * ~34 kB, a few ms at 1,000 people) for every full state while any change is pending, which in a
   * moving crowd is always; right after a patch nothing is, so every joiner of the interval shares
   * one encode. A joiner is kept out of patches until then (still JOINING).
   */
  private admit() {
    if (this.admitting.length === 0) return;
    const waiting = this.admitting;
    this.admitting = [];
    for (const [client, frame] of waiting) {
      if (client.state !== ClientState.JOINING || this.clients.getById(client.sessionId) !== client) continue; // left meanwhile
      try {
        this.admitJoiners(client, frame);
      } catch (err) {
        this.caught("admit", err, client.sessionId);
      }
    }
  }

  /** Carries out a gate decision: count, tell, close. True: hand the frame on. */
  private obey(client: SpaceClient, d: GateDecision): boolean {
    if (d.drop) metrics.countDrop(d.drop);
    if (d.notice) client.send("notice", { code: NoticeCode.THROTTLED, message: "You are sending too fast; some input was ignored." });
    const key = d.close && this.keys.keyOf(client.sessionId);
    if (d.close && key) this.live?.kick(key, d.close.code, d.close.reason);
    return d.pass;
  }

  /** The seat of a connection (by its person key), if seated. */
  private seatOf(client: SpaceClient): Seat | undefined {
    const key = this.keys.keyOf(client.sessionId);
    return key === undefined ? undefined : this.live?.seats.get(key);
  }

  /** The connection of a person key. */
  private clientOf(key: string): SpaceClient | undefined {
    const session = this.keys.sessionOf(key);
    return session === undefined ? undefined : this.clients.getById(session);
  }

  /** What LiveSpace needs of Colyseus. */
  private host(): LiveSpaceHost {
    const afterPatch = { afterNextPatch: true } as const;
    return {
      roomId: this.roomId,
      visit: (key) => this.keys.sessionOf(key) ?? key,
      keyOf: (visit) => this.keys.keyOf(visit),
      outbox: {
        send: (to, type, msg, later) => {
          const client = this.clientOf(to);
          client?.send(type, msg, later ? afterPatch : undefined);
          // IM13: an ack does not wait for its socket's slice of a crowd's patch.
          if (type === "ack" && client) writeOutNow(socketOf(client));
        },
        broadcast: (type, msg) => this.broadcast(type, msg),
      },
      now: () => this.clock.currentTime,
      later: (fn, ms) => this.clock.setTimeout(fn, ms),
      every: (ms, fn) => { this.clock.setInterval(fn, ms); },
      present: (key) => this.clientOf(key) !== undefined,
      close: (key, code, reason) => this.clientOf(key)?.leave(code, reason),
      closeAll: () => this.closeForDeletion(),
      pace: (p) => { this.pace(p.patchMs); this.live?.visibility.setFine(p.fine); },
      guarded: (where, fn) => this.guarded(where, fn),
      caught: (where, err) => this.caught(where, err),
    };
  }

  /** Sets the patch interval and what is counted in patches (interest refresh, conversations). */
  private pace(patchMs: number) {
    this.live?.visibility.setPatchMs(patchMs);
    this.proximityEvery = Math.max(1, Math.round(PROXIMITY_MS / patchMs));
    this.setPatchRate(patchMs);
  }

  /** A Node timer, not this.clock (Colyseus runs clock timers inside the patch); guarded itself (SE1). */
  private every(where: string, ms: number, fn: () => void) {
    const t = setInterval(() => this.guarded(where, fn), ms);
    this.stops.push(() => clearInterval(t));
  }

  /** IM8: the clients' sockets, to cork (ws has no public cork: it keeps the socket as `_socket`). */
  private *sockets(): Generator<Corkable> {
    for (const c of this.clients) {
      const socket = socketOf(c);
      if (socket) yield socket;
    }
  }

  private caught(where: string, err: unknown, session?: string) {
    metrics.roomErrors.inc({ where });
    logger.error({ err, where, space: this.spaceId, room: this.roomId, session }, "exception in a space room (caught; the room goes on)");
  }

  /** Runs fn; an exception is caught and counted (SE1). */
  private guarded(where: string, fn: () => void) {
    try { fn(); } catch (err) { this.caught(where, err); }
  }
}

/** A SpaceRoom class bound to its dependencies (Colyseus instantiates rooms itself). */
export function spaceRoomWith(deps: SpaceRoomDeps): typeof SpaceRoom {
  return class BoundSpaceRoom extends SpaceRoom {
    protected override deps = deps;
    static override onAuth(token: string, options: unknown, context: AuthContext): Promise<JoinAuth> {
      // context.ip is the address pinned under TRUST_PROXY before Colyseus read it (SE8, app.ts).
      return authorizeJoin(deps.directory, token, options, context.ip, deps.joinRate);
    }
  };
}

/** A client's TCP socket (ws keeps it as `_socket`). */
function socketOf(client: Client): (Corkable & Flushable) | undefined {
  return (client.ref as { _socket?: Corkable & Flushable } | undefined)?._socket;
}
