/**
 * Our part in an SFU meeting (SPEC SF1–SF5): we publish once to the Janus VideoRoom room the
 * server admitted us to (microphone, camera with a low simulcast layer, screen), and subscribe to
 * each other member's feed on its own handle and connection. Who is who comes from the server's
 * `feeds` (publisher id by session), not from what people call themselves. Offers and answers go
 * with all their ICE candidates (no trickle: Janus puts its own in its SDP).
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

interface Feed {
  session: string;
  id: number;
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

  constructor(public assignment: SfuAssignment, private readonly d: SfuDeps) {}

  /** The publisher's streams we take, as a key (mid:type, …): a change (screen share) means subscribing afresh. */
  private streamsOf(p: Publisher): string {
    return liveStreams(p, this.d.audioOnly).map((s) => `${s.mid}:${s.type}`).join(",");
  }

  get room(): number { return this.assignment.room; }

  async start(): Promise<void> {
    const a = this.assignment;
    this.session = await JanusSession.create(a.url);
    this.session.onLost = () => { if (!this.closed) this.d.lost(); };
    this.publisher = await this.session.attach();
    this.publisher.onEvent = (e) => this.onPublisherEvent(e.data);
    const joined = await this.publisher.request({ request: "join", ptype: "publisher", room: a.room, id: a.id, token: a.token, display: this.d.selfId });
    this.privateId = joined.data.private_id as number | undefined;
    this.joined = true;
    this.onPublisherEvent(joined.data);
    this.mediaChanged();
    await this.publishing;
    let ticks = 0;
    this.levelsTimer = setInterval(() => {
      this.showLevels();
      // Every 2 s: anyone named but not (or no longer) subscribed is subscribed again.
      if (++ticks % 8 === 0) this.reconcile();
    }, 250);
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
    for (const id of [...this.feeds.keys()]) this.unsubscribe(id);
    this.pub?.close();
    this.session?.destroy();
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
    for (const f of [...this.feeds.values()]) if (f.pc.connectionState === "failed" || f.pc.connectionState === "closed") this.unsubscribe(f.id);
    for (const p of this.known.values()) this.follow(p);
  }

  /** Subscribes to a publisher the server named, once per stream list (a screen share changes it). */
  private follow(p: Publisher) {
    const key = `${p.id}/${this.streamsOf(p)}`;
    if (this.subscribing.has(key) || this.feeds.get(p.id)?.streams === this.streamsOf(p)) return;
    this.subscribing.add(key);
    void this.subscribe(p).catch((err) => {
      log("sfu subscribe", p.id, "failed:", err);
      this.unsubscribe(p.id); // tried again by the next reconcile
    }).finally(() => this.subscribing.delete(key));
  }

  private async republish() {
    const m = this.d.media;
    if (!this.pub) {
      this.pub = new RTCPeerConnection({ iceServers: this.d.iceServers(), iceTransportPolicy: this.d.iceTransportPolicy ?? "all" });
      this.pub.addTransceiver("audio", { direction: "sendonly" });
      // Simulcast: a full layer and a quarter-size one for small tiles (SF5).
      this.pub.addTransceiver("video", { direction: "sendonly", sendEncodings: [{ rid: "h", maxBitrate: 900_000 }, { rid: "l", scaleResolutionDownBy: 2, maxBitrate: 200_000 }] });
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
    const reply = await this.publisher!.request({ request: this.published ? "configure" : "publish", audio: true, video: true }, await gathered(pc));
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
    const handle = await this.session!.attach();
    const pc = new RTCPeerConnection({ iceServers: this.d.iceServers(), iceTransportPolicy: this.d.iceTransportPolicy ?? "all" });
    const feed: Feed = { session, id: p.id, handle, pc, stream: new MediaStream(), screen: null, streams };
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
