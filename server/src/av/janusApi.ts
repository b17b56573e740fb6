/**
 * The server's side of Janus (SPEC SF2): a few synchronous requests over Janus's HTTP API, enough
 * to create and destroy VideoRoom rooms and change who may join them. One Janus session with one
 * VideoRoom handle per instance, kept alive by the pool's health pings (`keepalive`). Browsers talk
 * to Janus themselves (client/src/av/sfu/), but only to rooms this server made for them, with the
 * token it gave them.
 */
import { randomBytes } from "node:crypto";

/** A Janus answer that is an error (transport or plugin), with Janus's code. */
export class JanusError extends Error {
  constructor(message: string, readonly code?: number) { super(message); }
}

const REQUEST_TIMEOUT_MS = 5000;
const tx = () => randomBytes(6).toString("hex");

interface JanusReply {
  janus: string;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { data: Record<string, unknown> & { error_code?: number; error?: string } };
}

/** POSTs one Janus request; an `error` answer or a non-2xx status throws a JanusError. */
export async function janusPost(url: string, body: Record<string, unknown>, apiSecret?: string): Promise<JanusReply> {
  const res = await fetch(url, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, transaction: tx(), ...(apiSecret ? { apisecret: apiSecret } : {}) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new JanusError(`janus ${url}: HTTP ${res.status}`);
  const reply = (await res.json()) as JanusReply;
  if (reply.janus === "error") throw new JanusError(`janus: ${reply.error?.reason}`, reply.error?.code);
  return reply;
}

/** What a VideoRoom room is made with. */
export interface RoomSpec {
  room: number;
  /** Needed to edit or destroy it: only this server knows it. */
  secret: string;
  /** Tokens that may join (publish or subscribe); Janus refuses a join without one. */
  allowed: string[];
  publishers: number;
  description: string;
}

/** One Janus instance as this server sees it: base URL (…/janus), a session and a VideoRoom handle. */
export class JanusInstance {
  private handle: Promise<{ session: number; handle: number }> | undefined;

  constructor(readonly url: string, private readonly apiSecret?: string) {}

  /** `info`: is it up (and answering as Janus)? Also keeps our session alive. */
  async ping(): Promise<void> {
    const res = await fetch(`${this.url}/info`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const info = (await res.json()) as { janus?: string };
    if (info.janus !== "server_info") throw new JanusError(`janus ${this.url}: not a Janus server`);
    const h = await this.handle?.catch(() => undefined);
    if (h) await janusPost(`${this.url}/${h.session}`, { janus: "keepalive" }, this.apiSecret).catch(() => { this.handle = undefined; });
  }

  /** A VideoRoom request answered synchronously (create, destroy, allowed, exists, listparticipants). */
  async videoroom(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { session, handle } = await this.ensureHandle();
    let reply: JanusReply;
    try {
      reply = await janusPost(`${this.url}/${session}/${handle}`, { janus: "message", body }, this.apiSecret);
    } catch (err) {
      if (err instanceof JanusError && (err.code === 458 || err.code === 459)) this.handle = undefined; // session/handle gone (Janus restarted)
      throw err;
    }
    const data = reply.plugindata?.data ?? {};
    if (data.error_code) throw new JanusError(`videoroom: ${data.error}`, data.error_code);
    return data;
  }

  createRoom(spec: RoomSpec): Promise<unknown> {
    return this.videoroom({
      request: "create", room: spec.room, secret: spec.secret, allowed: spec.allowed, is_private: true, permanent: false,
      // The token list binds only publishers; a subscriber must also give a publisher's private id (SF7).
      require_pvtid: true,
      publishers: spec.publishers, description: spec.description, audiolevel_event: true, audio_active_packets: 25, audio_level_average: 40,
      videocodec: "vp8", bitrate: 1_024_000, notify_joining: false,
    });
  }

  destroyRoom(room: number, secret: string): Promise<unknown> {
    return this.videoroom({ request: "destroy", room, secret, permanent: false });
  }

  /** Adds or removes join tokens (removing one does not kick who already joined: `kick` does). */
  allowed(room: number, secret: string, action: "add" | "remove", tokens: string[]): Promise<unknown> {
    return this.videoroom({ request: "allowed", room, secret, action, allowed: tokens });
  }

  /** Kicks a participant by Janus id (someone who left the group). */
  kick(room: number, secret: string, id: number): Promise<unknown> {
    return this.videoroom({ request: "kick", room, secret, id });
  }

  private ensureHandle() {
    this.handle ??= (async () => {
      const s = await janusPost(this.url, { janus: "create" }, this.apiSecret);
      const h = await janusPost(`${this.url}/${s.data!.id}`, { janus: "attach", plugin: "janus.plugin.videoroom" }, this.apiSecret);
      return { session: s.data!.id, handle: h.data!.id };
    })();
    const p = this.handle;
    p.catch(() => { if (this.handle === p) this.handle = undefined; });
    return p;
  }
}
