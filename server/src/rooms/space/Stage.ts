/**
 * The stage through the SFU (SPEC SF9–SF14): with Janus configured, the spotlight speaker reaches
 * everyone in the space through one VideoRoom room of the stage's own, instead of one peer-to-peer
 * copy per listener. The speaker publishes once (audio, simulcast camera, screen); every listener
 * subscribes to that one feed. Who may do either is this server's word, as for meetings (SF2,
 * SF7): a private room with a secret only the server knows, a per-person token in its `allowed`
 * list, the room's publisher count capped at one, and listeners let in only once the speaker's
 * feed is up — so nobody with a token can take the only publisher place first. A listener who
 * leaves loses the token and is kicked; a new speaker gets a new room.
 *
 * Video follows a plan (SF11): the nearest `videoMax` listeners also take the camera and screen
 * (on the low simulcast layer), the others audio only; a place that frees up goes to the nearest
 * listener without one, and nobody loses video while they stay (no flapping as people move).
 *
 * Janus calls run one after another on the stage's chain; a failure is logged and retried at the
 * next update (the room updates links every PROXIMITY_MS), never thrown into the room (SE1).
 */
import type { ServerMessages, StageAssignment } from "../../../../shared/protocol.ts";
import type { JanusInstance } from "../../av/janusApi.ts";
import type { JanusPool } from "../../av/JanusPool.ts";
import { janusId, janusToken, queueJanus } from "../../av/janusIds.ts";
import type { StageLinks } from "./Links.ts";
import { logger } from "../../log.ts";

export interface StageSettings {
  janus: JanusPool;
  /** Listeners who also get the speaker's video (JANUS_STAGE_VIDEO_MAX). */
  videoMax: number;
}

export interface StageHost {
  send(to: string, msg: ServerMessages["av"]): void;
}

/** Someone admitted to the stage's Janus room: their token, Janus id and video plan. */
interface Admitted { token: string; id: number; video: boolean }

interface StageRoom {
  speaker: string;
  instance: JanusInstance;
  room: number;
  secret: string;
  /** As Janus knows them (tokens allowed): the speaker and the listeners let in. */
  admitted: Map<string, Admitted>;
  /** Listeners wanted now, nearest first (from the last update). */
  wanted: readonly string[];
  /** The speaker's feed is published: listeners may be let in (SF10). */
  onAir: boolean;
  /** When we last asked Janus whether the speaker publishes (ms). */
  askedAt: number;
  /** A sync is queued on the chain already (updates come every PROXIMITY_MS). */
  queued: boolean;
  chain: Promise<void>;
  ended: boolean;
}

/** While the speaker's feed is not up yet, Janus is asked at most this often whether it is. */
const ON_AIR_POLL_MS = 400;

export class Stage {
  private current: StageRoom | undefined;
  private readonly stopWatching: () => void;

  constructor(private readonly spaceId: string, private readonly s: StageSettings, private readonly host: StageHost) {
    // SF6 for the stage: its instance stopped answering: the stage ends there, and the next update opens it elsewhere.
    this.stopWatching = s.janus.onDown((url) => { if (this.current?.instance.url === url) this.close(this.current); });
  }

  /** Can the stage go through the SFU now (a healthy instance)? Otherwise it stays the mesh spotlight (PX8). */
  available(): boolean {
    return this.s.janus.load().some((m) => m.healthy);
  }

  /** The room's spotlight now (or none): the stage's room and who is admitted follow it. */
  update(links: StageLinks | null) {
    const c = this.current;
    if (c && (!links || links.speaker !== c.speaker)) this.close(c);
    if (!links) return;
    const stage = this.current ?? this.open(links.speaker);
    if (!stage) return;
    stage.wanted = links.listeners;
    this.sync(stage);
  }

  /** Someone left the room: the speaker's leaving ends the stage; a listener is let go now. */
  leave(session: string) {
    const c = this.current;
    if (!c) return;
    if (c.speaker === session) return this.close(c);
    if (!c.admitted.has(session)) return;
    c.wanted = c.wanted.filter((id) => id !== session);
    this.sync(c);
  }

  /** A new connection for this session (reconnect): it is told its place again. */
  reconnected(session: string) {
    if (this.current?.admitted.has(session)) this.tell(this.current, session);
  }

  dispose() {
    this.stopWatching();
    if (this.current) this.close(this.current);
  }

  private open(speaker: string): StageRoom | undefined {
    const instance = this.s.janus.place();
    if (!instance) return undefined;
    const stage: StageRoom = {
      speaker, instance, room: janusId(), secret: janusToken(), admitted: new Map(), wanted: [],
      onAir: false, askedAt: 0, queued: false, chain: Promise.resolve(), ended: false,
    };
    this.current = stage;
    const { room, secret } = stage;
    // One publisher place: the speaker's. Listeners join without publishing (not counted).
    this.run(stage, "create", () => instance.createRoom({ room, secret, allowed: [], publishers: 1, description: `plaza ${this.spaceId} stage` })
      .catch((err) => { this.close(stage); throw err; })); // the next update opens it again
    return stage;
  }

  /** Brings Janus's allowed list, the video plan and what each person was told in step with `wanted`. */
  private sync(stage: StageRoom) {
    if (stage.queued) return;
    stage.queued = true;
    this.run(stage, "admit", async () => {
      stage.queued = false;
      const { instance, room, secret } = stage;
      if (!stage.admitted.has(stage.speaker)) {
        const speaker = { token: janusToken(), id: janusId(), video: true };
        await instance.allowed(room, secret, "add", [speaker.token]);
        stage.admitted.set(stage.speaker, speaker);
        this.tell(stage, stage.speaker);
      }
      if (!stage.onAir && !(stage.onAir = await this.publishing(stage))) return;
      const wanted = new Set(stage.wanted);
      const gone = [...stage.admitted].filter(([id]) => id !== stage.speaker && !wanted.has(id));
      const added = stage.wanted.filter((id) => !stage.admitted.has(id)).map((id) => [id, { token: janusToken(), id: janusId(), video: false }] as const);
      if (added.length) await instance.allowed(room, secret, "add", added.map(([, a]) => a.token));
      if (gone.length) {
        await instance.allowed(room, secret, "remove", gone.map(([, a]) => a.token));
        // Kicked: a token taken away does not end a session already in the room.
        await Promise.all(gone.map(([, a]) => instance.kick(room, secret, a.id).catch(() => {})));
      }
      for (const [id] of gone) {
        stage.admitted.delete(id);
        this.host.send(id, { stage: null });
      }
      for (const [id, a] of added) stage.admitted.set(id, a);
      const fresh = new Set(added.map(([id]) => id));
      for (const id of this.planVideo(stage)) fresh.add(id);
      for (const id of fresh) this.tell(stage, id);
    });
  }

  /** SF11: free video places go to the nearest listeners without one; returns whose plan changed. */
  private planVideo(stage: StageRoom): string[] {
    let places = this.s.videoMax;
    for (const [id, a] of stage.admitted) if (id !== stage.speaker && a.video) places--;
    const promoted: string[] = [];
    for (const id of stage.wanted) {
      if (places <= 0) break;
      const a = stage.admitted.get(id);
      if (!a || a.video) continue;
      a.video = true;
      places--;
      promoted.push(id);
    }
    return promoted;
  }

  /** Is the speaker's feed published in the stage's room (asked at most every ON_AIR_POLL_MS)? */
  private async publishing(stage: StageRoom): Promise<boolean> {
    const now = Date.now();
    if (now - stage.askedAt < ON_AIR_POLL_MS) return false;
    stage.askedAt = now;
    const speaker = stage.admitted.get(stage.speaker)!;
    const data = await stage.instance.videoroom({ request: "listparticipants", room: stage.room });
    const participants = (data.participants ?? []) as { id: number; publisher?: boolean }[];
    return participants.some((p) => p.id === speaker.id && p.publisher === true);
  }

  private tell(stage: StageRoom, session: string) {
    const a = stage.admitted.get(session);
    const speaker = stage.admitted.get(stage.speaker);
    if (!a || !speaker) return;
    const assignment: StageAssignment = {
      url: stage.instance.url, room: stage.room, token: a.token, id: a.id,
      feeds: { [stage.speaker]: speaker.id, [session]: a.id }, speaker: stage.speaker, video: a.video,
    };
    this.host.send(session, { stage: assignment });
  }

  private close(stage: StageRoom) {
    if (stage.ended) return;
    stage.ended = true;
    if (this.current === stage) this.current = undefined;
    for (const id of stage.admitted.keys()) this.host.send(id, { stage: null });
    const { instance, room, secret } = stage;
    stage.chain = stage.chain.then(() => instance.destroyRoom(room, secret)).then(() => {}, () => {});
    this.s.janus.release(instance);
  }

  /** Queues Janus work on the stage; a failure is logged (the next update tries again). */
  private run(stage: StageRoom, what: string, fn: () => Promise<unknown>) {
    queueJanus(stage, fn, (err) => {
      stage.queued = false;
      logger.warn({ err, space: this.spaceId, janus: stage.instance.url, what }, "janus request failed (stage)");
    });
  }
}
