/**
 * A space's live room: glue between Colyseus and the pure rules in shared/ (movement) and the
 * plain classes beside it (InboundGuard, chooseSpawn, MapCatalog). Everyone asking for one
 * spaceId shares this room (filterBy(["spaceId"]) in app.ts).
 */
import { performance } from "node:perf_hooks";
import { CloseCode, Room, ServerError, type Client, type AuthContext, type RoomException, type RoomMethodName } from "@colyseus/core";
import { Avatar, Person, SpaceState } from "../../../shared/state.ts";
import {
  Dir, clientMessageSchemas, parseClientMessage, parseJoinOptions,
  spaceIdSchema, type ClientMessageType, type ClientMessages, type JoinOptions, type ServerMessages,
} from "../../../shared/protocol.ts";
import { JoinErrorCode, PlazaCloseCode, DropReason } from "../../../shared/codes.ts";
import { applyMove, freshStepBudget, spendStep, type StepBudget } from "../../../shared/movement.ts";
import { MoveRejection } from "../../../shared/codes.ts";
import {
  CHAT_BURST, CHAT_HISTORY, CHAT_REFILL_MS, CROWD_CHECK_MS, CROWD_ELU_LEAVE, CROWD_PROXIMITY_FACTOR, EMOTE_MIN_MS, EMOTE_SHOW_MS, PROXIMITY_MS, RECONNECT_GRACE_S,
} from "../../../shared/constants.ts";
import { EMOTES, MediaFlag, STATUSES, type ChatMessage, type SpotlightInfo } from "../../../shared/protocol.ts";
import { areaAt, spotlightAt } from "../../../shared/map.ts";
import { spaceLinks, type Presence } from "../../../shared/proximity.ts";
import { CONVERSATION_CAP, SPOTLIGHT_MAX, SPOTLIGHT_VIDEO_MAX, TALK_RADIUS } from "../../../shared/constants.ts";
import { ChatLog } from "../space/ChatLog.ts";
import { ConversationTracker } from "../space/ConversationTracker.ts";
import { occupancySample } from "../space/occupancy.ts";
import { chTime, NO_ANALYTICS, PRESENCE_SAMPLE_S, type AnalyticsPort, type TrackedEvent } from "../analytics/events.ts";
import { TokenBucket } from "../space/TokenBucket.ts";
import { AvatarVisibility, type InterestMode } from "../space/AvatarVisibility.ts";
import type { InterestOptions } from "../space/InterestGrid.ts";
import type { SpaceMap } from "../../../shared/map.ts";
import { InboundGuard } from "../space/InboundGuard.ts";
import { chooseSpawn } from "../space/spawn.ts";
import { AccessError, type SpaceDirectory } from "../spaces/directory.ts";
import { can, type Role } from "../../../shared/authz.ts";
import { applyChange, compileWorld, deskSpawn, EditRefusal, PAINTS, planEdit, type WorldChange, type WorldContent } from "../../../shared/world.ts";
import { SpawnPoint, Thing, Zone } from "../../../shared/state.ts";
import { StaleVersionError, type SpaceRecord } from "../store/Store.ts";
import { randomBytes } from "node:crypto";
import * as metrics from "../metrics.ts";
import { SlicedUncork } from "../space/SlicedUncork.ts";
import { debugRoom, logger } from "../log.ts";
import { POSITIONS_SAVE_MS, type PositionStore, type Tile as StoredTile } from "../cluster/PositionStore.ts";
import type { TeamPresence, TeamRoomLink } from "../team/TeamPresence.ts";
import { classifyFrame } from "../space/FrameGate.ts";
import type { AccessChange, AccessEvents } from "../spaces/AccessEvents.ts";
import type { ResumeTokens } from "../auth/resumeTokens.ts";

export interface SpaceRoomDeps {
  /** Spaces, their content and who may do what (AZ1–AZ4, BM1–BM9). */
  directory: SpaceDirectory;
  /** Most people one space room admits (SP2). */
  maxClients: number;
  /** Interest management: "grid" (default) or "off" (everyone receives everyone). */
  interest: InterestMode;
  interestOptions: InterestOptions & { cell: number };
  /** Patch interval in ms (PATCH_MS by default). */
  patchMs: number;
  /**
   * IM8: from `size` people on a process at least `elu` busy, patch every `patchMs`, sockets
   * corked for the patch and written out `uncorkSlice` at a time between the loop's I/O; each
   * cell's `fine` nearest avatars sent every step, the rest as a coarse tile (IM9).
   */
  crowd: { size: number; patchMs: number; elu: number; uncorkSlice: number; fine: number };
  /** Where analytics events go (never read back, never awaited). */
  analytics?: AnalyticsPort;
  /** Last positions for failover and drain (CL3, CL4); none: no resume. */
  positions?: PositionStore;
  /** The team's online list and announcements (TP1, TP4); none: not reported. */
  team?: TeamPresence;
  /** Signs and checks resume tokens (SE6). */
  resumeTokens: ResumeTokens;
  /** Access changes published by the HTTP tier on any process (SE4); none: only checked at join. */
  access?: AccessEvents;
  /** Most seats visitors and guests from one address may hold in one space (SE7). */
  seatsPerAddress: number;
}

/** Per-connection bookkeeping that is not synced to anyone. */
interface Seat {
  guard: InboundGuard;
  budget: StepBudget;
  /** The WebSocket layer closed this connection for an oversize frame: do not hold the seat. */
  oversize?: boolean;
  chat: TokenBucket;
  emote: TokenBucket;
  emoteTimer?: { clear(): void };
  /** Current conversation peers (sorted), as last sent to this client. */
  peers: string[];
  area: string | null;
  /** The area last told to the client with its peers. */
  sentArea: string | null;
  /** Spotlight links as last sent (PX7–PX8): listeners I send to, the speaker I receive from. */
  speaking: string[];
  listening: string | null;
  /** The space's spotlight as last told to this client (JSON, to compare). */
  sentSpotlight: string;
  /** Account id (null: anonymous visitor of a public space) and role at join; edits re-read the role (AZ4). */
  userId: string | null;
  role: Role | null;
  /** Build messages queued and not yet answered (BM6). */
  pendingEdits: number;
  /** The last move seq processed (MV7): what an ack names. */
  lastSeq: number;
  /** While the connection dropped and the seat is held (RC1): cancel to free it at once. */
  held?: { reject: Function };
}

/** What onAuth hands to onJoin: validated options plus who the store says this is, and from where. */
export type JoinAuth = JoinOptions & { userId: string | null; role: Role | null; address: string };

/** Edits waiting in one room's queue at most; beyond, new ones are refused `busy` (BM6). */
const EDIT_QUEUE_MAX = 256;
const EDITS_PER_CLIENT_MAX = 32;

/**
 * Close codes after which the SDK tries to reconnect; only those keep a seat warm (RC1). Not 1001
 * GOING_AWAY: that is a browser closing or leaving the page on purpose, so the avatar goes at once
 * (SE9: no ghost of a closed tab); a network drop closes without a close frame (1005/1006).
 */
const RECONNECTABLE = new Set<number>([CloseCode.NO_STATUS_RECEIVED, CloseCode.ABNORMAL_CLOSURE, CloseCode.MAY_TRY_RECONNECT]);

/** Roles whose seats never count against an address's limit (SE7): the team vetted them. */
const UNLIMITED_ROLES = new Set<Role>(["member", "builder", "admin", "owner"]);

type Handlers = { [K in ClientMessageType]: (client: Client, seat: Seat, msg: ClientMessages[K]) => void };

export class SpaceRoom extends Room<{ state: SpaceState; metadata: { spaceId: string } }> {
  /** Set by spaceRoomWith(); a bare SpaceRoom is never registered. */
  protected deps!: SpaceRoomDeps;

  private spaceId = "";
  private space!: SpaceRecord;
  /** The stored base map, the content over it, and the two compiled: what people walk on (BM7). */
  private base!: SpaceMap;
  private content!: WorldContent;
  private map!: SpaceMap;
  /** Edits run one at a time, in arrival order, each stored before the next is checked (BM1, BM3). */
  private edits: Promise<void> = Promise.resolve();
  private queuedEdits = 0;
  private afterPatch: Array<() => void> = [];
  private seats = new Map<string, Seat>();
  private visibility!: AvatarVisibility;
  private chatLog = new ChatLog(CHAT_HISTORY);
  private patches = 0;
  private createdAt = 0;
  private conversations!: ConversationTracker;
  private joinedAt = new Map<string, number>();
  private proximityEvery = 4;
  private patchMs = 50;
  /** IM8: the space is crowded: patches less often, written out in slices. */
  private crowded = false;
  private crowdTimer: NodeJS.Timeout | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  private lastElu = performance.eventLoopUtilization();
  /** Event-loop use of this process over the last CROWD_CHECK_MS (IM8). */
  private elu = 0;
  /** IM8: in a crowd, `peers` updates (a full snapshot each: the latest wins) wait for the patch write too. */
  private readonly heldPeers = new Map<string, ServerMessages["peers"]>();
  /** IM8: writes a crowded patch out to the sockets a slice at a time (made at the first patch). */
  private uncorker: SlicedUncork | undefined;
  /** Set when the process drains: people leaving now are moving, so keep their positions (CL4). */
  private draining = false;
  /** TP1/TP4: reports people with a role to the team, relays the team's announcements here. */
  private teamLink: TeamRoomLink | undefined;
  /** SE4: stops listening to access changes (onDispose). */
  private unwatchAccess: (() => void) | undefined;
  /** SE4: a re-check of every seat is running; another was asked for meanwhile. */
  private accessCheck: Promise<void> | undefined;
  private accessAgain = false;
  /** SE7: seats held per address by people without a member role, and which session counts where. */
  private readonly addressSeats = new Map<string, number>();
  private readonly countedAddress = new Map<string, string>();

  /**
   * Validates join options and access before any room is created or seat reserved (PR1–PR3,
   * AZ1): unknown space 404, private space without a session 401, non-member 403.
   */
  static async authorizeJoin(deps: SpaceRoomDeps, token: string | undefined, options: unknown, address = "unknown"): Promise<JoinAuth> {
    const parsed = parseJoinOptions(options);
    if (!parsed.ok) {
      const invalidSpace = typeof options === "object" && options !== null && !spaceIdSchema.safeParse((options as { spaceId?: unknown }).spaceId).success;
      const code = parsed.protocolMismatch ? JoinErrorCode.PROTOCOL_MISMATCH : invalidSpace ? JoinErrorCode.INVALID_SPACE : JoinErrorCode.INVALID_OPTIONS;
      throw new ServerError(code, parsed.error);
    }
    try {
      const who = await deps.directory.identify(token);
      const { role } = await deps.directory.authorize(parsed.value.spaceId, who, "space.enter");
      return { ...parsed.value, userId: who?.userId ?? null, role, address };
    } catch (err) {
      if (err instanceof AccessError) {
        const code = err.status === 404 ? JoinErrorCode.UNKNOWN_SPACE : err.status === 401 ? JoinErrorCode.UNAUTHENTICATED : JoinErrorCode.FORBIDDEN;
        throw new ServerError(code, err.message);
      }
      throw err;
    }
  }

  /**
   * Async, but short: two indexed reads (space row + content) and a cached map parse, so the
   * create-room race of FIELD-NOTES (≤ 400 ms) is far away (BENCHMARKS "space load").
   */
  override async onCreate(options: { spaceId?: unknown }) {
    const createStart = performance.now();
    const id = spaceIdSchema.safeParse(options.spaceId);
    if (!id.success) throw new ServerError(JoinErrorCode.INVALID_SPACE, "invalid space id");
    this.spaceId = id.data;
    const loaded = await this.deps.directory.load(this.spaceId);
    if (!loaded) throw new ServerError(JoinErrorCode.UNKNOWN_SPACE, `there is no space "${this.spaceId}"`);
    this.space = loaded.space;
    this.base = loaded.base;
    this.content = loaded.content;
    this.map = compileWorld(this.base, this.content);
    // Not Colyseus's maxClients: a full room would make the matchmaker open a second room for
    // the same space. The cap is enforced in onJoin instead (SP2).
    this.metadata = { spaceId: this.spaceId };
    this.state = new SpaceState();
    this.syncAllContent();
    this.visibility = new AvatarVisibility(this.deps.interest, this.map.width, this.map.height, {
      ...this.deps.interestOptions,
      refreshPatches: 1,
      coarsePatches: 1,
      fine: this.deps.interestOptions.max, // all of them, until the space is crowded (IM9)
      touch: () => { this.state.viewEpoch = (this.state.viewEpoch + 1) & 255; },
    });
    this.pace(this.deps.patchMs);
    // Hard backstop only, above the point where the InboundGuard disconnects a flooder.
    this.maxMessagesPerSecond = 1000;

    const handlers: Handlers = {
      move: (client, seat, msg) => this.onMove(client, seat, msg),
      chat: (client, seat, msg) => this.onChat(client, seat, msg),
      status: (client, _seat, msg) => {
        const person = this.state.people.get(client.sessionId);
        if (person && person.status !== STATUSES.indexOf(msg.status)) {
          person.status = STATUSES.indexOf(msg.status);
          this.track({ type: "status_change", session: client.sessionId, user: person.name, detail: msg.status });
        }
      },
      media: (client, _seat, msg) => {
        const person = this.state.people.get(client.sessionId);
        if (person) person.media = (msg.mic ? MediaFlag.MIC : 0) | (msg.cam ? MediaFlag.CAM : 0) | (msg.screen ? MediaFlag.SCREEN : 0);
      },
      emote: (client, seat, msg) => this.onEmote(client, seat, msg),
      // `history` is the client's "my handlers are ready": also say who it is here (AZ1).
      history: (client, seat) => {
        this.sendTo(client, "chatHistory", { messages: this.chatLog.recent() });
        this.sendWelcome(client, seat);
        this.sendAck(client, seat);
      },
      build: (client, seat, msg) => this.onBuild(client, seat, msg),
      locate: (client, _seat, msg) => {
        const a = this.state.avatars.get(msg.id);
        this.sendTo(client, "located", { id: msg.id, found: a !== undefined, x: a?.x ?? 0, y: a?.y ?? 0 });
      },
      signal: (client, seat, msg) => {
        // AV2: only along a current link (conversation peer, or spotlight speaker↔listener in
        // either direction: the answer goes back); the sender id is ours, never the client's.
        const linked = seat.peers.includes(msg.to) || seat.speaking.includes(msg.to) || seat.listening === msg.to;
        const target = linked ? this.clients.getById(msg.to) : undefined;
        if (!target) return metrics.countDrop(DropReason.NOT_PEER);
        this.sendTo(target, "signal", { from: client.sessionId, kind: msg.kind, data: msg.data });
      },
    };
    for (const type of Object.keys(clientMessageSchemas) as ClientMessageType[]) {
      this.onMessage(type, (client: Client, raw: unknown) => this.receive(client, type, raw, handlers));
    }
    // SE1: every frame passes the gate before Colyseus decodes or dispatches it. Colyseus binds
    // `_onMessage` per client at join, so wrapping it on the instance covers every frame; no
    // catch-all handler is registered, and undeclared types never reach Colyseus's dispatch.
    const self = this as unknown as { _onMessage(client: Client, frame: Uint8Array): void };
    const colyseusOnMessage = self._onMessage;
    self._onMessage = (client: Client, frame: Uint8Array) => {
      try {
        if (this.admitFrame(client, frame)) colyseusOnMessage.call(this, client, frame);
      } catch (err) {
        this.caught("onMessage", err, client.sessionId);
      }
    };
    metrics.rooms.inc();
    this.createdAt = Date.now();
    this.conversations = new ConversationTracker(this.roomId);
    this.track({ type: "room_created" });
    this.clock.setInterval(() => this.sampleOccupancy(), PRESENCE_SAMPLE_S * 1000);
    // A Node timer, not this.clock: Colyseus runs the room clock's timers inside the patch.
    // Node timers are not covered by onUncaughtException: each is guarded itself (SE1).
    this.crowdTimer = setInterval(() => this.guarded("crowd timer", () => { if (this.crowded) this.updateConversations(); }), PROXIMITY_MS * CROWD_PROXIMITY_FACTOR);
    // The process's event-loop use since the last look, for IM8.
    this.loadTimer = setInterval(() => this.guarded("load timer", () => {
      const now = performance.eventLoopUtilization();
      this.elu = performance.eventLoopUtilization(now, this.lastElu).utilization;
      this.lastElu = now;
      this.checkCrowd();
    }), CROWD_CHECK_MS);
    this.unwatchAccess = this.deps.access?.watch((c) => this.onAccessChange(c));
    if (this.deps.positions) this.clock.setInterval(() => void this.savePositions(), POSITIONS_SAVE_MS);
    this.teamLink = this.deps.team?.forRoom(this.space, (a) => this.guarded("announcement", () => { for (const c of this.clients) this.sendTo(c, "announcement", a); }));
    metrics.roomCreateSeconds.observe((performance.now() - createStart) / 1000);
    debugRoom("space %s created (room %s)", this.spaceId, this.roomId);
  }

  override async onJoin(client: Client, _options: unknown) {
    const opts = client.auth as JoinAuth;
    // SE2: access was decided for the space the joiner named; this room must be that space
    // (joinById and friends name a room, and the options could name any public space).
    if (opts.spaceId !== this.spaceId) {
      metrics.joinsRefused.inc({ reason: "wrong_space" });
      throw new ServerError(JoinErrorCode.FORBIDDEN, "this room belongs to another space");
    }
    if (this.state.avatars.size >= this.deps.maxClients) {
      metrics.joinsRefused.inc({ reason: "space_full" });
      throw new ServerError(JoinErrorCode.SPACE_FULL, `this space is full (${this.deps.maxClients} people)`);
    }
    // SE6: `resume` is honoured only with a token this deployment signed for this space.
    const previous = opts.resume ? this.deps.resumeTokens.verify(this.spaceId, opts.resume) : undefined;
    // SE9: the same person coming back replaces a seat held for them (RC1), never duplicates it,
    // and continues where that avatar stands.
    const heldAvatar = previous && this.seats.get(previous)?.held ? this.state.avatars.get(previous) : undefined;
    const heldAt = heldAvatar && this.walkable(heldAvatar.x, heldAvatar.y) ? { x: heldAvatar.x, y: heldAvatar.y } : undefined;
    if (previous) this.releaseHeldSeat(previous);
    if (opts.userId) this.releaseHeldSeatOf(opts.userId);
    // SE7: after a held seat of this person is freed (it may have counted).
    if (opts.role === null || !UNLIMITED_ROLES.has(opts.role)) {
      const held = this.addressSeats.get(opts.address) ?? 0;
      if (held >= this.deps.seatsPerAddress) {
        metrics.joinsRefused.inc({ reason: "address_limit" });
        throw new ServerError(JoinErrorCode.TOO_MANY_FROM_ADDRESS, `too many people from your network are in this space already (${this.deps.seatsPerAddress}): sign in as a member of its team, or try later`);
      }
      // Counted now, before anything awaits, so concurrent joins cannot all pass; onLeave (which
      // also follows a failed join) gives it back.
      this.addressSeats.set(opts.address, held + 1);
      this.countedAddress.set(client.sessionId, opts.address);
    }
    const resumed = heldAt ?? (previous ? await this.resumeAt(previous) : undefined);
    const spot = resumed ?? this.claimedDeskSpot(opts.userId) ?? chooseSpawn(this.map.spawns, this.state.avatars.values());
    const avatar = new Avatar();
    avatar.x = spot.x;
    avatar.y = spot.y;
    avatar.dir = Dir.DOWN;
    const person = new Person();
    person.name = opts.name;
    person.look = opts.look;
    this.state.avatars.set(client.sessionId, avatar);
    this.state.people.set(client.sessionId, person);
    this.visibility.join(client.sessionId, avatar, client);
    const now = this.clock.currentTime;
    const seat: Seat = {
      guard: new InboundGuard(now),
      budget: freshStepBudget(now),
      chat: new TokenBucket(CHAT_BURST, CHAT_REFILL_MS, now),
      emote: new TokenBucket(1, EMOTE_MIN_MS, now),
      peers: [],
      area: null,
      sentArea: null,
      speaking: [],
      listening: null,
      sentSpotlight: "null",
      userId: opts.userId,
      role: opts.role,
      pendingEdits: 0,
      lastSeq: 0,
    };
    this.seats.set(client.sessionId, seat);
    // ws refuses frames over maxPayload by closing the socket (the sender sees 1009, the room an
    // abnormal 1006): count it, and don't keep a seat for a client that will not come back (BI3).
    (client.ref as { on?: (ev: string, fn: (err: { code?: string }) => void) => void }).on?.("error", (err) => {
      if (err?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        seat.oversize = true;
        metrics.countDrop(DropReason.OVERSIZE);
      }
    });
    metrics.ccu.inc();
    this.checkCrowd();
    this.joinedAt.set(client.sessionId, Date.now());
    const who = { session: client.sessionId, user: opts.name, x: spot.x, y: spot.y };
    this.track({ type: "session_start", detail: opts.client, ...who });
    this.track({ type: "space_enter", detail: opts.client, ...who });
    this.sendWelcome(client, seat);
    this.sendAck(client, seat); // MV7: where you start (again on `history`, once the client listens)
    this.teamLink?.joined(client.sessionId, { userId: opts.userId, role: opts.role, name: opts.name });
    debugRoom("%s joined %s as %s", client.sessionId, this.spaceId, opts.name);
  }

  private sendAck(client: Client, seat: Seat) {
    const a = this.state.avatars.get(client.sessionId);
    if (a) this.sendTo(client, "ack", [seat.lastSeq, a.x, a.y, a.dir as Dir]);
  }

  private sendWelcome(client: Client, seat: Seat) {
    const v = this.space.visibility;
    this.sendTo(client, "welcome", {
      userId: seat.userId, role: seat.role, canBuild: can(seat.role, "space.build", v), canClaim: can(seat.role, "space.claimDesk", v),
      resume: this.deps.resumeTokens.sign(this.spaceId, client.sessionId),
    });
  }

  /** BM5: members appear in front of the desk they claimed. */
  private claimedDeskSpot(userId: string | null) {
    if (!userId) return undefined;
    for (const t of this.content.things.values()) {
      if (t.kind === "desk" && t.claimedBy === userId) return deskSpawn(this.map, t) ?? undefined;
    }
    return undefined;
  }

  /** BM1: queue the edit; it is checked, stored, applied and acknowledged in order. */
  private onBuild(client: Client, seat: Seat, msg: ClientMessages["build"]) {
    if (this.queuedEdits >= EDIT_QUEUE_MAX || seat.pendingEdits >= EDITS_PER_CLIENT_MAX) {
      metrics.countDrop(DropReason.THROTTLED);
      return this.sendTo(client, "built", { ref: msg.ref, ok: false, code: EditRefusal.BUSY, message: "too many edits at once: wait a moment" });
    }
    this.queuedEdits++;
    seat.pendingEdits++;
    this.edits = this.edits
      .then(() => this.processEdit(client, seat, msg))
      .catch((err: unknown) => logger.error({ err, space: this.spaceId }, "edit failed"))
      .finally(() => { this.queuedEdits--; seat.pendingEdits--; });
  }

  private async processEdit(client: Client, seat: Seat, msg: ClientMessages["build"]) {
    // Answers go out right after the next patch, so a client never holds an ack for a change it
    // has not received yet (messages are sent at once, state only with patches).
    const answer = (a: ServerMessages["built"]): void => {
      this.afterPatch.push(() => { if (this.clients.getById(client.sessionId)) this.sendTo(client, "built", a); });
    };
    // AZ4: the role as stored now, not as it was at join (a demoted builder stops building at once).
    // A store that cannot answer refuses the edit; it does not pretend the author has no role.
    let role: Role | null = null;
    try {
      role = seat.userId ? await this.roleOf(seat.userId) : null;
    } catch (err) {
      logger.error({ err, space: this.spaceId }, "role not read: edit refused");
      metrics.editsRefused.inc({ code: EditRefusal.STORAGE });
      return answer({ ref: msg.ref, ok: false, code: EditRefusal.STORAGE, message: "your edit could not be checked: nothing was changed, try again" });
    }
    seat.role = role;
    const person = this.state.people.get(client.sessionId);
    const v = this.space.visibility;
    const editor = { userId: seat.userId, name: person?.name ?? "", canBuild: can(role, "space.build", v), canClaim: can(role, "space.claimDesk", v) };
    const plan = planEdit(this.base, this.content, msg.op, editor, () => randomBytes(6).toString("base64url"));
    if (!plan.ok) {
      metrics.editsRefused.inc({ code: plan.code });
      return answer({ ref: msg.ref, ok: false, code: plan.code, message: plan.message });
    }
    if (plan.change.puts.length === 0 && plan.change.deletes.length === 0) return answer({ ref: msg.ref, ok: true, version: this.content.version });
    try {
      await this.deps.directory.store.commitEdit(this.spaceId, {
        expectVersion: this.content.version, authorId: seat.userId, op: msg.op, puts: plan.change.puts, deletes: plan.change.deletes,
      });
    } catch (err) {
      metrics.editsRefused.inc({ code: EditRefusal.STORAGE });
      if (err instanceof StaleVersionError) {
        // Someone else wrote this space (another process): take the stored truth, refuse this edit.
        await this.reloadContent();
        return answer({ ref: msg.ref, ok: false, code: EditRefusal.CONFLICT, message: "the space changed elsewhere: yours was not applied, try again" });
      }
      logger.error({ err, space: this.spaceId }, "edit not stored");
      return answer({ ref: msg.ref, ok: false, code: EditRefusal.STORAGE, message: "your edit could not be saved: nothing was changed, try again" });
    }
    this.applyStored(plan.change);
    metrics.editsStored.inc();
    answer({ ref: msg.ref, ok: true, version: this.content.version, ...(plan.created ? { created: plan.created } : {}) });
  }

  /** Applies a stored change to the content, the synced state and the walkable map. */
  private applyStored(change: WorldChange) {
    applyChange(this.content, change);
    for (const id of change.deletes) this.syncEntity(id);
    for (const p of change.puts) this.syncEntity(p.id);
    this.state.contentVersion = this.content.version;
    this.map = compileWorld(this.base, this.content);
  }

  private async reloadContent() {
    const loaded = await this.deps.directory.load(this.spaceId);
    if (!loaded) return;
    const ids = new Set([...this.state.things.keys(), ...this.state.zones.keys(), ...this.state.spawnPoints.keys(), ...[...this.state.paint.keys()].map((k) => `p:${k}`)]);
    this.content = loaded.content;
    for (const id of ids) this.syncEntity(id);
    this.syncAllContent();
  }

  private syncAllContent() {
    for (const id of this.content.things.keys()) this.syncEntity(id);
    for (const id of this.content.zones.keys()) this.syncEntity(id);
    for (const id of this.content.spawns.keys()) this.syncEntity(id);
    for (const i of this.content.paint.keys()) this.syncEntity(`p:${i}`);
    this.state.contentVersion = this.content.version;
  }

  /** Mirrors one entity of the content into the synced state (added, changed or gone). */
  private syncEntity(id: string) {
    const st = this.state;
    if (id.startsWith("p:")) {
      const key = id.slice(2);
      const paint = this.content.paint.get(Number(key));
      if (paint === undefined) st.paint.delete(key);
      else st.paint.set(key, PAINTS.indexOf(paint) + 1);
      return;
    }
    const t = this.content.things.get(id);
    if (t) {
      const s = st.things.get(id) ?? new Thing();
      Object.assign(s, { kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claimedBy ?? "", claimName: t.claimName ?? "" });
      if (!st.things.has(id)) st.things.set(id, s);
      return;
    }
    st.things.delete(id);
    const z = this.content.zones.get(id);
    if (z) {
      const s = st.zones.get(id) ?? new Zone();
      Object.assign(s, { kind: z.kind, name: z.name, x: z.x, y: z.y, w: z.w, h: z.h, rev: z.rev });
      if (!st.zones.has(id)) st.zones.set(id, s);
      return;
    }
    st.zones.delete(id);
    const sp = this.content.spawns.get(id);
    if (sp) {
      const s = st.spawnPoints.get(id) ?? new SpawnPoint();
      Object.assign(s, { x: sp.x, y: sp.y, rev: sp.rev });
      if (!st.spawnPoints.has(id)) st.spawnPoints.set(id, s);
      return;
    }
    st.spawnPoints.delete(id);
  }

  /** SE4: an access change somewhere; this room re-checks its seats if it is about this space or its team. */
  private onAccessChange(c: AccessChange) {
    if (!this.space || (c.teamId !== this.space.teamId && c.spaceId !== this.spaceId)) return;
    this.recheckAccess();
  }

  /** SE4: one re-check at a time; changes arriving meanwhile get one more pass after it. */
  private recheckAccess() {
    if (this.accessCheck) { this.accessAgain = true; return; }
    this.accessCheck = this.recheckSeats()
      .catch((err: unknown) => this.caught("access check", err))
      .finally(() => {
        this.accessCheck = undefined;
        if (this.accessAgain) { this.accessAgain = false; this.recheckAccess(); }
      });
  }

  /**
   * SE4: asks the store again who may stay. Someone who may no longer enter is told why and closed
   * with ACCESS_REVOKED (a held seat is freed); a changed role is told in a new `welcome` (build
   * controls come and go). A store failure changes nothing (logged): nobody is thrown out on a
   * hiccup, and nobody keeps a role they lost once the store answers again.
   */
  private async recheckSeats() {
    const space = await this.deps.directory.store.space(this.spaceId);
    if (!space) return this.closeForDeletion();
    this.space = space;
    const roles = new Map<string, Role | null>();
    for (const [id, seat] of [...this.seats]) {
      let role: Role | null = null;
      if (seat.userId) {
        if (!roles.has(seat.userId)) roles.set(seat.userId, await this.roleOf(seat.userId));
        role = roles.get(seat.userId) ?? null;
      }
      if (this.seats.get(id) !== seat) continue; // left meanwhile
      const client = this.clients.getById(id);
      if (!can(role, "space.enter", space.visibility)) {
        metrics.accessRevoked.inc();
        if (!client) { seat.held?.reject(); continue; }
        const message = space.visibility === "private" && role === null
          ? "You no longer have access to this space: ask one of its admins for an invite."
          : "Your access to this space has changed.";
        this.sendTo(client, "notice", { code: "access_revoked", message });
        this.kick(client, PlazaCloseCode.ACCESS_REVOKED, "access revoked");
        continue;
      }
      if (role !== seat.role) {
        seat.role = role;
        if (client) this.sendWelcome(client, seat);
      }
    }
  }

  /** The role an account has in this space, as stored now (AZ4); throws when the store does. */
  private roleOf(userId: string): Promise<Role | null> {
    return this.deps.directory.roleIn(this.space, { userId });
  }

  /** The space was deleted over HTTP: everyone leaves (remote call, works across processes). */
  closeForDeletion() {
    for (const c of this.clients) this.sendTo(c, "notice", { code: "space_deleted", message: "This space was deleted by its owner." });
    void this.disconnect(CloseCode.CONSENTED).catch(() => {});
  }

  /**
   * A dropped connection keeps its avatar for RECONNECT_GRACE_S while the SDK reconnects (RC1).
   * A client the room disconnected on purpose (kick) has no seat any more, and a connection closed
   * for a reason the SDK does not retry (e.g. 1009 message too big) is not held either.
   */
  override async onDrop(client: Client, code?: number) {
    const seat = this.seats.get(client.sessionId);
    if (!seat || seat.oversize || code === undefined || !RECONNECTABLE.has(code)) return;
    try {
      const reconnection = this.allowReconnection(client, RECONNECT_GRACE_S);
      seat.held = reconnection;
      await reconnection;
      seat.held = undefined;
    } catch {
      // Grace period over (or the room is closing): onLeave follows.
    }
  }

  override onReconnect(client: Client) {
    this.visibility.rebind(client.sessionId, client);
    // SE4: access may have changed while the connection was away.
    this.recheckAccess();
    // The new connection has heard no links yet: the next conversation update tells it (PX).
    const seat = this.seats.get(client.sessionId);
    if (seat) seat.sentArea = "\u0000";
    debugRoom("%s reconnected to %s", client.sessionId, this.spaceId);
  }

  override onLeave(client: Client, code?: number) {
    const joined = this.joinedAt.get(client.sessionId);
    if (joined !== undefined) {
      const a = this.state.avatars.get(client.sessionId);
      const who = { session: client.sessionId, user: this.state.people.get(client.sessionId)?.name ?? "", x: a?.x ?? 0, y: a?.y ?? 0, duration_ms: Date.now() - joined };
      this.track({ type: "space_leave", ...who });
      this.track({ type: "session_end", detail: String(code ?? ""), ...who });
      this.joinedAt.delete(client.sessionId);
    }
    this.seats.get(client.sessionId)?.emoteTimer?.clear();
    const address = this.countedAddress.get(client.sessionId);
    if (address !== undefined) {
      this.countedAddress.delete(client.sessionId);
      const n = (this.addressSeats.get(address) ?? 1) - 1;
      if (n > 0) this.addressSeats.set(address, n);
      else this.addressSeats.delete(address);
    }
    this.visibility.leave(client.sessionId);
    this.state.people.delete(client.sessionId);
    if (this.state.avatars.delete(client.sessionId)) metrics.ccu.dec();
    this.seats.delete(client.sessionId);
    this.heldPeers.delete(client.sessionId);
    this.checkCrowd();
    this.teamLink?.left(client.sessionId);
    if (!this.draining) this.deps.positions?.forget(this.spaceId, client.sessionId).catch(() => {});
  }

  /**
   * RC1, SE9: a client that re-joins with its resume token (a reload, or it gave up reconnecting)
   * replaces its own held avatar instead of meeting it. The token proves it is the same tab
   * (session ids are public: a bare one frees nothing).
   */
  private releaseHeldSeat(oldSession: string) {
    this.seats.get(oldSession)?.held?.reject();
  }

  /** SE9: a signed-in person re-joining without a valid token (another tab, a lost token) replaces their held seats too. */
  private releaseHeldSeatOf(userId: string) {
    for (const seat of this.seats.values()) if (seat.held && seat.userId === userId) seat.held.reject();
  }

  /**
   * CL3: where a re-joining client stood before its process died or drained. Only the position the
   * server itself stored for that old session in this space, and only if the tile is walkable.
   */
  private async resumeAt(oldSession: string): Promise<StoredTile | undefined> {
    const store = this.deps.positions;
    if (!store) return undefined;
    const t = await store.lookup(this.spaceId, oldSession).catch(() => undefined);
    const walkable = t !== undefined && this.walkable(t.x, t.y);
    metrics.resumedJoins.inc({ outcome: walkable ? "restored" : "spawned" });
    if (t) store.forget(this.spaceId, oldSession).catch(() => {});
    return walkable ? t : undefined;
  }

  private walkable(x: number, y: number): boolean {
    return x < this.map.width && y < this.map.height && this.map.blocked[y * this.map.width + x] === 0;
  }

  /** CL3: one batched write of everyone's position per interval, off the move path. */
  private async savePositions() {
    if (!this.deps.positions || this.state.avatars.size === 0) return;
    const positions = new Map<string, StoredTile>();
    this.state.avatars.forEach((a, id) => positions.set(id, { x: a.x, y: a.y }));
    try {
      await this.deps.positions.save(this.spaceId, positions);
    } catch (err) {
      metrics.positionWriteErrors.inc();
      debugRoom("positions of %s not saved: %o", this.spaceId, err);
    }
  }

  /**
   * CL4: SIGTERM drain. Colyseus has locked the room; store everyone's position, then tell each
   * client to move (PlazaCloseCode.MOVED): it re-joins the space, which now opens elsewhere.
   */
  override onBeforeShutdown() {
    this.draining = true;
    // Edits already queued are stored and acknowledged before anyone is moved (no edit lost).
    void this.edits
      .then(() => this.savePositions())
      .finally(() => {
        for (const send of this.afterPatch.splice(0)) send();
        return this.disconnect(PlazaCloseCode.MOVED).catch(() => {});
      });
  }

  /** Sets the patch interval and what is counted in patches (interest refresh, conversations). */
  private pace(patchMs: number) {
    this.patchMs = patchMs;
    this.visibility.setPatchMs(patchMs);
    this.proximityEvery = Math.max(1, Math.round(PROXIMITY_MS / patchMs));
    this.setPatchRate(patchMs);
  }

  /**
   * IM8: a space with many people on a busy process patches less often and writes each patch out
   * in slices. Entered at CROWD_SIZE people and CROWD_ELU; left below 80 % of the people or under
   * CROWD_ELU_LEAVE (a wide band: crowd mode itself lowers the load).
   */
  private checkCrowd() {
    const n = this.seats.size;
    const { size, patchMs, elu } = this.deps.crowd;
    if (!this.crowded && n >= size && this.elu >= elu) {
      this.crowded = true;
      metrics.crowdedRooms.inc();
      this.pace(Math.max(patchMs, this.deps.patchMs));
      this.visibility.setFine(this.deps.crowd.fine);
      logger.info({ space: this.spaceId, people: n, elu: this.elu, patchMs: this.patchMs }, "crowded space: fewer patches, written out in slices");
    } else if (this.crowded && (n < Math.floor(size * 0.8) || this.elu < Math.min(elu, CROWD_ELU_LEAVE))) {
      this.crowded = false;
      metrics.crowdedRooms.dec();
      this.pace(this.deps.patchMs);
      this.visibility.setFine(this.deps.interestOptions.max);
      this.flushHeld();
    }
  }

  /** Corks every client's socket (ws's WebSocket keeps it as `_socket`) until uncorked. */
  private corkAll(): { uncork(): void }[] {
    const out: { uncork(): void }[] = [];
    for (const c of this.clients) {
      const socket = (c.ref as { _socket?: { cork(): void; uncork(): void } } | undefined)?._socket;
      if (socket) { socket.cork(); out.push(socket); }
    }
    return out;
  }

  /** Sends the `peers` updates held for the patch that just went out (IM8). */
  private flushHeld() {
    // Keyed by session: a client that reconnected meanwhile is a new object.
    for (const [id, peers] of this.heldPeers) { const c = this.clients.getById(id); if (c) this.sendTo(c, "peers", peers); }
    this.heldPeers.clear();
  }

  /** Timed: the patch (interest refresh + encode + send) is the room's main recurring cost. */
  override broadcastPatch() {
    // Runs on a Node interval that onUncaughtException does not cover (SE1).
    try {
      return this.patchNow();
    } catch (err) {
      this.caught("patch", err);
      return false;
    }
  }

  private patchNow() {
    const start = performance.now();
    // IM8: in a crowd, sockets are corked for the patch and written out in slices, so moves that
    // arrive meanwhile are handled (and acked at once) between them.
    this.uncorker ??= new SlicedUncork(this.deps.crowd.uncorkSlice);
    this.uncorker.finish();
    const corked = this.crowded ? this.corkAll() : undefined;
    const sent = super.broadcastPatch();
    if (corked) {
      this.flushHeld();
      this.uncorker.start(corked);
    }
    this.visibility?.patched();
    metrics.patchSeconds.observe((performance.now() - start) / 1000);
    if (this.afterPatch.length > 0) for (const send of this.afterPatch.splice(0)) send();
    return sent;
  }

  /** Colyseus calls this right before encoding each patch. */
  override onBeforePatch() {
    // Colyseus's patch timer runs from construction, i.e. also while onCreate awaits the store.
    if (!this.visibility) return;
    this.guarded("before patch", () => this.beforePatch());
  }

  private beforePatch() {
    this.visibility.tick();
    // Conversations are recomputed at every other patch (PROXIMITY_MS), but not at a crowded
    // space's patches: there they run on their own timer, so the patch goes out sooner (IM8).
    if (!this.crowded && ++this.patches % this.proximityEvery === 0) this.updateConversations();
  }

  /** AN1: fills in the room's fields; synchronous and O(1) (the pipeline only enqueues). */
  private track(e: Partial<TrackedEvent> & Pick<TrackedEvent, "type">) {
    (this.deps.analytics ?? NO_ANALYTICS).track({ space: this.spaceId, session: "", user: "", n: 0, duration_ms: 0, detail: "", x: 0, y: 0, ...e });
  }

  /** AN2: people per occupied tile, every PRESENCE_SAMPLE_S. */
  private sampleOccupancy() {
    if (this.state.avatars.size === 0) return;
    (this.deps.analytics ?? NO_ANALYTICS).sample(occupancySample(this.spaceId, chTime(Date.now()), this.state.avatars.values()));
  }

  /** PX*: recompute who talks to whom; tell each client whose links changed (AV1, PX7–PX8). */
  private updateConversations() {
    const people: Presence[] = [];
    let incumbent: string | undefined;
    for (const [id, seat] of this.seats) {
      // SE9: a seat held for a dropped connection talks to nobody (nobody would hear it).
      if (seat.held) continue;
      const a = this.state.avatars.get(id);
      const p = this.state.people.get(id);
      if (!a || !p) continue;
      const area = areaAt(this.map, a.x, a.y);
      seat.area = area && area.kind === "private" ? area.name : null;
      // Everyone was told the same spotlight: its speaker keeps it while still on stage (PX7).
      if (incumbent === undefined && seat.sentSpotlight !== "null") incumbent = (JSON.parse(seat.sentSpotlight) as SpotlightInfo).speaker;
      people.push({ id, x: a.x, y: a.y, status: STATUSES[p.status] ?? "available", area: seat.area ?? undefined, spotlight: spotlightAt(this.map, a.x, a.y)?.name });
    }
    const { links, spotlight } = spaceLinks(people, {
      radius: TALK_RADIUS, cap: CONVERSATION_CAP, spotlightMax: SPOTLIGHT_MAX, videoMax: SPOTLIGHT_VIDEO_MAX, incumbent,
      previous: { get: (id) => this.seats.get(id)?.peers }, // PX9: each seat holds its last links
    });
    const change = this.conversations.update(new Map([...links].map(([id, l]) => [id, l.peers])), Date.now());
    for (const c of change.started) this.track({ type: "conversation_start", n: c.people, detail: c.id });
    for (const c of change.ended) this.track({ type: "conversation_end", n: c.maxPeople, duration_ms: c.durationMs, detail: c.id });
    const sentSpotlight = JSON.stringify(spotlight);
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    for (const [id, l] of links) {
      const seat = this.seats.get(id)!;
      if (same(l.peers, seat.peers) && seat.area === seat.sentArea && same(l.speaking, seat.speaking) && l.listening === seat.listening && sentSpotlight === seat.sentSpotlight) continue;
      seat.peers = l.peers;
      seat.sentArea = seat.area;
      seat.speaking = l.speaking;
      seat.listening = l.listening;
      seat.sentSpotlight = sentSpotlight;
      const client = this.clients.getById(id);
      const msg: ServerMessages["peers"] = { peers: l.peers, area: seat.area, spotlight, speaking: l.speaking, listening: l.listening };
      if (client && this.crowded) this.heldPeers.set(id, msg);
      else if (client) this.sendTo(client, "peers", msg);
    }
  }

  /** CH1–CH3: plain text, scoped, rate limited; space messages kept for latecomers. */
  private onChat(client: Client, seat: Seat, msg: ClientMessages["chat"]) {
    if (!seat.chat.take(this.clock.currentTime)) {
      metrics.countDrop(DropReason.CHAT_LIMIT);
      return this.sendTo(client, "notice", { code: "chat_limit", message: "Slow down: you are sending messages too fast." });
    }
    const person = this.state.people.get(client.sessionId);
    if (!person) return;
    const recipients: Client[] = [];
    if (msg.scope === "space") {
      recipients.push(...this.clients);
    } else if (msg.scope === "nearby") {
      if (seat.peers.length === 0) return this.sendTo(client, "notice", { code: "nobody_nearby", message: "Nobody is in your conversation to hear that." });
      recipients.push(client, ...seat.peers.map((id) => this.clients.getById(id)).filter((c): c is Client => c !== undefined));
    } else {
      const to = msg.to === undefined ? undefined : this.clients.getById(msg.to);
      if (!to || to === client) return this.sendTo(client, "notice", { code: "no_recipient", message: "That person is not in this space any more." });
      recipients.push(client, to);
    }
    this.track({ type: "chat_sent", session: client.sessionId, user: person.name, detail: msg.scope, n: msg.text.length });
    const chat: ChatMessage = this.chatLog.record({ from: client.sessionId, name: person.name, scope: msg.scope, to: msg.to, text: msg.text, at: Date.now() });
    for (const r of recipients) this.sendTo(r, "chat", chat);
  }

  /** Emotes ride in the avatar's synced state, so only those who can see the avatar get them. */
  private onEmote(client: Client, seat: Seat, msg: ClientMessages["emote"]) {
    const avatar = this.state.avatars.get(client.sessionId);
    if (!avatar) return;
    if (!seat.emote.take(this.clock.currentTime)) return metrics.countDrop(DropReason.CHAT_LIMIT);
    avatar.emote = EMOTES.indexOf(msg.emote) + 1;
    this.track({ type: "emote", session: client.sessionId, detail: msg.emote, x: avatar.x, y: avatar.y });
    seat.emoteTimer?.clear();
    seat.emoteTimer = this.clock.setTimeout(() => { avatar.emote = 0; }, EMOTE_SHOW_MS);
  }

  override onDispose() {
    this.unwatchAccess?.();
    this.uncorker?.finish();
    if (this.crowded) metrics.crowdedRooms.dec();
    clearInterval(this.crowdTimer);
    clearInterval(this.loadTimer);
    this.teamLink?.close();
    // A room whose onCreate failed (e.g. the space was deleted meanwhile) never started.
    if (!this.conversations) return;
    metrics.rooms.dec();
    for (const c of this.conversations.endAll(Date.now())) this.track({ type: "conversation_end", n: c.maxPeople, duration_ms: c.durationMs, detail: c.id });
    this.track({ type: "room_disposed", duration_ms: Date.now() - this.createdAt });
    debugRoom("space %s disposed", this.spaceId);
  }

  /**
   * SE1, BI1: the gate every frame of a seated client passes before Colyseus looks at it. Each
   * frame (pings too) spends the sender's budget; only declared message types, the keep-alive and
   * the framework's join/leave go on. True: hand the frame to Colyseus.
   */
  private admitFrame(client: Client, frame: Uint8Array): boolean {
    const verdict = classifyFrame(frame);
    if (verdict.kind === "session") return true;
    const seat = this.seats.get(client.sessionId);
    if (!seat) return false;
    const now = this.clock.currentTime;
    const admission = seat.guard.admit(now);
    if (admission !== "process") {
      metrics.countDrop(DropReason.THROTTLED);
      if (admission === "disconnect") this.kick(client, PlazaCloseCode.FLOODING, "too many messages");
      else if (!seat.guard.throttledNoticeSent) {
        seat.guard.throttledNoticeSent = true;
        this.sendTo(client, "notice", { code: "throttled", message: "You are sending too fast; some input was ignored." });
      }
      return false;
    }
    if (verdict.kind === "refused") {
      this.refuse(client, seat, verdict.why === "unsupported" ? DropReason.UNSUPPORTED : verdict.why === "malformed" ? DropReason.MALFORMED : DropReason.UNKNOWN_TYPE, now);
      return false;
    }
    return true;
  }

  /** A declared message, decoded by Colyseus: validation, dispatch (BI2). */
  private receive(client: Client, type: ClientMessageType, raw: unknown, handlers: Handlers) {
    const seat = this.seats.get(client.sessionId);
    if (!seat) return;
    const parsed = parseClientMessage(type, raw);
    if (!parsed.ok) return this.refuse(client, seat, DropReason.MALFORMED, this.clock.currentTime);
    this.dispatch(client, seat, type, parsed.value, handlers);
  }

  /**
   * SE1: an exception anywhere in the room (handler, lifecycle hook, timer, patch) is counted and
   * logged with the room, and stays here: the room and the process go on. Colyseus calls this for
   * what it wraps (handlers, onJoin/onLeave/…, clock timers); `guarded` covers the rest.
   */
  override onUncaughtException(error: RoomException, methodName: RoomMethodName) {
    // A join refused on purpose (full, forbidden…) is an answer, not a fault.
    if (error.cause instanceof ServerError || (error as unknown) instanceof ServerError) return;
    this.caught(methodName, error.cause ?? error);
  }

  private caught(where: string, err: unknown, session?: string) {
    metrics.roomErrors.inc({ where });
    logger.error({ err, where, space: this.spaceId, room: this.roomId, session }, "exception in a space room (caught; the room goes on)");
  }

  /** Runs fn; an exception is caught and counted (SE1). */
  private guarded(where: string, fn: () => void) {
    try { fn(); } catch (err) { this.caught(where, err); }
  }

  private dispatch<K extends ClientMessageType>(client: Client, seat: Seat, type: K, msg: ClientMessages[K], handlers: Handlers) {
    handlers[type](client, seat, msg);
  }

  private refuse(client: Client, seat: Seat, reason: DropReason, now: number) {
    metrics.countDrop(reason);
    if (seat.guard.invalid(now) === "disconnect") this.kick(client, PlazaCloseCode.PROTOCOL_VIOLATION, "malformed messages");
  }

  private kick(client: Client, code: PlazaCloseCode, reason: string) {
    metrics.clientsKicked.inc({ code: String(code) });
    this.track({ type: "error", session: client.sessionId, detail: `kicked:${code}` });
    logger.warn({ space: this.spaceId, session: client.sessionId, code }, `disconnecting client: ${reason}`);
    this.seats.delete(client.sessionId);
    client.leave(code, reason);
  }

  /** MV1–MV5: the same applyMove the client predicted with, plus the server-only speed limit. */
  private onMove(client: Client, seat: Seat, msg: ClientMessages["move"]) {
    const avatar = this.state.avatars.get(client.sessionId);
    if (!avatar) return;
    const from = { x: avatar.x, y: avatar.y, dir: avatar.dir as Dir };
    const outcome = applyMove(this.map, from, msg);
    let reason: MoveRejection | undefined = outcome.ok ? undefined : outcome.reason;
    if (outcome.ok && outcome.stepped) {
      const budget = spendStep(seat.budget, this.clock.currentTime);
      if (budget) seat.budget = budget;
      else reason = MoveRejection.TOO_FAST;
    }
    if (reason !== undefined || !outcome.ok) {
      seat.lastSeq = msg.seq;
      metrics.countRejection(reason ?? MoveRejection.NOT_ADJACENT);
      this.sendTo(client, "correction", { seq: msg.seq, x: avatar.x, y: avatar.y, dir: avatar.dir as Dir, reason: reason ?? MoveRejection.NOT_ADJACENT });
      return;
    }
    if (outcome.stepped) this.visibility.moved(client.sessionId, outcome.pose.x, outcome.pose.y);
    avatar.x = outcome.pose.x;
    avatar.y = outcome.pose.y;
    avatar.dir = outcome.pose.dir;
    // MV7: the mover's ack, at once and to the mover only (in a crowd, if its socket is still
    // corked for the patch, in the same write, IM8);
    // everyone else gets the tile in the patch.
    seat.lastSeq = msg.seq;
    this.sendTo(client, "ack", [msg.seq, outcome.pose.x, outcome.pose.y, outcome.pose.dir]);
  }

  private sendTo<K extends keyof ServerMessages>(client: Client, type: K, msg: ServerMessages[K]) {
    client.send(type, msg);
  }
}

/** A SpaceRoom class bound to its dependencies (Colyseus instantiates rooms itself). */
export function spaceRoomWith(deps: SpaceRoomDeps): typeof SpaceRoom {
  return class BoundSpaceRoom extends SpaceRoom {
    protected override deps = deps;
    static override onAuth(token: string, options: unknown, context: AuthContext): Promise<JoinAuth> {
      // context.ip is the address pinned under TRUST_PROXY before Colyseus read it (SE8, app.ts).
      return SpaceRoom.authorizeJoin(deps, token, options, context.ip);
    }
  };
}
