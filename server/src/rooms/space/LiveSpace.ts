/**
 * One space while its room is open, without Colyseus — the room is to this what tldraw's
 * TLSocketRoom is to TLSyncRoom. It wires the space's features (world, people, seats, links, chat,
 * build edits, crowd mode, access re-checks) to each other and to the extensions, and does what a
 * join, a leave, a reconnect, a message or an access change means for them. The room hands it
 * Colyseus's lifecycle and decoded messages; it answers through the host.
 */
import type { SpaceState } from "../../../../shared/state.ts";
import { NoticeCode, PlazaCloseCode } from "../../../../shared/codes.ts";
import { peersToWire } from "../../../../shared/protocol.ts";
import type { Tile } from "../../../../shared/map.ts";
import { createVisibility, type InterestMode, type ViewHolder, type Visibility } from "../../interest/AvatarVisibility.ts";
import { interestCellFor } from "../../interest/CellGeometry.ts";
import type { AccessChange, AccessEvents } from "../../access/AccessEvents.ts";
import type { LoadedSpace, SpaceDirectory } from "../../access/directory.ts";
import type { ResumeTokens } from "../../auth/resumeTokens.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import { AccessCheck, concerns } from "./AccessCheck.ts";
import { refuse, type JoinAuth, type JoinRate } from "./admission.ts";
import { ChatRoom } from "./ChatRoom.ts";
import { CrowdMode, type CrowdSettings, type Pace } from "./CrowdMode.ts";
import type { Timer } from "./Emotes.ts";
import { EditQueue } from "./EditQueue.ts";
import { Extensions, type SpaceRoomContext, type SpaceRoomExtensionFactory } from "./extension.ts";
import { Knocks } from "./Knocks.ts";
import { Links } from "./Links.ts";
import { Meetings, type AvSettings } from "./Meetings.ts";
import { areaAt } from "../../../../shared/map.ts";
import { messageHandlers, type Handlers } from "./MessageReceiver.ts";
import type { Outbox } from "./Outbox.ts";
import { People } from "./People.ts";
import { Profiles } from "./Profiles.ts";
import { Seats, welcomeOf, type Seat } from "./Seats.ts";
import { SpaceWorld } from "./SpaceWorld.ts";
import * as metrics from "../../metrics.ts";
import { logger } from "../../log.ts";

export interface SpaceRoomDeps {
  /** Spaces, their content and who may do what (AZ1–AZ4, BM1–BM9). */
  directory: SpaceDirectory;
  /** Most people one space room admits (SP2). */
  maxClients: number;
  /** Interest management: "grid" (default) or "off" (everyone receives everyone). */
  interest: InterestMode;
  /** Radius and cell unset: by the map's size (IM14). */
  interestOptions: { max: number; radius?: number; cell?: number };
  /** Patch interval in ms (PATCH_MS by default). */
  patchMs: number;
  /** IM8/IM9: when a space is crowded and how it patches then. */
  crowd: CrowdSettings;
  /** Signs and checks resume tokens (SE6). */
  resumeTokens: ResumeTokens;
  /** Access changes published by the HTTP tier on any process (SE4); none: only checked at join. */
  access?: AccessEvents;
  /** Most seats visitors and guests from one address may hold in one space (SE7). */
  seatsPerAddress: number;
  /** Joins per address per minute for visitors and guests (SE7); none: not limited. */
  joinRate?: JoinRate;
  /** Cross-cutting concerns (analytics, saved positions, team presence): one instance each per room. */
  extensions: readonly SpaceRoomExtensionFactory[];
  /** SFU meetings and TURN credentials (SF1–SF8); none: mesh only, ICE_SERVERS as configured. */
  av?: AvSettings;
}

/**
 * What a live space needs of its room. A live space names people by their short person keys
 * (IM10): `session` below is always one. The room knows which connection (Colyseus session id,
 * the "visit") each key is.
 */
export interface LiveSpaceHost {
  readonly roomId: string;
  /** The session id of a person key (what resume tokens and extensions use); the key if unknown. */
  visit(key: string): string;
  /** The person key of a session id seated in this room now, if any. */
  keyOf(visit: string): string | undefined;
  readonly outbox: Outbox;
  /** The room's clock (ms), and its timers (stopped with the room). */
  now(): number;
  later: Timer;
  every(ms: number, fn: () => void): void;
  /** Is this session connected to the room now? */
  present(session: string): boolean;
  /** Closes one connection on purpose. */
  close(session: string, code: PlazaCloseCode, reason: string): void;
  /** The space was deleted: everyone leaves. */
  closeAll(): void;
  /** Patch at this pace from now on (IM8). */
  pace(p: Pace): void;
  /** Runs fn, catching (SE1); reports a caught exception. */
  guarded(where: string, fn: () => void): void;
  caught(where: string, err: unknown): void;
}

export class LiveSpace {
  readonly world: SpaceWorld;
  readonly visibility: Visibility;
  readonly people: People;
  readonly seats: Seats;
  readonly crowd: CrowdMode;
  readonly edits: EditQueue;
  readonly handlers: Handlers;
  /** The process drains: people leaving now are moving to another process (CL4). */
  draining = false;
  private space: SpaceRecord;
  private readonly links = new Links();
  private readonly chat = new ChatRoom();
  private readonly profiles: Profiles;
  private readonly knocks: Knocks;
  private readonly access: AccessCheck;
  private readonly ext: Extensions;
  private readonly meetings: Meetings | undefined;

  constructor(loaded: LoadedSpace, private readonly state: SpaceState, private readonly deps: SpaceRoomDeps, private readonly host: LiveSpaceHost) {
    this.space = loaded.space;
    this.world = new SpaceWorld(loaded.base, loaded.content, state);
    const { interestOptions, patchMs } = deps;
    const { width, height } = this.world.map;
    this.visibility = createVisibility(deps.interest, width, height, {
      ...interestOptions, ...interestCellFor(width, height, interestOptions), refreshPatches: 1, coarsePatches: 1,
      fine: interestOptions.max, // all of them, until the space is crowded (IM9)
      touch: () => { state.viewEpoch = (state.viewEpoch + 1) & 255; },
    });
    this.people = new People(state, this.world, this.visibility, host.later);
    this.profiles = new Profiles(state);
    this.seats = new Seats(deps.seatsPerAddress);
    this.edits = new EditQueue(this.world, deps.directory, () => this.space);
    const normal = { patchMs, fine: interestOptions.max };
    this.crowd = new CrowdMode(this.id, deps.crowd, normal, { pace: host.pace, deliver: (to, msg) => host.outbox.send(to, "peers", peersToWire(msg)) });
    this.access = new AccessCheck(deps.directory, this.id, {
      seats: () => this.seats.values(),
      seated: (seat) => this.seats.get(seat.session) === seat,
      deleted: () => host.closeAll(),
      read: (space) => { this.space = space; },
      revoke: (seat, message) => this.revoke(seat, message),
      roleChanged: (seat) => this.welcome(seat),
      failed: (err) => host.caught("access check", err),
    });
    this.meetings = deps.av && new Meetings(this.id, deps.av, {
      send: (to, msg) => host.outbox.send(to, "av", msg),
      areaOf: (session) => {
        const a = state.avatars.get(session);
        const area = a && areaAt(this.world.map, a.x, a.y);
        return area && area.kind === "private" ? area.name : null;
      },
    });
    // SF8: TURN credentials renewed at half their lifetime.
    if (deps.av?.turn) host.every(deps.av.turn.ttlS * 500, () => { for (const seat of this.seats.values()) this.meetings!.sendCredentials(seat.session); });
    this.knocks = new Knocks({ state, map: () => this.world.map, outbox: host.outbox, present: host.present });
    host.every(1000, () => this.knocks.tick(host.now())); // NV1, NV4
    this.ext = new Extensions(deps.extensions.map((make) => make(this.context())), host.guarded, host.visit);
    this.handlers = messageHandlers({
      people: this.people, profiles: this.profiles, links: this.links, chat: this.chat, edits: this.edits, knocks: this.knocks, ext: this.ext, outbox: host.outbox,
      now: host.now, present: host.present, welcome: (seat) => this.welcome(seat),
    });
  }

  get id(): string { return this.space.id; }

  /**
   * Seats a joiner whose access onAuth checked (AZ1), or refuses them (SE2, SP2, SE7). SE6: a
   * `resume` token signed for this space continues its session: a seat held for it (SE9) is
   * replaced, its avatar continuing where it stands, else a stored position is used (CL3).
   * `session` is the joiner's person key (IM10); tokens name session ids.
   */
  async join(session: string, opts: JoinAuth, holder: ViewHolder): Promise<Seat> {
    if (opts.spaceId !== this.id) throw refuse.wrongSpace(); // joinById and friends name a room, not a space
    if (this.people.count >= this.deps.maxClients) throw refuse.full(this.deps.maxClients);
    const previous = opts.resume ? this.deps.resumeTokens.verify(this.id, opts.resume) : undefined;
    const previousKey = previous === undefined ? undefined : this.host.keyOf(previous);
    const heldAt = previousKey && this.seats.isHeld(previousKey) ? this.people.standingAt(previousKey) : undefined;
    this.seats.releaseHeld(previousKey, opts.userId);
    const joiner = { session, userId: opts.userId, role: opts.role, name: opts.name, address: opts.address };
    // SE7: counted after a held seat of this person is freed, before anything awaits.
    if (!this.seats.countAddress(joiner)) throw refuse.address(this.deps.seatsPerAddress);
    const spot: Tile = heldAt ?? (previous ? await this.ext.resume(previous) : undefined) ?? this.people.arrivalSpot(opts.userId);
    this.people.add(session, opts, spot, holder);
    const seat = this.seats.sit(joiner, this.host.now());
    metrics.ccu.inc();
    this.crowd.check(this.seats.size);
    this.welcome(seat);
    this.meetings?.sendCredentials(session);
    const ack = this.people.ack(session); // MV7: where you start (again on `history`, once the client listens)
    if (ack) this.host.outbox.send(session, "ack", ack);
    this.ext.notify("onJoin", { session, userId: opts.userId, role: opts.role, name: opts.name, client: opts.client, x: spot.x, y: spot.y });
    return seat;
  }

  /** The seat is let go (also after a failed join). */
  leave(session: string, code?: number) {
    this.ext.notify("onLeave", { session, ...this.people.describe(session), code });
    this.meetings?.leave(session);
    for (const feature of [this.seats, this.chat, this.links, this.crowd, this.profiles, this.knocks]) feature.leave(session);
    if (this.people.remove(session)) metrics.ccu.dec();
    this.crowd.check(this.seats.size);
  }

  /** A dropped connection came back as a new client. */
  reconnected(session: string, holder: ViewHolder) {
    this.visibility.rebind(session, holder);
    this.access.request(); // SE4: access may have changed while the connection was away
    this.links.resend(session); // the new connection has heard no links yet (PX)
    this.meetings?.reconnected(session);
  }

  /** SE4: an access change published somewhere; re-check the seats if it is about this space or its team. */
  accessChanged(c: AccessChange) {
    if (concerns(c, this.space)) this.access.request();
  }

  /** PX*, AV1: who talks to whom; each client whose links changed is told (in a crowd, after the patch write). */
  updateLinks() {
    // SE9: a seat held for a dropped connection talks to nobody (nobody would hear it).
    const sessions = [...this.seats.values()].filter((seat) => !seat.held).map((seat) => seat.session);
    // SF9: with Janus answering, the spotlight reaches everyone through the SFU instead of mesh links.
    const { changed, peers, stage } = this.links.update(this.people.talkers(sessions), this.world.map, this.meetings?.stageViaSfu());
    this.ext.notify("onConversations", peers);
    this.meetings?.update(peers, stage);
    for (const [id, msg] of changed) this.crowd.peers(id, msg);
  }

  /** Closes a connection on purpose (BI1–BI3, SE4): its seat stops counting at once. */
  kick(session: string, code: PlazaCloseCode, reason: string) {
    metrics.clientsKicked.inc({ code: String(code) });
    this.ext.notify("onKick", session, code);
    logger.warn({ space: this.id, session, code }, `disconnecting client: ${reason}`);
    this.seats.unseat(session);
    this.host.close(session, code, reason);
  }

  /** CL4: queued edits answered and the extensions' drain work done (positions stored). */
  async drain(): Promise<void> {
    this.draining = true;
    await this.edits.idle();
    await this.ext.drain();
  }

  dispose() {
    this.crowd.dispose();
    this.meetings?.dispose();
    this.ext.notify("onDispose");
  }

  private welcome(seat: Seat) {
    this.host.outbox.send(seat.session, "welcome", welcomeOf(seat, this.space.visibility, this.deps.resumeTokens.sign(this.id, this.host.visit(seat.session))));
  }

  /** SE4: told why and closed; a held seat is freed. */
  private revoke(seat: Seat, message: string) {
    if (!this.host.present(seat.session)) return seat.held?.reject();
    this.host.outbox.send(seat.session, "notice", { code: NoticeCode.ACCESS_REVOKED, message });
    this.kick(seat.session, PlazaCloseCode.ACCESS_REVOKED, "access revoked");
  }

  /** What the extensions see of this room. */
  private context(): SpaceRoomContext {
    const live = this;
    const { host, state } = this;
    return {
      spaceId: this.id, roomId: host.roomId, space: this.space,
      get draining() { return live.draining; },
      *avatars() { for (const [key, a] of state.avatars.entries()) yield [host.visit(key), a]; },
      walkable: (x, y) => this.world.walkable(x, y),
      broadcast: (type, msg) => host.outbox.broadcast(type, msg),
      every: host.every,
      guarded: host.guarded,
    };
  }
}
