/**
 * The space view's side of conversations and the spotlight (PX*, AV*): turns the room's `peers`
 * messages and the synced media flags into what av/conversation.ts connects, tells the person
 * who they are now talking with or hearing, and keeps the call volumes following distance.
 */
import { MediaFlag, STATUSES, type PeersUpdate, type ServerMessages } from "../../../shared/protocol.ts";
import type { Pose } from "../../../shared/movement.ts";
import { chebyshev, type Tile } from "../../../shared/grid.ts";
import type { Person } from "../../../shared/state.ts";
import type { Conversation } from "../av/conversation.ts";
import { onAirText } from "../av/rules.ts";

/** How often call volumes are updated from distances. */
const DISTANCES_MS = 200;

export interface LinksDeps {
  selfId: string;
  conversation: Conversation;
  person(id: string): Person | undefined;
  nameOf(id: string): string;
  toast(text: string): void;
}

export class ConversationLinks {
  /** My current conversation's peers (PX*). */
  peers: string[] = [];
  private lastDistancesAt = 0;

  constructor(private readonly d: LinksDeps) {}

  /** Someone's synced media flags changed: what their tile shows (mic, camera, screen). */
  pushMedia(id: string, media: number): void {
    this.d.conversation.setPeerMedia(id, { mic: (media & MediaFlag.MIC) !== 0, cam: (media & MediaFlag.CAM) !== 0, screen: (media & MediaFlag.SCREEN) !== 0 });
  }

  /** The room's `peers`: connect and hang up, and say who joined and who is on the spotlight (PX7). */
  receive(m: PeersUpdate): void {
    const { conversation, selfId, nameOf, toast } = this.d;
    const joined = m.peers.filter((p) => !this.peers.includes(p));
    this.peers = m.peers;
    const before = conversation.spotlight;
    conversation.setPeers(m.peers, m.area, m);
    // SF9: through the SFU nobody is told `listening`: a listener learns of a new speaker from the spotlight.
    const speaker = m.spotlight?.speaker;
    const staged = speaker !== undefined && m.listening === null && speaker !== selfId && speaker !== before.spotlight?.speaker
      && !m.peers.includes(speaker) && STATUSES[this.d.person(selfId)?.status ?? 0] !== "dnd";
    const heard = m.listening !== null && m.listening !== before.listening ? [m.listening] : staged ? [speaker] : [];
    for (const id of [...joined, ...heard]) { const p = this.d.person(id); if (p) this.pushMedia(id, p.media); }
    if (joined.length) toast(`Talking with ${joined.map(nameOf).join(", ")}`);
    // PX7: say once when we step onto the spotlight, and when someone starts speaking to us from it.
    const onAir = m.spotlight?.speaker === selfId;
    if (onAir && before.spotlight?.speaker !== selfId) toast(onAirText(m.spotlight!.listeners, m.spotlight!.audioOnly));
    if (heard.length) toast(`${nameOf(heard[0])} is on the spotlight`);
  }

  /** Every DISTANCES_MS: how far each peer stands (Chebyshev tiles), for volume (AV). */
  frame(now: number, me: Pose | undefined, tileOf: (id: string) => Tile | undefined): void {
    if (now - this.lastDistancesAt <= DISTANCES_MS || !me) return;
    this.lastDistancesAt = now;
    const d = new Map<string, number>();
    for (const id of this.peers) {
      const a = tileOf(id);
      if (a) d.set(id, chebyshev(a, me));
    }
    this.d.conversation.setDistances(d);
  }
}
