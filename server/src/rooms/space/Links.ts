/**
 * Who talks to whom in one room, and what each client was told of it (SPEC PX1–PX9, AV1, AV2).
 * The links themselves are shared/proximity.ts's pure `spaceLinks`; this class keeps, per person,
 * the links last sent (they are also PX9's previous links and AV2's relay rule) and works out whose
 * changed, so a client hears only about its own links and only when they change. No clock, no I/O,
 * no sockets: the room sends what `update` returns.
 */
import { areaAt, silentAt, spotlightAt, type SpaceMap } from "../../../../shared/map.ts";
import { spaceLinks, type Presence } from "../../../../shared/proximity.ts";
import type { PeersUpdate, SpotlightInfo, Status } from "../../../../shared/protocol.ts";
import { CONVERSATION_CAP, SPOTLIGHT_MAX, SPOTLIGHT_VIDEO_MAX, TALK_RADIUS } from "../../../../shared/constants.ts";

/** A person's links as the room computes them; `peersToWire` before sending (PR5). */
export type PeersMessage = PeersUpdate;

/** Someone who may talk: seated, connected (a held seat talks to nobody, SE9), standing there. */
export interface Talker { id: string; x: number; y: number; status: Status }

/** One person's links as last sent to them. */
interface Sent {
  /** Conversation peers (sorted). */
  peers: string[];
  /** The private area they stand in (computed at each update) and the one last sent. */
  area: string | null;
  sentArea: string | null;
  /** Spotlight links (PX7–PX8): the listeners I send to, the speaker I receive from. */
  speaking: string[];
  listening: string | null;
  /** The space's spotlight as last told to this person. */
  spotlight: SpotlightInfo | null;
  /** Their connection is new (a reconnect): it has heard nothing yet. */
  resend: boolean;
}

export interface LinksUpdate {
  /** The `peers` message of each person whose links changed. */
  changed: [string, PeersMessage][];
  /** Everyone's conversation peers now (analytics counts conversations from them, AN1). */
  peers: Map<string, readonly string[]>;
  /** Through the SFU (SF9): the speaker and every listener, nearest first; null without a speaker or on the mesh. */
  stage: StageLinks | null;
}

/** The spotlight's speaker and listeners when the stage goes through the SFU (SF9). */
export interface StageLinks { speaker: string; listeners: readonly string[] }

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Structural equality of two spotlights (either may be none). */
export function sameSpotlight(a: SpotlightInfo | null, b: SpotlightInfo | null): boolean {
  if (a === null || b === null) return a === b;
  return a.speaker === b.speaker && a.listeners === b.listeners && a.audioOnly === b.audioOnly;
}

export class Links {
  private readonly sent = new Map<string, Sent>();

  /**
   * Recomputes everyone's links from where they stand now (`talkers` in seating order). With
   * `stageViaSfu` the spotlight reaches everyone (no SPOTLIGHT_MAX) through the SFU (SF9): nobody
   * gets mesh spotlight links, and the listeners come back as `stage`.
   */
  update(talkers: Iterable<Talker>, map: SpaceMap, stageViaSfu = false): LinksUpdate {
    const people: Presence[] = [];
    let incumbent: string | undefined;
    for (const t of talkers) {
      const s = this.of(t.id);
      const area = areaAt(map, t.x, t.y);
      s.area = area && area.kind === "private" ? area.name : null;
      // Everyone was told the same spotlight: its speaker keeps it while still on stage (PX7).
      if (incumbent === undefined && s.spotlight !== null) incumbent = s.spotlight.speaker;
      people.push({ id: t.id, x: t.x, y: t.y, status: t.status, area: s.area ?? undefined, spotlight: spotlightAt(map, t.x, t.y)?.name, silent: silentAt(map, t.x, t.y) !== undefined });
    }
    const { links, spotlight } = spaceLinks(people, {
      radius: TALK_RADIUS, cap: CONVERSATION_CAP, incumbent,
      ...(stageViaSfu ? { spotlightMax: Infinity, videoMax: Infinity } : { spotlightMax: SPOTLIGHT_MAX, videoMax: SPOTLIGHT_VIDEO_MAX }),
      previous: { get: (id) => this.sent.get(id)?.peers }, // PX9: the links last sent
    });
    const changed: [string, PeersMessage][] = [];
    const peers = new Map<string, readonly string[]>();
    let stage: StageLinks | null = null;
    if (stageViaSfu && spotlight) {
      const speaker = links.get(spotlight.speaker)!;
      stage = { speaker: spotlight.speaker, listeners: speaker.speaking };
      speaker.speaking = [];
      for (const id of stage.listeners) links.get(id)!.listening = null;
    }
    for (const [id, l] of links) {
      peers.set(id, l.peers);
      const s = this.of(id);
      const unchanged = !s.resend && same(l.peers, s.peers) && s.area === s.sentArea && same(l.speaking, s.speaking)
        && l.listening === s.listening && sameSpotlight(spotlight, s.spotlight);
      if (unchanged) continue;
      Object.assign(s, { peers: l.peers, sentArea: s.area, speaking: l.speaking, listening: l.listening, spotlight, resend: false });
      changed.push([id, { peers: l.peers, area: s.area, spotlight, speaking: l.speaking, listening: l.listening }]);
    }
    return { changed, peers, stage };
  }

  /** CH1: the conversation this person is in, as last sent to them. */
  peersOf(id: string): readonly string[] {
    return this.sent.get(id)?.peers ?? [];
  }

  /**
   * AV2: signals go along a current link only: a conversation peer, or the spotlight's speaker and
   * listener in either direction (the answer goes back).
   */
  linked(from: string, to: string): boolean {
    const s = this.sent.get(from);
    return s !== undefined && (s.peers.includes(to) || s.speaking.includes(to) || s.listening === to);
  }

  /** A new connection for this person (reconnect): the next update tells it its links. */
  resend(id: string) {
    const s = this.sent.get(id);
    if (s) s.resend = true;
  }

  leave(id: string) {
    this.sent.delete(id);
  }

  private of(id: string): Sent {
    let s = this.sent.get(id);
    if (!s) {
      s = { peers: [], area: null, sentArea: null, speaking: [], listening: null, spotlight: null, resend: false };
      this.sent.set(id, s);
    }
    return s;
  }
}
