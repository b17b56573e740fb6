/**
 * A small typed client for Janus's HTTP API in the browser (SPEC SF2): one session, long-polled
 * for events, and plugin handles that send requests and get their answers (synchronous `success`
 * or an `ack` followed by an event with the same transaction). janus.js does the same with many
 * more transports and browser shims; Plaza needs this much, over plain fetch.
 */
import { log } from "../avLog.ts";

export interface JanusEvent {
  /** The plugin's answer or event (`videoroom`: "joined", "event", "attached", …). */
  data: Record<string, unknown>;
  jsep?: RTCSessionDescriptionInit;
}

interface Envelope {
  janus: string;
  transaction?: string;
  sender?: number;
  session_id?: number;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: RTCSessionDescriptionInit;
}

export class JanusRequestError extends Error {
  constructor(message: string, readonly code?: number) { super(message); }
}

/** A request whose answer (or event) has not come by then is given up: the caller tries again. */
const REQUEST_TIMEOUT_MS = 20_000;

let txCounter = 0;
const tx = () => `t${Date.now().toString(36)}${(++txCounter).toString(36)}`;

async function post(url: string, body: Record<string, unknown>): Promise<Envelope> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new JanusRequestError(`janus HTTP ${res.status}`);
  const env = (await res.json()) as Envelope;
  if (env.janus === "error") throw new JanusRequestError(env.error?.reason ?? "janus error", env.error?.code);
  return env;
}

/** Throws the plugin's own error (e.g. 433 unauthorized: no or a wrong token). */
function pluginData(env: Envelope): Record<string, unknown> {
  const data = env.plugindata?.data ?? {};
  if (typeof data.error_code === "number") throw new JanusRequestError(String(data.error), data.error_code);
  return data;
}

export class JanusSession {
  private readonly handles = new Map<number, JanusHandle>();
  private readonly pending = new Map<string, { resolve(e: JanusEvent): void; reject(err: unknown): void }>();
  private closed = false;
  /** The long poll failed for good (Janus gone): the owner re-joins elsewhere or gives up. */
  onLost: () => void = () => {};

  private constructor(readonly url: string, readonly id: number) {}

  static async create(url: string): Promise<JanusSession> {
    const env = await post(url, { janus: "create", transaction: tx() });
    const s = new JanusSession(url, env.data!.id);
    void s.poll();
    return s;
  }

  async attach(plugin = "janus.plugin.videoroom"): Promise<JanusHandle> {
    const env = await post(`${this.url}/${this.id}`, { janus: "attach", plugin, transaction: tx() });
    const h = new JanusHandle(this, env.data!.id);
    this.handles.set(h.id, h);
    return h;
  }

  /** Sends a handle request; resolves with the synchronous answer or the event that follows the ack. */
  async request(handle: number, body: Record<string, unknown>, jsep?: RTCSessionDescriptionInit): Promise<JanusEvent> {
    const transaction = tx();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waiting = new Promise<JanusEvent>((resolve, reject) => {
      this.pending.set(transaction, { resolve, reject });
      timer = setTimeout(() => {
        if (this.pending.delete(transaction)) reject(new JanusRequestError(`no answer to ${String(body.request)} in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
    }).finally(() => clearTimeout(timer));
    try {
      const env = await post(`${this.url}/${this.id}/${handle}`, { janus: "message", body, transaction, ...(jsep ? { jsep } : {}) });
      if (env.janus === "success") {
        this.pending.delete(transaction);
        clearTimeout(timer);
        return { data: pluginData(env), jsep: env.jsep };
      }
    } catch (err) {
      this.pending.delete(transaction);
      clearTimeout(timer);
      throw err;
    }
    return waiting;
  }

  detach(handle: number) {
    this.handles.delete(handle);
    if (!this.closed) void post(`${this.url}/${this.id}/${handle}`, { janus: "detach", transaction: tx() }).catch(() => {});
  }

  destroy() {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new JanusRequestError("session closed"));
    this.pending.clear();
    void post(`${this.url}/${this.id}`, { janus: "destroy", transaction: tx() }).catch(() => {});
  }

  /** Long poll: events for our handles (answers to requests, plugin events, hangups). */
  private async poll() {
    let failures = 0;
    while (!this.closed) {
      try {
        const res = await fetch(`${this.url}/${this.id}?maxev=10&rid=${Date.now()}`);
        if (!res.ok) throw new JanusRequestError(`poll HTTP ${res.status}`);
        const body = (await res.json()) as Envelope | Envelope[];
        failures = 0;
        for (const env of Array.isArray(body) ? body : [body]) this.dispatch(env);
      } catch (err) {
        if (this.closed) return;
        log("janus poll failed", err);
        if (++failures >= 3) { this.closed = true; this.onLost(); return; }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private dispatch(env: Envelope) {
    if (env.janus === "error" && env.session_id !== undefined) { this.closed = true; this.onLost(); return; } // session gone
    const waiting = env.transaction ? this.pending.get(env.transaction) : undefined;
    if (env.janus === "event" && waiting) {
      this.pending.delete(env.transaction!);
      try { waiting.resolve({ data: pluginData(env), jsep: env.jsep }); } catch (err) { waiting.reject(err); }
      return;
    }
    const h = env.sender !== undefined ? this.handles.get(env.sender) : undefined;
    if (!h) return;
    if (env.janus === "event" && env.plugindata) h.onEvent({ data: env.plugindata.data, jsep: env.jsep });
    else if (env.janus === "hangup" || env.janus === "detached") h.onHangup();
  }
}

export class JanusHandle {
  /** Unsolicited plugin events (new publishers, someone left, talking…). */
  onEvent: (e: JanusEvent) => void = () => {};
  onHangup: () => void = () => {};

  constructor(private readonly session: JanusSession, readonly id: number) {}

  request(body: Record<string, unknown>, jsep?: RTCSessionDescriptionInit): Promise<JanusEvent> {
    return this.session.request(this.id, body, jsep);
  }

  detach() {
    this.session.detach(this.id);
  }
}
