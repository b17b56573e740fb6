/**
 * The people of a space in its synced state: per seat one avatar (tile, facing, emote; view-filtered,
 * IM1) and one roster entry (name, look, status, media; sent to everyone, IM3). Where a newcomer
 * appears (SP1, BM5, SE9), moves (MV1–MV7, through Movement), emotes (ST3, through Emotes), status
 * and media (ST1, AV3). Knows nothing of Colyseus: the room passes the view holder of a client.
 */
import { Avatar, Person, type SpaceState } from "../../../../shared/state.ts";
import { Dir, MediaFlag, STATUSES, type ClientMessages, type Emote, type ServerMessages, type Status } from "../../../../shared/protocol.ts";
import type { Tile } from "../../../../shared/map.ts";
import type { ViewHolder, Visibility } from "../../interest/AvatarVisibility.ts";
import { chooseSpawn } from "./spawn.ts";
import { Emotes, type Timer } from "./Emotes.ts";
import { Movement, type MoveAnswer } from "./Movement.ts";
import type { Talker } from "./Links.ts";
import type { SpaceWorld } from "./SpaceWorld.ts";

type Views = Pick<Visibility, "join" | "moved" | "leave">;

export class People {
  private readonly moves = new Movement();
  private readonly emotes: Emotes;

  constructor(private readonly state: SpaceState, private readonly world: SpaceWorld, private readonly views: Views, later: Timer) {
    this.emotes = new Emotes(later);
  }

  get count(): number { return this.state.avatars.size; }

  /** SE9: where a held avatar stands, if someone may stand there (its owner continues from it). */
  standingAt(session: string): Tile | undefined {
    const a = this.state.avatars.get(session);
    return a && this.world.walkable(a.x, a.y) ? { x: a.x, y: a.y } : undefined;
  }

  /** Where a newcomer appears: in front of the desk they claimed (BM5), else at the least crowded spawn (SP1). */
  arrivalSpot(userId: string | null): Tile {
    return this.world.deskSpot(userId) ?? chooseSpawn(this.world.map.spawns, this.state.avatars.values());
  }

  /** Puts someone on the map and in the roster, and gives their client a view (IM1). */
  add(session: string, who: { name: string; look: number }, spot: Tile, holder: ViewHolder) {
    const avatar = Object.assign(new Avatar(), { x: spot.x, y: spot.y, dir: Dir.DOWN });
    this.state.avatars.set(session, avatar);
    this.state.people.set(session, Object.assign(new Person(), { name: who.name, look: who.look }));
    this.views.join(session, avatar, holder);
  }

  /** Who someone was and where they stood (name '' and 0, 0 when never placed). */
  describe(session: string): { name: string; x: number; y: number } {
    const a = this.state.avatars.get(session);
    return { name: this.state.people.get(session)?.name ?? "", x: a?.x ?? 0, y: a?.y ?? 0 };
  }

  /** Takes someone off the map and out of the roster; true if they had an avatar. */
  remove(session: string): boolean {
    this.moves.leave(session);
    this.emotes.leave(session);
    this.views.leave(session); // before the avatar is deleted: a view can only delete an attached entry
    this.state.people.delete(session);
    return this.state.avatars.delete(session);
  }

  /** Those seated in `sessions` who can talk: placed, connected (`held` excluded by the caller). */
  talkers(sessions: Iterable<string>): Talker[] {
    const out: Talker[] = [];
    for (const id of sessions) {
      const a = this.state.avatars.get(id);
      const p = this.state.people.get(id);
      if (a && p) out.push({ id, x: a.x, y: a.y, status: STATUSES[p.status] ?? "available" });
    }
    return out;
  }

  /** MV1–MV5 (and NV2 through `mayStep`): undefined when they have no avatar. */
  move(session: string, msg: ClientMessages["move"], now: number, mayStep?: (from: Tile, to: Tile) => boolean): MoveAnswer | undefined {
    const avatar = this.state.avatars.get(session);
    if (!avatar) return undefined;
    const from = { x: avatar.x, y: avatar.y };
    return this.moves.move(session, avatar, msg, this.world.map, now, (x, y) => this.views.moved(session, x, y), mayStep && ((to) => mayStep(from, to)));
  }

  /** MV7: the last move processed and where they stand. */
  ack(session: string): ServerMessages["ack"] | undefined {
    const a = this.state.avatars.get(session);
    return a ? this.moves.ack(session, a) : undefined;
  }

  /** ST3: where it was shown; "too_soon" over the emote budget; undefined without an avatar. */
  emote(session: string, emote: Emote, now: number): Tile | "too_soon" | undefined {
    const a = this.state.avatars.get(session);
    if (!a) return undefined;
    return this.emotes.show(session, a, emote, now) ? { x: a.x, y: a.y } : "too_soon";
  }

  /** ST1: true when it changed. */
  setStatus(session: string, status: Status): boolean {
    const p = this.state.people.get(session);
    const value = STATUSES.indexOf(status);
    if (!p || p.status === value) return false;
    p.status = value;
    return true;
  }

  /** AV3: what they send, for the roster's icons. */
  setMedia(session: string, m: ClientMessages["media"]) {
    const p = this.state.people.get(session);
    if (p) p.media = (m.mic ? MediaFlag.MIC : 0) | (m.cam ? MediaFlag.CAM : 0) | (m.screen ? MediaFlag.SCREEN : 0);
  }

  /** LO1. */
  locate(id: string): ServerMessages["located"] {
    const a = this.state.avatars.get(id);
    return { id, found: a !== undefined, x: a?.x ?? 0, y: a?.y ?? 0 };
  }
}
