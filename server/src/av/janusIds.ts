/** Secrets and ids this server makes for Janus rooms (SF2): random, not guessable. */
import { randomBytes, randomInt } from "node:crypto";

/** A room secret or a join token. */
export const janusToken = () => randomBytes(18).toString("base64url");
/** Janus room and participant ids: positive integers below 2^53 (JSON-safe), not guessable. */
export const janusId = () => randomInt(1, 2 ** 47) * 64 + randomInt(0, 64);
