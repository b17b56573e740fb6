/**
 * How cross-cutting concerns plug into a space room (analytics, saved positions, team presence):
 * one small hook interface the room calls at its lifecycle points, instead of calls sprinkled
 * through it (after hocuspocus's `Extension`). app.ts lists the extensions; each room makes its own
 * instance of each once it has loaded its space (the factory is the extension's "onCreate").
 *
 * Hooks are synchronous and never make the room wait (AN1, TP6) — except `onResume` and `onDrain`,
 * which the room awaits.
 *
 * Extensions name people by session id (the "visit"), never by the room's short person keys
 * (IM10): what they keep outlives the room (stored positions, analytics, team presence) and keys of
 * different rooms repeat. `Extensions` translates at this boundary. An exception in a hook is caught, counted and logged (SE1): the room and
 * the other extensions go on.
 */
import type { Tile } from "../../../../shared/map.ts";
import type { Role } from "../../../../shared/authz.ts";
import type { ChatMessage, Emote, JoinOptions, ServerMessages, Status } from "../../../../shared/protocol.ts";
import type { PlazaCloseCode } from "../../../../shared/codes.ts";
import type { SpaceRecord } from "../../store/Store.ts";

/** What an extension sees of its room. */
export interface SpaceRoomContext {
  readonly spaceId: string;
  readonly roomId: string;
  /** The space as the room loaded it (id, team, name). */
  readonly space: SpaceRecord;
  /** The process drains: people leaving now are moving to another process, not gone (CL4). */
  readonly draining: boolean;
  /** Everyone's tile now, by session id. */
  avatars(): Iterable<[string, Tile]>;
  /** Could someone stand on this tile now (walls, paint, objects)? */
  walkable(x: number, y: number): boolean;
  /** Sends a message to everyone in the room. */
  broadcast<K extends keyof ServerMessages>(type: K, msg: ServerMessages[K]): void;
  /** Calls fn every ms on the room's clock until the room closes; an exception is caught (SE1). */
  every(ms: number, fn: () => void): void;
  /** Runs fn, catching, counting and logging an exception with the room (SE1): for callbacks from elsewhere (presence). */
  guarded(where: string, fn: () => void): void;
}

/** Someone seated: who, from which client, where they appear. */
export interface Arrival {
  session: string;
  userId: string | null;
  role: Role | null;
  name: string;
  client: JoinOptions["client"];
  x: number;
  y: number;
}

/** A seat let go: who and where they stood (name '' and 0, 0 when their join had failed). */
export interface Departure {
  session: string;
  name: string;
  x: number;
  y: number;
  /** The close code, when there was one. */
  code?: number;
}

export interface SpaceRoomExtension {
  /** Someone was seated (their join succeeded). */
  onJoin?(who: Arrival): void;
  /**
   * A re-join whose resume token is valid (SE6) and no seat is held for it: where that old
   * session stood, if known and walkable (CL3). The first extension with an answer wins.
   */
  onResume?(oldSession: string): Promise<Tile | undefined>;
  /** A seat is let go: left, kicked, grace over (RC1), or a join that failed after being seated. */
  onLeave?(who: Departure): void;
  /** Who talks to whom now: everyone's conversation peers, at each conversation update (PX). */
  onConversations?(peers: ReadonlyMap<string, readonly string[]>): void;
  /** A chat message went out (CH1). */
  onChat?(message: ChatMessage): void;
  onEmote?(session: string, emote: Emote, at: Tile): void;
  onStatus?(session: string, name: string, status: Status): void;
  /** The room closed a connection on purpose (floods, garbage, access revoked). */
  onKick?(session: string, code: PlazaCloseCode): void;
  /** The process drains (CL4): what must survive the move; awaited before anyone is moved. */
  onDrain?(): Promise<void>;
  /** The room closes (after a successful create). */
  onDispose?(): void;
}

/** Makes one room's instance of an extension. */
export type SpaceRoomExtensionFactory = (room: SpaceRoomContext) => SpaceRoomExtension;

type Notification = Exclude<keyof SpaceRoomExtension, "onResume" | "onDrain">;
type Args<K extends keyof SpaceRoomExtension> = Parameters<NonNullable<SpaceRoomExtension[K]>>;

/**
 * One room's extensions, called in order; each call guarded (SE1). The room calls them with person
 * keys; they are called with session ids (`visit` translates).
 */
export class Extensions {
  constructor(
    private readonly list: readonly SpaceRoomExtension[],
    private readonly guarded: (where: string, fn: () => void) => void,
    private readonly visit: (key: string) => string = (key) => key,
  ) {}

  /** Calls `hook` on every extension that has it; person keys in `args` become session ids. */
  notify<K extends Notification>(hook: K, ...keyed: Args<K>) {
    if (!this.list.some((e) => e[hook])) return; // nobody listens: no translation (onConversations maps everyone)
    const args = this.toVisits(hook, keyed);
    for (const e of this.list) {
      const fn = e[hook] as ((...a: Args<K>) => void) | undefined;
      if (fn) this.guarded(`extension ${hook}`, () => fn.apply(e, args));
    }
  }

  /** The same arguments with session ids where the room passed person keys. */
  private toVisits<K extends Notification>(hook: K, args: Args<K>): Args<K> {
    const v = this.visit;
    const a = args as unknown[];
    switch (hook) {
      case "onJoin": case "onLeave": {
        const who = a[0] as Arrival | Departure;
        return [{ ...who, session: v(who.session) }] as Args<K>;
      }
      case "onConversations": {
        const peers = a[0] as ReadonlyMap<string, readonly string[]>;
        return [new Map([...peers].map(([id, ps]) => [v(id), ps.map(v)]))] as unknown as Args<K>;
      }
      case "onChat": {
        const m = a[0] as ChatMessage;
        return [{ ...m, from: v(m.from), ...(m.to === undefined ? {} : { to: v(m.to) }) }] as Args<K>;
      }
      case "onEmote": case "onStatus": case "onKick":
        return [v(a[0] as string), ...a.slice(1)] as Args<K>;
      default:
        return args;
    }
  }

  /** CL3: the first stored position an extension knows for this old session (failures: none). */
  async resume(oldSession: string): Promise<Tile | undefined> {
    for (const e of this.list) {
      const tile = await e.onResume?.(oldSession).catch(() => undefined);
      if (tile) return tile;
    }
    return undefined;
  }

  /** CL4: every extension's drain work, together; failures are theirs to log. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.list.map((e) => e.onDrain?.()));
  }
}
