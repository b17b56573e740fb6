/**
 * Proximity audio/video (SPEC AV1–AV6): a peer-to-peer WebRTC mesh with the people the room says
 * we are in conversation with. One RTCPeerConnection per peer, negotiated with the "perfect
 * negotiation" pattern so either side may (re)negotiate at any time — screen share, camera on,
 * ICE restart — and offer collisions resolve themselves. The room only picks peers and relays
 * signals between them (AV2); everything here runs in the browser.
 *
 * The spotlight (PX7–PX8) rides on the same machinery with one-way connections: the speaker opens
 * a send-only connection to each listener (audio, plus camera while the room says video fits), and
 * a listener answers receive-only — listening never asks for our own camera or microphone.
 */
import "./av.css";
import { Dock, type PeerTiles } from "./dock.ts";
import { LocalMedia, type DeviceChoice } from "./media.ts";
import type { SpotlightInfo } from "../../../shared/protocol.ts";
import {
  createsTransceivers, decodeSignal, diffLinks, encodeCandidates, encodeDescription, isPolite, preferredVideoCodecs,
  sameMedia, volumeAt, wantedLinks, type DecodedSignal, type LinkRole, type MediaState, type SignalKind,
} from "./rules.ts";

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

/**
 * Local ICE candidates are collected this long and sent together: trickle ICE yields a burst of
 * candidates per connection, and one message each would eat into the room's per-client message
 * budget (MSG_RATE_PER_S) that walking also needs.
 */
const CANDIDATE_BATCH_MS = 40;
/** Alone this long, we give the camera and mic back (the camera light goes off). */
const RELEASE_MEDIA_AFTER_MS = 30_000;

const log = (...args: unknown[]) => {
  if (globalThis.localStorage?.getItem("debug")?.includes("plaza:av")) console.debug("plaza:av", ...args);
};

/** Everything we keep per conversation peer. */
interface Peer {
  id: string;
  /** Conversation peer, spotlight listener we send to, or spotlight speaker we receive from. */
  role: LinkRole;
  pc: RTCPeerConnection;
  polite: boolean;
  // Perfect negotiation state (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example).
  makingOffer: boolean;
  ignoreOffer: boolean;
  settingRemoteAnswer: boolean;
  /** Inbound signals are handled one at a time, in order. */
  inbox: Promise<void>;
  /** Remote candidates that arrived before a remote description could take them. */
  early: RTCIceCandidateInit[];
  /** Local candidates waiting for the next batch. */
  outgoing: RTCIceCandidateInit[];
  flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Our audio and camera transceivers with this peer (one m-line each, both directions). */
  mic?: RTCRtpTransceiver;
  cam?: RTCRtpTransceiver;
  /** Our screen share to this peer, an extra sendonly video m-line. */
  screen?: RTCRtpTransceiver;
  /** Their voice and camera, played by one <video>. */
  remote: MediaStream;
  /** Their screen shares, by the transceiver that carries each. */
  remoteScreens: Map<RTCRtpTransceiver, MediaStream>;
  /** None for a listener we speak to: a speaker with 40 listeners shows no 40 tiles. */
  tiles: PeerTiles | undefined;
  closed: boolean;
}

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

  constructor(private readonly deps: AvDeps, private readonly dock: HTMLElement) {
    this.media = new LocalMedia(() => this.mediaChanged());
    this.ui = new Dock(dock, {
      toggleMic: () => void this.toggleMic(),
      toggleCam: () => void this.toggleCam(),
      toggleScreen: () => void this.toggleScreen(),
      chooseDevices: (choice) => void this.chooseDevices(choice),
      listDevices: () => this.media.listDevices(),
      currentDevices: () => ({ mic: this.media.mic?.getSettings().deviceId, cam: this.media.cam?.getSettings().deviceId }),
    });
  }

  /**
   * The room's current links for us: conversation peers, and spotlight links (PX7–PX8). Connects
   * to new ones, hangs up on removed ones, and reconnects anyone whose role changed.
   */
  setPeers(peers: string[], area: string | null, spot: SpotlightLinks = NO_SPOTLIGHT): void {
    if (this.disposed) return;
    const want = wantedLinks(this.deps.selfId, peers, spot.speaking, spot.listening);
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
    // We send to conversation peers and listeners; listening alone needs no camera or mic.
    const sending = [...this.peers.values()].some((p) => p.role !== "listen");
    this.ui.setVisible(this.peers.size > 0 || onAir !== null);
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
    peer.inbox = peer.inbox.then(() => this.handle(peer, signal)).catch((err) => log("signal from", from, "failed:", err));
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
    this.media.stopAll();
    this.dock.replaceChildren();
    this.dock.hidden = true;
  }

  // --- connections -------------------------------------------------------------------------------

  private connect(id: string, role: LinkRole): void {
    const pc = new RTCPeerConnection({ iceServers: this.deps.iceServers });
    const name = this.deps.nameOf(id);
    const peer: Peer = {
      id, role, pc, polite: isPolite(this.deps.selfId, id),
      makingOffer: false, ignoreOffer: false, settingRemoteAnswer: false,
      inbox: Promise.resolve(), early: [], outgoing: [], flushTimer: undefined,
      remote: new MediaStream(), remoteScreens: new Map(),
      tiles: role === "mesh" ? this.ui.addPeer(name) : role === "listen" ? this.ui.addSpotlight(name) : undefined,
      closed: false,
    };
    this.peers.set(id, peer);
    pc.onnegotiationneeded = () => void this.offer(peer);
    pc.onicecandidate = ({ candidate }) => this.queueCandidate(peer, candidate);
    pc.ontrack = (e) => this.onTrack(peer, e);
    const restartOnFailure = () => {
      // A network change (Wi-Fi → cable, VPN) kills the ICE path; restarting finds a new one
      // without tearing down the call. Either side may do it; glare is handled like any offer.
      if (pc.iceConnectionState === "failed" || pc.connectionState === "failed") pc.restartIce();
    };
    pc.oniceconnectionstatechange = restartOnFailure;
    pc.onconnectionstatechange = () => { log(id, pc.connectionState); restartOnFailure(); };
    if (role === "speak") {
      // The speaker always offers; the listener's answer makes the lines receive-only there.
      peer.mic = pc.addTransceiver("audio", { direction: "inactive" });
      peer.cam = pc.addTransceiver("video", { direction: "inactive" });
      preferCodecs(peer.cam);
    } else if (role === "mesh" && createsTransceivers(this.deps.selfId, id)) {
      peer.mic = pc.addTransceiver("audio", { direction: "recvonly" });
      peer.cam = pc.addTransceiver("video", { direction: "recvonly" });
      preferCodecs(peer.cam);
    }
    this.attach(peer);
  }

  private hangUp(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.closed = true;
    clearTimeout(peer.flushTimer);
    peer.pc.close();
    peer.tiles?.remove();
    this.peers.delete(id);
  }

  /** onnegotiationneeded: make an offer (we may be told to roll it back if the peer offers too). */
  private async offer(peer: Peer): Promise<void> {
    try {
      peer.makingOffer = true;
      await peer.pc.setLocalDescription();
      this.sendDescription(peer);
    } catch (err) {
      log("offer to", peer.id, "failed:", err);
    } finally {
      peer.makingOffer = false;
    }
  }

  private sendDescription(peer: Peer): void {
    const d = peer.pc.localDescription;
    if (!d || peer.closed) return;
    const data = encodeDescription(d);
    if (data === undefined) return console.warn(`plaza:av ${d.type} for ${peer.id} is too large to send (${d.sdp.length} chars)`);
    this.deps.sendSignal(peer.id, d.type as SignalKind, data);
  }

  private async handle(peer: Peer, signal: DecodedSignal): Promise<void> {
    if (peer.closed) return;
    const pc = peer.pc;
    if (signal.type === "candidates") {
      for (const c of signal.candidates) {
        if (!pc.remoteDescription) { peer.early.push(c); continue; }
        await pc.addIceCandidate(c).catch((err) => { if (!peer.ignoreOffer) log("bad candidate from", peer.id, err); });
      }
      return;
    }
    const d = signal.description;
    const readyForOffer = !peer.makingOffer && (pc.signalingState === "stable" || peer.settingRemoteAnswer);
    const collision = d.type === "offer" && !readyForOffer;
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return log("glare: ignoring offer from", peer.id);
    peer.settingRemoteAnswer = d.type === "answer";
    await pc.setRemoteDescription(d); // polite side in glare: implicit rollback of our own offer
    peer.settingRemoteAnswer = false;
    for (const c of peer.early.splice(0)) await pc.addIceCandidate(c).catch((err) => log("early candidate", err));
    if (d.type === "offer") {
      // Take over the transceivers the offer created before answering, so the answer already
      // says we send on them.
      this.adopt(peer);
      this.attach(peer);
      await pc.setLocalDescription();
      this.sendDescription(peer);
    }
    this.sweepScreens(peer);
    this.showRemoteCamera(peer);
  }

  private queueCandidate(peer: Peer, candidate: RTCIceCandidate | null): void {
    if (candidate) peer.outgoing.push(candidate.toJSON());
    if (peer.flushTimer !== undefined) return;
    peer.flushTimer = setTimeout(() => {
      peer.flushTimer = undefined;
      if (peer.closed) return;
      for (const data of encodeCandidates(peer.outgoing.splice(0))) this.deps.sendSignal(peer.id, "ice", data);
    }, candidate ? CANDIDATE_BATCH_MS : 0);
  }

  // --- tracks --------------------------------------------------------------------------------------

  /**
   * On the polite side, the first audio and video m-lines of the peer's offer are the shared mic
   * and camera lines (the impolite side creates them in that order); anything later is a screen.
   */
  private adopt(peer: Peer): void {
    if (peer.mic && peer.cam) return;
    for (const t of peer.pc.getTransceivers()) {
      if (t === peer.screen || t.mid === null || t.currentDirection === "stopped" || peer.remoteScreens.has(t)) continue;
      const kind = t.receiver.track.kind;
      if (kind === "audio" && !peer.mic) peer.mic = t;
      else if (kind === "video" && !peer.cam && t !== peer.mic) {
        peer.cam = t;
        preferCodecs(t);
      }
    }
  }

  /**
   * Puts our current tracks on this peer's senders; direction changes renegotiate by themselves.
   * A spotlight listener gets our voice, and our camera unless the room says audio only; we send
   * nothing to the speaker we listen to.
   */
  private attach(peer: Peer): void {
    if (peer.closed || peer.role === "listen") return;
    const m = this.media;
    const oneWay = peer.role === "speak";
    const put = (t: RTCRtpTransceiver | undefined, track: MediaStreamTrack | null) => {
      if (!t || t.currentDirection === "stopped") return;
      if (t.sender.track !== track) t.sender.replaceTrack(track).catch((err) => log("replaceTrack", err));
      // recvonly while we have nothing to send: the peer's track mutes and their tile shows our
      // initial instead of a frozen frame.
      const direction = track ? (oneWay ? "sendonly" : "sendrecv") : (oneWay ? "inactive" : "recvonly");
      if (t.direction !== direction) t.direction = direction;
    };
    put(peer.mic, m.mic);
    put(peer.cam, oneWay && this.audioOnly ? null : m.cam);
    if (oneWay) return; // screen shares stay in the conversation (one more upload per listener)
    if (m.screen && !peer.screen) {
      peer.screen = peer.pc.addTransceiver(m.screen, { direction: "sendonly", streams: m.screenStream ? [m.screenStream] : [] });
      preferCodecs(peer.screen);
    } else if (m.screen && peer.screen && peer.screen.sender.track !== m.screen) {
      peer.screen.sender.replaceTrack(m.screen).catch((err) => log("replaceTrack screen", err));
    } else if (!m.screen && peer.screen) {
      // Stopping rejects the m-line: the peer's screen tile goes away after renegotiation.
      peer.screen.stop();
      peer.screen = undefined;
    }
  }

  private onTrack(peer: Peer, e: RTCTrackEvent): void {
    if (peer.role === "speak") return; // listeners send nothing back
    this.adopt(peer);
    const t = e.transceiver;
    const track = e.track;
    if (t === peer.mic || t === peer.cam) {
      for (const old of peer.remote.getTracks()) if (old.kind === track.kind && old !== track) peer.remote.removeTrack(old);
      if (!peer.remote.getTracks().includes(track)) peer.remote.addTrack(track);
      peer.tiles?.camera.setStream(peer.remote);
      if (track.kind === "video") {
        track.addEventListener("unmute", () => this.showRemoteCamera(peer));
        track.addEventListener("ended", () => this.showRemoteCamera(peer));
      }
      this.showRemoteCamera(peer);
      return;
    }
    if (track.kind !== "video") return;
    const stream = new MediaStream([track]);
    peer.remoteScreens.set(t, stream);
    track.addEventListener("ended", () => this.sweepScreens(peer));
    peer.tiles?.showScreen(stream);
  }

  /**
   * Their camera picture or their initial. Decided by the negotiated direction, not by the
   * track's mute flag: after a rollback Chrome can leave a receiving track flagged muted while
   * frames flow. A peer who turns the camera off negotiates recvonly, so ours stops being recv.
   */
  private showRemoteCamera(peer: Peer): void {
    const t = peer.cam;
    const receiving = t !== undefined && (t.currentDirection === "sendrecv" || t.currentDirection === "recvonly");
    peer.tiles?.camera.showVideo(receiving && t.receiver.track.readyState === "live" && peer.remote.getVideoTracks().length > 0);
  }

  /** Drops screen tiles whose m-line the sharer stopped or no longer sends on. */
  private sweepScreens(peer: Peer): void {
    for (const [t, stream] of peer.remoteScreens) {
      const receiving = t.currentDirection === "recvonly" || t.currentDirection === "sendrecv";
      if (receiving && stream.getVideoTracks()[0]?.readyState === "live") continue;
      peer.remoteScreens.delete(t);
    }
    const latest = [...peer.remoteScreens.values()].pop() ?? null;
    peer.tiles?.showScreen(latest);
  }

  // --- local media -------------------------------------------------------------------------------------

  private mediaChanged(): void {
    if (this.disposed) return this.media.stopAll();
    for (const peer of this.peers.values()) this.attach(peer);
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

/** Keeps video SDP small enough for SIGNAL_MAX (see preferredVideoCodecs). */
function preferCodecs(t: RTCRtpTransceiver): void {
  const caps = globalThis.RTCRtpReceiver?.getCapabilities?.("video");
  if (!caps || typeof t.setCodecPreferences !== "function") return;
  try {
    t.setCodecPreferences(preferredVideoCodecs(caps.codecs));
  } catch (err) {
    log("setCodecPreferences", err);
  }
}
