/**
 * One RTCPeerConnection per linked peer (conversation.ts decides who), negotiated with the "perfect
 * negotiation" pattern so either side may (re)negotiate at any time — screen share, camera on, ICE
 * restart — and offer collisions resolve themselves. Signals travel through the room (AV2); what
 * rides on the connection (our tracks, their tiles) is peerMedia.ts's.
 */
import type { PeerTiles } from "./dock.ts";
import { log } from "./avLog.ts";
import { adopt, onTrack, preferCodecs, showRemoteCamera, sweepScreens } from "./peerMedia.ts";
import {
  createsTransceivers, encodeCandidates, encodeDescription, isPolite, type DecodedSignal, type LinkRole, type SignalKind,
} from "./rules.ts";

/**
 * Local ICE candidates are collected this long and sent together: trickle ICE yields a burst of
 * candidates per connection, and one message each would eat into the room's per-client message
 * budget (MSG_RATE_PER_S) that walking also needs.
 */
const CANDIDATE_BATCH_MS = 40;

/** What a connection needs from the conversation: who we are, ICE servers, the room's signal relay. */
export interface PeerLinkDeps {
  selfId: string;
  iceServers: RTCIceServer[];
  sendSignal(to: string, kind: SignalKind, data: string): void;
}

/** Everything we keep per conversation peer. */
export interface Peer {
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

/**
 * Opens the connection to `id` in `role`, with the tiles `tilesFor` makes, and the transceivers
 * this side creates; the caller then attaches our tracks (peerMedia.ts attachTracks).
 */
export function openPeer(deps: PeerLinkDeps, id: string, role: LinkRole, tilesFor: () => PeerTiles | undefined): Peer {
  const pc = new RTCPeerConnection({ iceServers: deps.iceServers });
  const peer: Peer = {
    id, role, pc, polite: isPolite(deps.selfId, id),
    makingOffer: false, ignoreOffer: false, settingRemoteAnswer: false,
    inbox: Promise.resolve(), early: [], outgoing: [], flushTimer: undefined,
    remote: new MediaStream(), remoteScreens: new Map(),
    tiles: tilesFor(),
    closed: false,
  };
  pc.onnegotiationneeded = () => void offer(deps, peer);
  pc.onicecandidate = ({ candidate }) => queueCandidate(deps, peer, candidate);
  pc.ontrack = (e) => onTrack(peer, e);
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
  } else if (role === "mesh" && createsTransceivers(deps.selfId, id)) {
    peer.mic = pc.addTransceiver("audio", { direction: "recvonly" });
    peer.cam = pc.addTransceiver("video", { direction: "recvonly" });
    preferCodecs(peer.cam);
  }
  return peer;
}

/** Hangs up: late signals for this peer are ignored from now on. */
export function closePeer(peer: Peer): void {
  peer.closed = true;
  clearTimeout(peer.flushTimer);
  peer.pc.close();
  peer.tiles?.remove();
}

/** onnegotiationneeded: make an offer (we may be told to roll it back if the peer offers too). */
async function offer(deps: PeerLinkDeps, peer: Peer): Promise<void> {
  try {
    peer.makingOffer = true;
    await peer.pc.setLocalDescription();
    sendDescription(deps, peer);
  } catch (err) {
    log("offer to", peer.id, "failed:", err);
  } finally {
    peer.makingOffer = false;
  }
}

function sendDescription(deps: PeerLinkDeps, peer: Peer): void {
  const d = peer.pc.localDescription;
  if (!d || peer.closed) return;
  const data = encodeDescription(d);
  if (data === undefined) return console.warn(`plaza:av ${d.type} for ${peer.id} is too large to send (${d.sdp.length} chars)`);
  deps.sendSignal(peer.id, d.type as SignalKind, data);
}

/**
 * One inbound signal (the peer's inbox runs them in order). `attach` puts our tracks on the
 * transceivers an offer created before we answer.
 */
export async function handleSignal(deps: PeerLinkDeps, peer: Peer, signal: DecodedSignal, attach: (peer: Peer) => void): Promise<void> {
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
    adopt(peer);
    attach(peer);
    await pc.setLocalDescription();
    sendDescription(deps, peer);
  }
  sweepScreens(peer);
  showRemoteCamera(peer);
}

function queueCandidate(deps: PeerLinkDeps, peer: Peer, candidate: RTCIceCandidate | null): void {
  if (candidate) peer.outgoing.push(candidate.toJSON());
  if (peer.flushTimer !== undefined) return;
  peer.flushTimer = setTimeout(() => {
    peer.flushTimer = undefined;
    if (peer.closed) return;
    for (const data of encodeCandidates(peer.outgoing.splice(0))) deps.sendSignal(peer.id, "ice", data);
  }, candidate ? CANDIDATE_BATCH_MS : 0);
}
