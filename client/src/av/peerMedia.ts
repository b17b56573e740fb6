/**
 * What rides on a peer connection (peerConnection.ts): our microphone, camera and screen on its
 * senders, and their voice, camera and screens in their tiles.
 */
import { log } from "./avLog.ts";
import type { LocalMedia } from "./media.ts";
import type { Peer } from "./peerConnection.ts";
import { preferredVideoCodecs } from "./rules.ts";

/**
 * On the polite side, the first audio and video m-lines of the peer's offer are the shared mic
 * and camera lines (the impolite side creates them in that order); anything later is a screen.
 */
export function adopt(peer: Peer): void {
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
export function attachTracks(peer: Peer, m: LocalMedia, audioOnly: boolean): void {
  if (peer.closed || peer.role === "listen") return;
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
  put(peer.cam, oneWay && audioOnly ? null : m.cam);
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

export function onTrack(peer: Peer, e: RTCTrackEvent): void {
  if (peer.role === "speak") return; // listeners send nothing back
  adopt(peer);
  const t = e.transceiver;
  const track = e.track;
  if (t === peer.mic || t === peer.cam) {
    for (const old of peer.remote.getTracks()) if (old.kind === track.kind && old !== track) peer.remote.removeTrack(old);
    if (!peer.remote.getTracks().includes(track)) peer.remote.addTrack(track);
    peer.tiles?.camera.setStream(peer.remote);
    if (track.kind === "video") {
      track.addEventListener("unmute", () => showRemoteCamera(peer));
      track.addEventListener("ended", () => showRemoteCamera(peer));
    }
    showRemoteCamera(peer);
    return;
  }
  if (track.kind !== "video") return;
  const stream = new MediaStream([track]);
  peer.remoteScreens.set(t, stream);
  track.addEventListener("ended", () => sweepScreens(peer));
  peer.tiles?.showScreen(stream);
}

/**
 * Their camera picture or their initial. Decided by the negotiated direction, not by the
 * track's mute flag: after a rollback Chrome can leave a receiving track flagged muted while
 * frames flow. A peer who turns the camera off negotiates recvonly, so ours stops being recv.
 */
export function showRemoteCamera(peer: Peer): void {
  const t = peer.cam;
  const receiving = t !== undefined && (t.currentDirection === "sendrecv" || t.currentDirection === "recvonly");
  peer.tiles?.camera.showVideo(receiving && t.receiver.track.readyState === "live" && peer.remote.getVideoTracks().length > 0);
}

/** Drops screen tiles whose m-line the sharer stopped or no longer sends on. */
export function sweepScreens(peer: Peer): void {
  for (const [t, stream] of peer.remoteScreens) {
    const receiving = t.currentDirection === "recvonly" || t.currentDirection === "sendrecv";
    if (receiving && stream.getVideoTracks()[0]?.readyState === "live") continue;
    peer.remoteScreens.delete(t);
  }
  const latest = [...peer.remoteScreens.values()].pop() ?? null;
  peer.tiles?.showScreen(latest);
}

/** Keeps video SDP small enough for SIGNAL_MAX (see preferredVideoCodecs). */
export function preferCodecs(t: RTCRtpTransceiver): void {
  const caps = globalThis.RTCRtpReceiver?.getCapabilities?.("video");
  if (!caps || typeof t.setCodecPreferences !== "function") return;
  try {
    t.setCodecPreferences(preferredVideoCodecs(caps.codecs));
  } catch (err) {
    log("setCodecPreferences", err);
  }
}
