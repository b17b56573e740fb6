/** Secrets and ids this server makes for Janus rooms (SF2): random, not guessable. */
import { randomBytes, randomInt } from "node:crypto";

/** A room secret or a join token. */
export const janusToken = () => randomBytes(18).toString("base64url");
/** Janus room and participant ids: positive integers below 2^53 (JSON-safe), not guessable. */
export const janusId = () => randomInt(1, 2 ** 47) * 64 + randomInt(0, 64);

/** A meeting or a stage: its Janus calls run one after another, none once it has ended. */
export interface JanusWork { chain: Promise<void>; ended: boolean }

/**
 * Queues one Janus call on `owner`'s chain (SF2, SF10). A failure goes to `failed` (log it; the
 * next update tries again), never out of the chain (SE1).
 */
export function queueJanus(owner: JanusWork, fn: () => Promise<unknown>, failed: (err: unknown) => void) {
  owner.chain = owner.chain.then(async () => {
    if (owner.ended) return;
    try {
      await fn();
    } catch (err) {
      failed(err);
    }
  });
}
