/**
 * SFU meetings (SPEC SF1–SF7): which conversation groups go through Janus, and who may be in each
 * Janus room. A group (people connected by conversation links, PX) bigger than the threshold, or
 * standing in a private area, becomes a meeting: a VideoRoom room on the least-loaded healthy
 * Janus instance, made private with a secret only this server knows and an `allowed` list of
 * per-person tokens. Each member is told the room, their token and their publisher id (`av.sfu`);
 * someone who leaves the group loses their token and is kicked from the room. Once a meeting, a
 * group stays one until fewer than two remain (SF3), so a group hovering at the threshold does not
 * flap between mesh and SFU. The browser never picks a room: a join without a token is refused by
 * Janus itself.
 *
 * Janus calls are asynchronous; each meeting's calls run one after another (its `chain`), and what
 * members are told follows what Janus has accepted. A failed call is logged and the meeting is
 * retried at the next update (SE1: never an exception into the room).
 */
import type { ServerMessages } from "../../../../shared/protocol.ts";
import type { JanusInstance } from "../../av/janusApi.ts";
import type { JanusPool } from "../../av/JanusPool.ts";
import { turnCredential, type TurnSettings } from "../../av/turn.ts";
import { conversationGroups } from "../../../../shared/proximity.ts";
import { logger } from "../../log.ts";
import { janusId as bigId, janusToken as token, queueJanus } from "../../av/janusIds.ts";
import { Stage } from "./Stage.ts";
import type { StageLinks } from "./Links.ts";

export interface AvSettings {
  /** No pool: every group stays a mesh (AV, today's limits). */
  janus?: JanusPool;
  /** Groups bigger than this go through the SFU (JANUS_THRESHOLD). */
  threshold: number;
  turn?: TurnSettings;
  /** Stage listeners who also get the speaker's video through the SFU (JANUS_STAGE_VIDEO_MAX, SF11). */
  stageVideoMax?: number;
}

/** SF11's default: listeners who get the stage's video (low simulcast layer), the rest audio only. */
export const STAGE_VIDEO_MAX = 50;

export interface MeetingsHost {
  send(to: string, msg: ServerMessages["av"]): void;
  /** Where this session stands: its private area, if any. */
  areaOf(session: string): string | null;
}

interface Member { token: string; id: number }

interface Meeting {
  key: string;
  instance: JanusInstance | undefined;
  room: number;
  secret: string;
  /** Members as Janus knows them (tokens allowed). */
  members: Map<string, Member>;
  /** Members wanted now (from the last update). */
  wanted: Set<string>;
  chain: Promise<void>;
  /** Marked for destruction: no new work. */
  ended: boolean;
}


export class Meetings {
  private readonly meetings = new Map<string, Meeting>();
  private readonly byPerson = new Map<string, string>();
  private counter = 0;
  private readonly stopWatching: (() => void) | undefined;
  /** The spotlight through the SFU (SF9–SF14), when Janus is configured. */
  private readonly stage: Stage | undefined;

  constructor(private readonly spaceId: string, private readonly s: AvSettings, private readonly host: MeetingsHost) {
    this.stopWatching = s.janus?.onDown((url) => this.moveFrom(url));
    this.stage = s.janus && new Stage(spaceId, { janus: s.janus, videoMax: s.stageVideoMax ?? STAGE_VIDEO_MAX }, host);
  }

  /** SF9: does the spotlight go through the SFU now (Janus configured and answering)? Else the mesh (PX8). */
  stageViaSfu(): boolean {
    return this.stage?.available() ?? false;
  }

  /** A TURN credential for this session, when TURN is configured (SF8). */
  credentials(session: string): ServerMessages["av"] | undefined {
    if (!this.s.turn) return undefined;
    const { urls, username, credential } = turnCredential(this.s.turn, session);
    return { iceServers: [{ urls, username, credential }] };
  }

  /** Sends this session fresh TURN credentials (after joining, and renewed by the room's timer). */
  sendCredentials(session: string) {
    const msg = this.credentials(session);
    if (msg) this.host.send(session, msg);
  }

  /** A new connection for this session (reconnect): it has heard nothing yet. */
  reconnected(session: string) {
    this.sendCredentials(session);
    this.stage?.reconnected(session);
    const m = this.meetings.get(this.byPerson.get(session) ?? "");
    if (m?.members.has(session)) this.tell(m, session);
  }

  /** The room's conversation links changed (or not): meetings follow the groups, the stage its spotlight (SF9). */
  update(peers: ReadonlyMap<string, readonly string[]>, stage: StageLinks | null = null) {
    if (!this.s.janus) return;
    this.stage?.update(stage);
    const groups = conversationGroups(peers);
    groups.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
    const kept = new Set<string>();
    for (const group of groups) {
      const heir = this.heir(group, kept);
      const sfu = heir !== undefined || group.length > this.s.threshold || group.some((id) => this.host.areaOf(id) !== null);
      if (!sfu) continue;
      const meeting = heir ?? this.open();
      if (!meeting) continue; // no healthy Janus: the group stays a mesh
      kept.add(meeting.key);
      meeting.wanted = new Set(group);
      this.sync(meeting);
    }
    for (const m of this.meetings.values()) if (!kept.has(m.key)) this.close(m);
  }

  /** Someone left the room: out of their meeting at the next update (links drop them), and now. */
  leave(session: string) {
    this.stage?.leave(session);
    const key = this.byPerson.get(session);
    const m = key ? this.meetings.get(key) : undefined;
    if (!m) return;
    m.wanted.delete(session);
    this.sync(m);
  }

  dispose() {
    this.stopWatching?.();
    this.stage?.dispose();
    for (const m of this.meetings.values()) this.close(m);
  }

  /** The meeting holding most of this group's members (not already taken by a bigger group). */
  private heir(group: string[], taken: Set<string>): Meeting | undefined {
    const votes = new Map<string, number>();
    for (const id of group) {
      const key = this.byPerson.get(id);
      if (key && !taken.has(key)) votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [key, n] of votes) if (!best || n > votes.get(best)!) best = key;
    return best ? this.meetings.get(best) : undefined;
  }

  private open(): Meeting | undefined {
    const instance = this.s.janus!.place();
    if (!instance) return undefined;
    const m: Meeting = {
      key: `${this.spaceId}-${++this.counter}`, instance, room: bigId(), secret: token(),
      members: new Map(), wanted: new Set(), chain: Promise.resolve(), ended: false,
    };
    this.meetings.set(m.key, m);
    const { room, secret } = m;
    this.run(m, "create", () => instance.createRoom({ room, secret, allowed: [], publishers: 25, description: `plaza ${this.spaceId}` }));
    return m;
  }

  /** Brings Janus's allowed list and the members' assignments in step with `wanted`. */
  private sync(m: Meeting) {
    for (const id of m.wanted) this.byPerson.set(id, m.key);
    this.run(m, "members", async () => {
      const instance = m.instance!;
      const gone = [...m.members].filter(([id]) => !m.wanted.has(id));
      const added = [...m.wanted].filter((id) => !m.members.has(id)).map((id) => [id, { token: token(), id: bigId() }] as const);
      if (!gone.length && !added.length) return;
      if (added.length) await instance.allowed(m.room, m.secret, "add", added.map(([, a]) => a.token));
      if (gone.length) {
        await instance.allowed(m.room, m.secret, "remove", gone.map(([, a]) => a.token));
        // Kicked: a token taken away does not end a session already in the room.
        await Promise.all(gone.map(([, a]) => instance.kick(m.room, m.secret, a.id).catch(() => {})));
      }
      for (const [id] of gone) {
        m.members.delete(id);
        if (this.byPerson.get(id) === m.key) this.byPerson.delete(id);
        this.host.send(id, { sfu: null });
      }
      for (const [id, a] of added) m.members.set(id, a);
      this.tell(m);
    });
  }

  /** Every member's assignment (the feeds list changed for all of them), or only `only`'s. */
  private tell(m: Meeting, only?: string) {
    const feeds = Object.fromEntries([...m.members].map(([id, a]) => [id, a.id]));
    const url = this.s.janus!.publicUrl(m.instance!); // where browsers reach it (SF21)
    for (const [id, a] of m.members) {
      if (!only || only === id) this.host.send(id, { sfu: { url, room: m.room, token: a.token, id: a.id, feeds } });
    }
  }

  private close(m: Meeting) {
    if (m.ended) return;
    m.ended = true;
    this.meetings.delete(m.key);
    for (const id of m.members.keys()) {
      if (this.byPerson.get(id) === m.key) this.byPerson.delete(id);
      if (!this.byPerson.has(id)) this.host.send(id, { sfu: null });
    }
    const { instance, room, secret } = m;
    m.chain = m.chain.then(() => instance?.destroyRoom(room, secret)).then(() => {}, () => {});
    if (instance) this.s.janus!.release(instance);
  }

  /** SF6: an instance stopped answering: its meetings are made again elsewhere; members re-join. */
  private moveFrom(url: string) {
    for (const m of this.meetings.values()) {
      if (m.instance?.url !== url) continue;
      const next = this.s.janus!.place();
      this.s.janus!.release(m.instance);
      m.instance = next;
      m.room = bigId();
      m.members.clear(); // new tokens and ids on the new instance
      if (!next) { this.close(m); continue; }
      const { room, secret } = m;
      this.run(m, "move", () => next.createRoom({ room, secret, allowed: [], publishers: 25, description: `plaza ${this.spaceId}` }));
      this.sync(m);
    }
  }

  /** Queues Janus work on the meeting; a failure is logged (the next update retries the members). */
  private run(m: Meeting, what: string, fn: () => Promise<unknown>) {
    queueJanus(m, fn, (err) => logger.warn({ err, space: this.spaceId, janus: m.instance?.url, what }, "janus request failed"));
  }
}
