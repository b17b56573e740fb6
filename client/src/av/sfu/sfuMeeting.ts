/**
 * Our part in an SFU meeting (SPEC SF1–SF5): we publish once to the Janus VideoRoom room the
 * server admitted us to (microphone, camera with a low simulcast layer, screen), and subscribe to
 * each other member's feed on its own handle and connection. Who is who comes from the server's
 * `feeds` (publisher id by session), not from what people call themselves. Offers and answers go
 * with all their ICE candidates (no trickle: Janus puts its own in its SDP).
 *
 * Nothing here is done once and trusted (SF20): on a busy machine a join can fail, a long poll can
 * give up, Janus can hang a connection up (ICE or DTLS timing out) and a subscription can sit in
 * "connecting". The join is retried until it holds; a lost session or a hung-up publisher starts
 * us over; every 2 s, a subscription that is hung up, failed, or not connected after STALL_MS is
 * dropped and made again. Each such event is logged on the plaza:av channel.
 */
import { log } from "../avLog.ts";
import type { LocalMedia } from "../media.ts";
import type { SfuAssignment } from "../../../../shared/protocol.ts";
import { JanusSession, type JanusHandle } from "./janusSession.ts";
import type { MeetingView } from "./meetingView.ts";

/** Where subscribed feeds are shown: the meeting grid (SF5), or the stage tile (SF12). */
export type FeedView = Pick<MeetingView, "remove" | "levels"> & {
  tile(key: string, name: string, screen?: boolean): { root: HTMLElement; setStream(stream: MediaStream | null): void } | undefined;
};

export interface SfuDeps {
  selfId: string;
  iceServers(): RTCIceServer[];
  /** Relay-only ICE, for tests (TURN) and for operators who want it. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  media: LocalMedia;
  view: FeedView;
  /** Join without publishing (a stage listener, SF12): we only subscribe. */
  listenOnly?: boolean;
  /** Subscribe to the audio streams only (a stage listener beyond the video plan, SF11). */
  audioOnly?: boolean;
  nameOf(id: string): string;
  /** Media from this member flows through the SFU now (make-before-break, SF4), or stopped. */
  flowing(session: string, on: boolean): void;
  /** The meeting's Janus went away: we wait for the room to move us (SF6). */
  lost(): void;
}

/** A subscription or our publisher not connected for this long is made again (SF20). */
const STALL_MS = 12_000;
/** Between join attempts, and before starting over after the session was lost. */
const RETRY_MS = 2_000;

interface Feed {
  session: string;
  id: number;
  /** When it was made or last left "connected" (performance.now()). */
  since: number;
  handle: JanusHandle;
  pc: RTCPeerConnection;
  stream: MediaStream;
  screen: MediaStream | null;
  /** The publisher's stream list we subscribed to (mid:type), to notice a screen share added. */
  streams: string;
}

interface Publisher { id: number; display?: string; streams?: { mid: string; type: string; disabled?: boolean }[] }

const liveStreams = (p: Publisher, audioOnly = false) => (p.streams ?? []).filter((s) => !s.disabled && (!audioOnly || s.type === "audio"));

/** Waits until the connection has gathered its candidates (bounded: what it has then is sent). */
async function gathered(pc: RTCPeerConnection, ms = 3000): Promise<RTCSessionDescriptionInit> {
  if (pc.iceGatheringState !== "complete") {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(); } });
    });
  }
  const d = pc.localDescription!;
  return { type: d.type, sdp: d.sdp };
}

export class SfuMeeting {
  private session: JanusSession | undefined;
  private publisher: JanusHandle | undefined;
  private pub: RTCPeerConnection | undefined;
  private readonly feeds = new Map<number, Feed>();
  /** Every publisher Janus told us of, by id: the server may name them in `feeds` only later. */
  private readonly known = new Map<number, Publisher>();
  /** Subscriptions being set up (by publisher id and its stream list). */
  private readonly subscribing = new Set<string>();
  private closed = false;
  private publishing: Promise<void> = Promise.resolve();
  private published = false;
  private joined = false;
  /** Our publisher's private id: subscriptions must show it (rooms require it, SF7). */
  private privateId: number | undefined;
  private levelsTimer: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;
  private restarting = false;
  /** Counts resets: work begun on an earlier session does not touch the current one. */
  private epoch = 0;
  /** When our publisher connection last left "connected" (or was made). */
  private pubSince = 0;

  constructor(public assignment: SfuAssignment, private readonly d: SfuDeps) {}

  /** The publisher's streams we take, as a key (mid:type, …): a change (screen share) means subscribing afresh. */
  private streamsOf(p: Publisher): string {
    return liveStreams(p, this.d.audioOnly).map((s) => `${s.mid}:${s.type}`).join(",");
  }

  get room(): number { return this.assignment.room; }

  /** Joins the room and publishes; retried every RETRY_MS until it holds or we are closed. */
  async start(): Promise<void> {
    this.levelsTimer ??= setInterval(() => {
      this.showLevels();
      // Every 2 s: anyone named but not (or no longer) properly subscribed is subscribed again.
      if (++this.ticks % 8 === 0) this.reconcile();
    }, 250);
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.join();
        return;
      } catch (err) {
        log("sfu join attempt", attempt, "failed:", err);
        this.reset();
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  private async join() {
    const a = this.assignment;
    const session = await JanusSession.create(a.url);
    this.session = session;
    if (this.closed) return session.destroy();
    session.onLost = () => this.startOver("janus session lost");
    this.publisher = await session.attach();
    this.publisher.onEvent = (e) => this.onPublisherEvent(e.data);
    this.publisher.onHangup = () => this.startOver("janus hung up our publisher");
    const joined = await this.publisher.request({ request: "join", ptype: "publisher", room: a.room, id: a.id, token: a.token, display: this.d.selfId });
    this.privateId = joined.data.private_id as number | undefined;
    this.joined = true;
    log("sfu joined room", a.room, "as", a.id, "with", ((joined.data.publishers as unknown[]) ?? []).length, "publishers");
    this.onPublisherEvent(joined.data);
    this.mediaChanged();
    await this.publishing;
  }

  /** Forgets the Janus session and everything on it (subscriptions, our publisher). */
  private reset() {
    this.epoch++;
    for (const id of [...this.feeds.keys()]) this.unsubscribe(id);
    this.known.clear();
    this.subscribing.clear();
    this.pub?.close();
    this.pub = undefined;
    this.published = false;
    this.joined = false;
    this.privateId = undefined;
    this.publisher = undefined;
    this.publishing = Promise.resolve();
    this.session?.destroy();
    this.session = undefined;
  }

  /**
   * Our session or publisher is gone while the room still wants us in this meeting: join again.
   * If the instance died, the room moves the meeting (SF6) and this one is closed instead.
   */
  private startOver(why: string) {
    if (this.closed || this.restarting) return;
    log("sfu starting over:", why);
    this.restarting = true;
    this.d.lost();
    this.reset();
    setTimeout(() => {
      this.restarting = false;
      if (!this.closed) void this.start();
    }, RETRY_MS);
  }

  /** The server's word changed (members came or went): subscriptions follow the feeds list. */
  update(a: SfuAssignment) {
    this.assignment = a;
    const allowed = new Set(Object.values(a.feeds));
    for (const f of [...this.feeds.values()]) if (!allowed.has(f.id)) this.unsubscribe(f.id);
    for (const p of this.known.values()) this.follow(p);
  }

  /** Our tracks changed (mic, camera, screen): offered again to Janus. */
  mediaChanged() {
    if (!this.closed && this.joined && !this.d.listenOnly) this.publishing = this.publishing.then(() => this.republish()).catch((err) => log("sfu publish failed", err));
  }

  /** Connection state and RTP bytes of each subscription (what tests and the benchmarks read). */
  async stats(): Promise<{ peer: string; state: RTCPeerConnectionState; bytesReceived: number; bytesSent: number }[]> {
    const sum = async (pc: RTCPeerConnection | undefined) => {
      let bytesReceived = 0;
      let bytesSent = 0;
      (await pc?.getStats().catch(() => undefined))?.forEach((s: { type: string; bytesReceived?: number; bytesSent?: number }) => {
        if (s.type === "inbound-rtp") bytesReceived += s.bytesReceived ?? 0;
        if (s.type === "outbound-rtp") bytesSent += s.bytesSent ?? 0;
      });
      return { bytesReceived, bytesSent };
    };
    const out = await Promise.all([...this.feeds.values()].map(async (f) => ({ peer: f.session, state: f.pc.connectionState, ...(await sum(f.pc)) })));
    if (this.pub) out.push({ peer: this.d.selfId, state: this.pub.connectionState, ...(await sum(this.pub)) });
    return out;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.levelsTimer);
    this.reset();
  }

  private sessionOf(id: number): string | undefined {
    for (const [session, feed] of Object.entries(this.assignment.feeds)) if (feed === id) return session;
    return undefined;
  }

  private onPublisherEvent(data: Record<string, unknown>) {
    const publishers = (data.publishers as Publisher[] | undefined) ?? [];
    for (const p of publishers) {
      this.known.set(p.id, p);
      this.follow(p);
    }
    const gone = (data.unpublished ?? data.leaving ?? data.kicked) as number | string | undefined;
    if (typeof gone === "number") {
      this.known.delete(gone);
      this.unsubscribe(gone);
    }
  }

  private reconcile() {
    const now = performance.now();
    if (this.published && this.pub && this.pub.connectionState !== "connected" && now - this.pubSince > STALL_MS) {
      return this.startOver(`our publisher is ${this.pub.connectionState}`);
    }
    for (const f of [...this.feeds.values()]) {
      const state = f.pc.connectionState;
      if (state === "failed" || state === "closed" || (state !== "connected" && now - f.since > STALL_MS)) {
        log("sfu subscription to", f.session, "is", state, "- made again");
        this.unsubscribe(f.id);
      }
    }
    for (const p of this.known.values()) this.follow(p);
  }

  /** Subscribes to a publisher the server named, once per stream list (a screen share changes it). */
  private follow(p: Publisher) {
    const key = `${p.id}/${this.streamsOf(p)}`;
    if (this.subscribing.has(key) || this.feeds.get(p.id)?.streams === this.streamsOf(p)) return;
    this.subscribing.add(key);
    const epoch = this.epoch;
    void this.subscribe(p).catch((err) => {
      log("sfu subscribe", p.id, "failed:", err);
      if (epoch === this.epoch) this.unsubscribe(p.id); // tried again by the next reconcile
    }).finally(() => { if (epoch === this.epoch) this.subscribing.delete(key); });
  }

  private async republish() {
    const m = this.d.media;
    const publisher = this.publisher;
    if (!publisher) return;
    if (!this.pub) {
      this.pub = new RTCPeerConnection({ iceServers: this.d.iceServers(), iceTransportPolicy: this.d.iceTransportPolicy ?? "all" });
      this.pub.addTransceiver("audio", { direction: "sendonly" });
      // Simulcast: a full layer and a quarter-size one for small tiles (SF5).
      this.pub.addTransceiver("video", { direction: "sendonly", sendEncodings: [{ rid: "h", maxBitrate: 900_000 }, { rid: "l", scaleResolutionDownBy: 2, maxBitrate: 200_000 }] });
      const pub = this.pub;
      this.pubSince = performance.now();
      pub.onconnectionstatechange = () => {
        log("sfu publisher", pub.connectionState);
        if (pub.connectionState !== "connected") this.pubSince = performance.now();
      };
    }
    const pc = this.pub;
    const [mic, cam, screen] = [0, 1, 2].map((i) => pc.getTransceivers()[i]);
    await mic.sender.replaceTrack(m.mic);
    await cam.sender.replaceTrack(m.cam);
    if (m.screen && !screen) pc.addTransceiver(m.screen, { direction: "sendonly", streams: m.screenStream ? [m.screenStream] : [] });
    else if (screen) {
      await screen.sender.replaceTrack(m.screen);
      screen.direction = m.screen ? "sendonly" : "inactive";
    }
    await pc.setLocalDescription(await pc.createOffer());
    // The first offer publishes; later ones renegotiate what we send.
    const reply = await publisher.request({ request: this.published ? "configure" : "publish", audio: true, video: true }, await gathered(pc));
    if (publisher !== this.publisher) return; // started over meanwhile
    this.published = true;
    if (reply.jsep) await pc.setRemoteDescription(reply.jsep);
  }

  private async subscribe(p: Publisher) {
    const session = this.sessionOf(p.id);
    if (!session || session === this.d.selfId || this.closed) return; // not a member the server named
    const streams = this.streamsOf(p);
    const had = this.feeds.get(p.id);
    if (had && had.streams === streams) return;
    if (had) this.unsubscribe(p.id); // a screen share came or went: subscribe afresh
    const janus = this.session;
    if (!janus) throw new Error("not joined");
    const handle = await janus.attach();
    if (janus !== this.session || this.closed) return handle.detach();
    const pc = new RTCPeerConnection({ iceServers: this.d.iceServers(), iceTransportPolicy: this.d.iceTransportPolicy ?? "all" });
    const feed: Feed = { session, id: p.id, since: performance.now(), handle, pc, stream: new MediaStream(), screen: null, streams };
    handle.onHangup = () => {
      log("sfu subscription to", session, "hung up by janus");
      if (this.feeds.get(p.id) === feed) this.unsubscribe(p.id); // made again at the next reconcile
    };
    this.feeds.set(p.id, feed);
    const camera = this.d.view.tile(session, this.d.nameOf(session));
    pc.ontrack = (e) => {
      const videos = pc.getTransceivers().filter((t) => t.receiver.track.kind === "video");
      if (e.track.kind === "video" && videos.indexOf(e.transceiver) > 0) {
        feed.screen = new MediaStream([e.track]);
        this.d.view.tile(`${session}:screen`, this.d.nameOf(session), true)?.setStream(feed.screen);
        return;
      }
      feed.stream.addTrack(e.track);
      camera?.setStream(feed.stream);
    };
    pc.onconnectionstatechange = () => {
      if (this.feeds.get(p.id) !== feed) return;
      log("sfu subscription to", session, pc.connectionState);
      if (pc.connectionState !== "connected") feed.since = performance.now();
      if (pc.connectionState === "connected") this.d.flowing(session, true);
      if (pc.connectionState === "failed") this.d.flowing(session, false);
    };
    const attached = await handle.request({ request: "join", ptype: "subscriber", room: this.assignment.room, token: this.assignment.token, private_id: this.privateId, streams: this.d.audioOnly ? liveStreams(p, true).map((s) => ({ feed: p.id, mid: s.mid })) : [{ feed: p.id }] });
    if (!attached.jsep || this.feeds.get(p.id) !== feed) return;
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await handle.request({ request: "start" }, await gathered(pc));
    // Small tiles take the low simulcast layer; the big one (pinned or speaking) the full one.
    await handle.request({ request: "configure", substream: camera?.root.classList.contains("mv-big") ? 1 : 0 }).catch(() => {});
  }

  private unsubscribe(id: number) {
    const f = this.feeds.get(id);
    if (!f) return;
    this.feeds.delete(id);
    f.pc.close();
    f.handle.detach();
    this.d.view.remove(f.session);
    this.d.view.remove(`${f.session}:screen`);
    this.d.flowing(f.session, false);
  }

  /** Speaking rings: each feed's audio level (RTP header extension, via the receiver). */
  private showLevels() {
    const levels = new Map<string, number>();
    for (const f of this.feeds.values()) {
      const audio = f.pc.getReceivers().find((r) => r.track.kind === "audio");
      const level = audio?.getSynchronizationSources?.()[0]?.audioLevel ?? 0;
      levels.set(f.session, level);
    }
    this.d.view.levels(levels);
  }
}
