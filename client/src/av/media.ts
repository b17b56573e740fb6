/**
 * Our own microphone, camera and screen share. Acquired lazily (the first time someone is in
 * conversation with us, never on page load), so visiting a space never lights the camera by
 * itself. Failure is a state, not an exception: without media we still join conversations
 * receive-only, and `problem` says why in words.
 */
import { describeMediaError, type MediaState } from "./rules.ts";

export interface DeviceChoice { mic?: string; cam?: string }

export class LocalMedia {
  mic: MediaStreamTrack | null = null;
  cam: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  screenStream: MediaStream | null = null;
  /** Mic muted is track.enabled = false: no renegotiation, the far side hears silence at once. */
  micMuted = false;
  /** The user's choice, kept across release(): camera off stays off for the next conversation. */
  camWanted = true;
  /** A sentence for the user when camera/mic could not be had, else null. */
  problem: string | null = null;
  devices = { mic: undefined as string | undefined, cam: undefined as string | undefined };
  private started: Promise<void> | undefined;

  /** Called after every change of tracks or state; the conversation re-attaches senders. */
  constructor(private readonly changed: () => void) {}

  get state(): MediaState {
    return { mic: this.mic !== null && !this.micMuted, cam: this.cam !== null, screen: this.screen !== null };
  }

  /** Asks for mic + camera once; later calls wait for the same attempt. */
  start(): Promise<void> {
    this.started ??= this.acquire({ audio: true, video: this.camWanted }).then(() => this.changed());
    return this.started;
  }

  /** Gives camera and mic back (nobody to talk to); the next start() asks again. Screen share stays. */
  release(): void {
    if (!this.started) return;
    this.mic?.stop();
    this.cam?.stop();
    this.mic = null;
    this.setCam(null);
    this.started = undefined;
    this.changed();
  }

  async toggleMic(): Promise<void> {
    if (!this.mic) {
      await this.acquire({ audio: true });
      this.micMuted = false;
    } else {
      this.micMuted = !this.micMuted;
      this.mic.enabled = !this.micMuted;
    }
    this.changed();
  }

  /** Off stops the track, so the camera light goes off; on asks for a fresh one. */
  async toggleCam(): Promise<void> {
    if (this.cam) {
      this.cam.stop();
      this.setCam(null);
      this.camWanted = false;
    } else {
      this.camWanted = true;
      await this.acquire({ video: true });
    }
    this.changed();
  }

  async toggleScreen(): Promise<void> {
    if (this.screen) return this.stopScreen();
    if (!navigator.mediaDevices?.getDisplayMedia) {
      this.problem = "Screen sharing is not available in this browser";
      return this.changed();
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      track.contentHint = "detail";
      // The browser's own "Stop sharing" bar ends the track without asking us.
      track.addEventListener("ended", () => { if (this.screen === track) this.stopScreen(); });
      this.screen = track;
      this.screenStream = stream;
    } catch {
      // The user cancelled the picker: nothing to say.
    }
    this.changed();
  }

  stopScreen(): void {
    this.screen?.stop();
    this.screen = null;
    this.screenStream = null;
    this.changed();
  }

  /** Switches to the chosen devices; the conversation swaps the tracks with replaceTrack. */
  async chooseDevices(choice: DeviceChoice): Promise<void> {
    if (choice.mic !== undefined && choice.mic !== this.devices.mic) {
      this.devices.mic = choice.mic;
      if (this.mic) await this.acquire({ audio: true });
    }
    if (choice.cam !== undefined && choice.cam !== this.devices.cam) {
      this.devices.cam = choice.cam;
      if (this.cam) await this.acquire({ video: true });
    }
    this.changed();
  }

  async listDevices(): Promise<MediaDeviceInfo[]> {
    try {
      return (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    } catch {
      return [];
    }
  }

  stopAll(): void {
    for (const t of [this.mic, this.cam, this.screen]) t?.stop();
    this.mic = null;
    this.setCam(null);
    this.screen = null;
    this.screenStream = null;
  }

  /**
   * getUserMedia for the kinds asked, replacing (and stopping) any current track of that kind.
   * When both fail together, each is tried alone: a laptop with a broken camera can still talk.
   */
  private async acquire(want: { audio?: boolean; video?: boolean }): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.problem = describeMediaError("Unsupported");
      return;
    }
    const constraints = (audio: boolean, video: boolean): MediaStreamConstraints => ({
      audio: audio ? (this.devices.mic ? { deviceId: { exact: this.devices.mic } } : true) : false,
      video: video ? { ...(this.devices.cam ? { deviceId: { exact: this.devices.cam } } : {}), width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } } : false,
    });
    const attempts: [boolean, boolean][] = want.audio && want.video ? [[true, true], [true, false], [false, true]] : [[!!want.audio, !!want.video]];
    let error: string | undefined;
    for (const [audio, video] of attempts) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(constraints(audio, video));
        const a = stream.getAudioTracks()[0];
        const v = stream.getVideoTracks()[0];
        if (a) {
          this.mic?.stop();
          this.mic = a;
          a.enabled = !this.micMuted;
        }
        if (v) {
          this.cam?.stop();
          this.setCam(v);
        }
        this.problem = null;
        return;
      } catch (err) {
        error ??= (err as { name?: string }).name;
        // Denied once is denied for both: don't ask again in a loop.
        if (error === "NotAllowedError" || error === "SecurityError") break;
      }
    }
    this.problem = describeMediaError(error);
  }

  private setCam(track: MediaStreamTrack | null): void {
    this.cam = track;
  }
}
