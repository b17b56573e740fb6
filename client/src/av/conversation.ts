/**
 * Proximity audio/video (SPEC AV1–AV6): a peer-to-peer WebRTC mesh with the people the room says
 * we are in conversation with. One RTCPeerConnection per peer (peerConnection.ts), negotiated with
 * the "perfect negotiation" pattern so either side may (re)negotiate at any time — screen share,
 * camera on, ICE restart — and offer collisions resolve themselves. The room only picks peers and
 * relays signals between them (AV2); everything here runs in the browser. This class keeps the
 * links in step with the room and our local media; what rides on each link is peerMedia.ts's.
 *
 * The spotlight (PX7–PX8) rides on the same machinery with one-way connections: the speaker opens
 * a send-only connection to each listener (audio, plus camera while the room says video fits), and
 * a listener answers receive-only — listening never asks for our own camera or microphone.
 */
import "./av.css";
import { log } from "./avLog.ts";
import { Dock } from "./dock.ts";
import { LocalMedia, type DeviceChoice } from "./media.ts";
import { closePeer, handleSignal, openPeer, type Peer } from "./peerConnection.ts";
import { attachTracks } from "./peerMedia.ts";
import type { SfuAssignment, SpotlightInfo, StageAssignment, TurnServerInfo } from "../../../shared/protocol.ts";
import { MeetingView } from "./sfu/meetingView.ts";
import { SfuMeeting } from "./sfu/sfuMeeting.ts";
import { StageLink, STAGE_DUCKED_VOLUME, STAGE_FULL_VOLUME } from "./sfu/stage.ts";
import { decodeSignal, diffLinks, sameMedia, volumeAt, wantedLinks, type LinkRole, type MediaState, type SignalKind } from "./rules.ts";

export type { SignalKind } from "./rules.ts";
export type { MediaState } from "./rules.ts";

export interface AvDeps {
  selfId: string;
  sendSignal(to: string, kind: SignalKind, data: string): void;
  /** Tell the room what we send (shown to others as icons). */
  sendMedia(state: { mic: boolean; cam: boolean; screen: boolean }): void;
  iceServers: RTCIceServer[];
  /** Display name for a session id (video tile labels). */
  nameOf(id: string): string;
}

export interface PeerStats { peer: string; role: LinkRole; state: RTCPeerConnectionState; bytesReceived: number; bytesSent: number }

/** The spotlight part of the room's `peers` message. */
export interface SpotlightLinks {
  spotlight: SpotlightInfo | null;
  /** Listeners we send to (we are the speaker). */
  speaking: string[];
  /** The speaker we receive from. */
  listening: string | null;
}
const NO_SPOTLIGHT: SpotlightLinks = { spotlight: null, speaking: [], listening: null };

/** Alone this long, we give the camera and mic back (the camera light goes off). */
const RELEASE_MEDIA_AFTER_MS = 30_000;

export class Conversation {
  private readonly peers = new Map<string, Peer>();
  private readonly media: LocalMedia;
  private readonly ui: Dock;
  private lastSent: MediaState | undefined;
  private previewTrack: MediaStreamTrack | null = null;
  private preview: MediaStream | null = null;
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** The room's last word on the spotlight, and whether we send listeners audio only. */
  spotlight: SpotlightLinks = NO_SPOTLIGHT;
  private audioOnly = false;
  /** SF1–SF5: the SFU meeting we are admitted to, its grid, and whose media flows through it. */
  private sfu: SfuMeeting | null = null;
  private readonly meetingView: MeetingView;
  private readonly viaSfu = new Set<string>();
  /** SF9–SF14: the spotlight through the SFU, as its speaker or a listener. */
  private stage: StageLink | null = null;
  private lastLinks: { peers: string[]; area: string | null; spot: SpotlightLinks } = { peers: [], area: null, spot: NO_SPOTLIGHT };
  /** SF8: time-limited TURN credentials from the room. */
  private turn: RTCIceServer[] = [];
  private readonly linkDeps: AvDeps;

  constructor(private readonly deps: AvDeps, private readonly dock: HTMLElement) {
    const turn = () => this.turn;
    this.linkDeps = { ...deps, get iceServers() { return [...deps.iceServers, ...turn()]; } };
    this.media = new LocalMedia(() => this.mediaChanged());
    this.ui = new Dock(dock, {
      toggleMic: () => void this.toggleMic(),
      toggleCam: () => void this.toggleCam(),
      toggleScreen: () => void this.toggleScreen(),
      chooseDevices: (choice) => void this.chooseDevices(choice),
      listDevices: () => this.media.listDevices(),
      currentDevices: () => ({ mic: this.media.mic?.getSettings().deviceId, cam: this.media.cam?.getSettings().deviceId }),
    });
    this.meetingView = new MeetingView(dock);
  }

  /** The room's `av` message: TURN credentials and our SFU meeting (SF2, SF8). */
  setAv(msg: { iceServers?: TurnServerInfo[]; sfu?: SfuAssignment | null; stage?: StageAssignment | null }): void {
    if (this.disposed) return;
    if (msg.iceServers) this.turn = msg.iceServers;
    if (msg.stage !== undefined) this.setStage(msg.stage);
    if (msg.sfu === undefined) return;
    const a = msg.sfu;
    if (this.sfu && (!a || a.room !== this.sfu.room || a.url !== this.sfu.assignment.url)) this.leaveSfu();
    if (!a) return;
    if (this.sfu) return this.sfu.update(a);
    const meeting = new SfuMeeting(a, {
      selfId: this.deps.selfId, media: this.media, view: this.meetingView, nameOf: this.deps.nameOf,
      iceServers: () => this.linkDeps.iceServers,
      iceTransportPolicy: (globalThis as { __plazaIcePolicy?: RTCIceTransportPolicy }).__plazaIcePolicy,
      flowing: (id, on) => {
        // SF4, make-before-break: a mesh link is hung up only once this person's media flows via the SFU.
        if (on === this.viaSfu.has(id)) return;
        if (on) this.viaSfu.add(id); else this.viaSfu.delete(id);
        this.relink();
      },
      lost: () => { log("sfu lost; waiting for the room to move the meeting"); },
    });
    this.sfu = meeting;
    this.relink(); // the dock shows, and our camera and mic start for the meeting
    meeting.start().catch((err) => log("sfu join failed:", err));
  }

  /** The TURN credentials the room gave us (tests). */
  turnServers(): RTCIceServer[] {
    return this.turn;
  }

  /** The SFU meeting's room number, if we are in one (tests). */
  sfuRoom(): number | null {
    return this.sfu?.room ?? null;
  }

  /** Each meeting member's publisher id, as the room told us (tests). */
  sfuFeeds(): Record<string, number> {
    return this.sfu?.assignment.feeds ?? {};
  }

  /** Per-member SFU connection state and bytes (our own publisher included, as ourselves). */
  sfuStats() {
    return this.sfu?.stats() ?? Promise.resolve([]);
  }

  /** SF12: our place on the stage changed (a new room, token or video plan, or none). */
  private setStage(a: StageAssignment | null) {
    if (this.stage && a && this.stage.same(a)) return;
    this.stage?.close();
    this.stage = a && new StageLink(a, {
      selfId: this.deps.selfId, media: this.media, dock: this.ui, meetingView: this.meetingView, nameOf: this.deps.nameOf,
      iceServers: () => this.linkDeps.iceServers,
      iceTransportPolicy: (globalThis as { __plazaIcePolicy?: RTCIceTransportPolicy }).__plazaIcePolicy,
    });
    this.relink(); // the dock shows; the speaker's camera and mic start
    this.stage?.start().catch((err) => log("stage join failed:", err));
  }

  /** Our place on the stage, as the room gave it (tests). */
  stagePlace(): StageAssignment | null {
    return this.stage?.assignment ?? null;
  }

  /** The stage connections' state and bytes: the speaker's publisher, or our subscription to it (tests, benchmarks). */
  stageStats() {
    return this.stage?.stats() ?? Promise.resolve([]);
  }

  private leaveSfu() {
    this.sfu?.close();
    this.sfu = null;
    if (this.viaSfu.size) { this.viaSfu.clear(); this.relink(); }
  }

  private relink() {
    const { peers, area, spot } = this.lastLinks;
    this.setPeers(peers, area, spot);
  }

  /**
   * The room's current links for us: conversation peers, and spotlight links (PX7–PX8). Connects
   * to new ones, hangs up on removed ones, and reconnects anyone whose role changed.
   */
  setPeers(peers: string[], area: string | null, spot: SpotlightLinks = NO_SPOTLIGHT): void {
    if (this.disposed) return;
    this.lastLinks = { peers, area, spot };
    // Someone whose media reaches us through the SFU needs no mesh link as well (SF4).
    const mesh = peers.filter((id) => !this.viaSfu.has(id));
    const want = wantedLinks(this.deps.selfId, mesh, spot.speaking, spot.listening);
    const { added, removed } = diffLinks([...this.peers.values()].map((p) => [p.id, p.role] as const), want);
    for (const id of removed) this.hangUp(id);
    for (const [id, role] of added) this.connect(id, role);
    this.spotlight = spot;
    const onAir = spot.spotlight?.speaker === this.deps.selfId ? spot.spotlight : null;
    const audioOnly = onAir?.audioOnly ?? false;
    if (audioOnly !== this.audioOnly) {
      this.audioOnly = audioOnly;
      for (const peer of this.peers.values()) if (peer.role === "speak") this.attach(peer);
    }
    this.ui.setArea(area);
    this.ui.setOnAir(onAir && { listeners: onAir.listeners, audioOnly });
    // SF13: the stage (mesh or SFU) is ducked while we are in a conversation of our own.
    const talking = this.sfu !== null || [...this.peers.values()].some((p) => p.role === "mesh");
    this.stage?.duck(talking);
    for (const p of this.peers.values()) if (p.role === "listen") p.tiles?.setVolume(talking ? STAGE_DUCKED_VOLUME : STAGE_FULL_VOLUME);
    // We send to conversation peers and listeners; listening alone needs no camera or mic.
    const sending = [...this.peers.values()].some((p) => p.role !== "listen") || this.sfu !== null || this.stage?.speaking(this.deps.selfId) === true;
    this.ui.setVisible(this.peers.size > 0 || onAir !== null || this.sfu !== null || this.stage !== null);
    clearTimeout(this.releaseTimer);
    if (sending) {
      // Lazily: the camera turns on when someone is there to see it, not on page load.
      void this.media.start();
    } else {
      this.releaseTimer = setTimeout(() => this.media.release(), RELEASE_MEDIA_AFTER_MS);
    }
  }

  onSignal(from: string, kind: SignalKind, data: string): void {
    const peer = this.peers.get(from);
    // Late signals from someone we just hung up on, or garbage: ignore.
    const signal = peer && decodeSignal(kind, data);
    if (!peer || !signal) return log("ignored signal", kind, "from", from);
    peer.inbox = peer.inbox.then(() => handleSignal(this.linkDeps, peer, signal, (p) => this.attach(p))).catch((err) => log("signal from", from, "failed:", err));
  }

  /** Distance in tiles to each peer; remote audio volume fades with distance (AV4). */
  setDistances(distances: Map<string, number>): void {
    for (const [id, tiles] of distances) {
      const v = volumeAt(tiles);
      const peer = this.peers.get(id);
      // The spotlight speaker is heard at full volume wherever we are.
      if (v !== undefined && peer?.role === "mesh") peer.tiles?.setVolume(v);
    }
    // The `peers` message can overtake the state patch that brings a newcomer's name; this runs
    // a few times a second, so tiles pick the name up shortly after.
    for (const id of this.peers.keys()) this.renamePeer(id);
  }

  /** Per-peer connection state and RTP bytes (inbound-rtp / outbound-rtp summed). */
  async stats(): Promise<PeerStats[]> {
    return Promise.all([...this.peers.values()].map(async (p) => {
      let bytesReceived = 0;
      let bytesSent = 0;
      try {
        (await p.pc.getStats()).forEach((s: { type: string; bytesReceived?: number; bytesSent?: number }) => {
          if (s.type === "inbound-rtp") bytesReceived += s.bytesReceived ?? 0;
          if (s.type === "outbound-rtp") bytesSent += s.bytesSent ?? 0;
        });
      } catch {
        // Closed meanwhile: report zeros.
      }
      return { peer: p.id, role: p.role, state: p.pc.connectionState, bytesReceived, bytesSent };
    }));
  }

  /** What we send right now. */
  mediaState(): MediaState {
    return this.media.state;
  }
  toggleMic(): Promise<void> { return this.media.toggleMic(); }
  toggleCam(): Promise<void> { return this.media.toggleCam(); }
  toggleScreen(): Promise<void> { return this.media.toggleScreen(); }
  chooseDevices(choice: DeviceChoice): Promise<void> { return this.media.chooseDevices(choice); }

  /** What a peer sends, from the room's state (Person.media): shows their mic-off icon. */
  setPeerMedia(id: string, state: MediaState): void {
    this.peers.get(id)?.tiles?.camera.setMicOff(!state.mic);
  }
  /** A peer's display name changed (or became known after the tile was made). */
  renamePeer(id: string): void {
    this.peers.get(id)?.tiles?.setName(this.deps.nameOf(id));
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.releaseTimer);
    for (const id of [...this.peers.keys()]) this.hangUp(id);
    this.sfu?.close();
    this.stage?.close();
    this.media.stopAll();
    this.dock.replaceChildren();
    this.dock.hidden = true;
  }

  // --- connections -------------------------------------------------------------------------------

  private connect(id: string, role: LinkRole): void {
    const peer = openPeer(this.linkDeps, id, role, () => {
      const name = this.deps.nameOf(id);
      return role === "mesh" ? this.ui.addPeer(name) : role === "listen" ? this.ui.addSpotlight(name) : undefined;
    });
    this.peers.set(id, peer);
    this.attach(peer);
  }

  private hangUp(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    closePeer(peer);
    this.peers.delete(id);
  }

  /** Puts our current tracks on this peer's senders (peerMedia.ts attachTracks). */
  private attach(peer: Peer): void {
    attachTracks(peer, this.media, this.audioOnly);
  }

  // --- local media -------------------------------------------------------------------------------------

  private mediaChanged(): void {
    if (this.disposed) return this.media.stopAll();
    for (const peer of this.peers.values()) this.attach(peer);
    this.sfu?.mediaChanged();
    this.stage?.mediaChanged();
    const m = this.media;
    // A fresh MediaStream per camera track: a <video> does not reliably resume when tracks of its
    // current stream are swapped.
    if (m.cam !== this.previewTrack) {
      this.previewTrack = m.cam;
      this.preview = m.cam ? new MediaStream([m.cam]) : null;
    }
    this.ui.setOwnMedia(this.preview, m.screenStream);
    this.ui.setMedia(m.state);
    this.ui.setNotice(m.problem);
    const state = m.state;
    if (!sameMedia(this.lastSent, state)) {
      this.lastSent = state;
      this.deps.sendMedia(state);
    }
  }
}
