/**
 * Our part on the stage through the SFU (SPEC SF9–SF14). On the spotlight we publish once to the
 * stage's Janus room (voice, simulcast camera, screen share) and Janus fans it out; as a listener
 * we join that room without publishing and subscribe to the speaker's feed only — all of it, or
 * its voice alone when the room's video plan leaves us out (SF11). The speaker shows in the dock's
 * large "on the spotlight" tile; their screen share in the meeting view, pinned, to be enlarged or
 * shown full screen like a meeting's (SF5). While we are in a conversation of
 * our own the stage is ducked (SF13), so the people next to us stay easy to follow.
 */
import type { StageAssignment } from "../../../../shared/protocol.ts";
import type { Dock, PeerTiles } from "../dock.ts";
import type { LocalMedia } from "../media.ts";
import type { MeetingView } from "./meetingView.ts";
import { SfuMeeting, type FeedView } from "./sfuMeeting.ts";

/** SF13: the stage's playback volume while we are in a conversation (about −10 dB), and otherwise. */
export const STAGE_DUCKED_VOLUME = 0.3;
export const STAGE_FULL_VOLUME = 1;

export interface StageDeps {
  selfId: string;
  iceServers(): RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  media: LocalMedia;
  dock: Dock;
  /** Where a screen share goes: it can be enlarged there. */
  meetingView: MeetingView;
  nameOf(id: string): string;
}

export class StageLink {
  private readonly meeting: SfuMeeting;
  private tiles: PeerTiles | undefined;
  private volume = STAGE_FULL_VOLUME;

  constructor(readonly assignment: StageAssignment, d: StageDeps) {
    this.meeting = new SfuMeeting(assignment, {
      selfId: d.selfId, iceServers: d.iceServers, iceTransportPolicy: d.iceTransportPolicy, media: d.media, nameOf: d.nameOf,
      view: this.speaking(d.selfId) ? { tile: () => undefined, remove: () => {}, levels: () => {} } : this.spotlightView(d.dock, d.meetingView),
      listenOnly: !this.speaking(d.selfId),
      audioOnly: !this.speaking(d.selfId) && !assignment.video,
      flowing: () => {},
      lost: () => {}, // the room ends this stage and opens another (SF14)
    });
  }

  speaking(selfId: string): boolean {
    return this.assignment.speaker === selfId;
  }

  /** Is this the place the room gave us (same room, token and video plan)? */
  same(a: StageAssignment): boolean {
    const b = this.assignment;
    return a.url === b.url && a.room === b.room && a.token === b.token && a.video === b.video;
  }

  start(): Promise<void> {
    return this.meeting.start();
  }

  /** SF13: lowered while we are in a conversation of our own, full otherwise. */
  duck(on: boolean) {
    this.volume = on ? STAGE_DUCKED_VOLUME : STAGE_FULL_VOLUME;
    this.tiles?.setVolume(this.volume);
  }

  /** Our tracks changed (the speaker's mic, camera, screen): offered to Janus again. */
  mediaChanged() {
    this.meeting.mediaChanged();
  }

  stats() {
    return this.meeting.stats();
  }

  close() {
    this.meeting.close();
    this.tiles?.remove();
    this.tiles = undefined;
  }

  /** The speaker's feed in the dock's spotlight tile, their screen in the meeting view. */
  private spotlightView(dock: Dock, meetingView: MeetingView): FeedView {
    return {
      tile: (key, name, screen) => {
        if (screen) return meetingView.tile(key, name, true);
        const tiles = (this.tiles ??= dock.addSpotlight(name));
        return {
          root: tiles.camera.root,
          setStream: (s) => {
            tiles.camera.setStream(s);
            tiles.camera.showVideo((s?.getVideoTracks().length ?? 0) > 0);
            tiles.setVolume(this.volume);
          },
        };
      },
      remove: (key) => {
        if (key.endsWith(":screen")) return meetingView.remove(key);
        this.tiles?.remove();
        this.tiles = undefined;
      },
      levels: () => {},
    };
  }
}
