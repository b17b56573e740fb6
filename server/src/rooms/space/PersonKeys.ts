/**
 * Short person keys (SPEC IM10): who someone is on the wire. The synced state (`avatars`,
 * `people`) and every message that names a person use a key of one to three characters that the
 * room hands out in join order (base 62: `0`…`9`, `a`…`z`, `A`…`Z`, then `10`, …), instead of
 * Colyseus's 9-character session id. An avatar entering someone's view carries its key, so this is
 * ~7 bytes of a ~25-byte entry, and the roster of a full state shrinks alike.
 *
 * A key is unique within its room and never handed out twice by it (a client never mistakes a
 * newcomer for someone who left). Keys of different rooms repeat, so what outlives the room —
 * resume tokens, stored positions, analytics, team presence — keeps using the session id (the
 * "visit"); the room translates at that boundary.
 */
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The n-th key (n ≥ 0) in base 62. */
export function personKey(n: number): string {
  let s = "";
  do {
    s = DIGITS[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s;
}

export class PersonKeys {
  private next = 0;
  private readonly keyBySession = new Map<string, string>();
  private readonly sessionByKey = new Map<string, string>();

  /** The key of this session, handed out now if it has none. */
  assign(session: string): string {
    let key = this.keyBySession.get(session);
    if (key === undefined) {
      key = personKey(this.next++);
      this.keyBySession.set(session, key);
      this.sessionByKey.set(key, session);
    }
    return key;
  }

  keyOf(session: string): string | undefined {
    return this.keyBySession.get(session);
  }

  sessionOf(key: string): string | undefined {
    return this.sessionByKey.get(key);
  }

  /** The session left for good: its key is not handed out again. */
  release(session: string) {
    const key = this.keyBySession.get(session);
    if (key === undefined) return;
    this.keyBySession.delete(session);
    this.sessionByKey.delete(key);
  }

  get size(): number { return this.keyBySession.size; }
}
