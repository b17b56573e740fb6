/**
 * Who is signed in on this browser: the token from signup, login or a guest invite, and the user
 * it belongs to (localStorage, shared by the tabs of one browser). `api()` is the one way the
 * client talks to the JSON API (shared/api.ts): it adds the Bearer token and turns every non-2xx
 * answer into an ApiFailure carrying the server's code and readable message.
 */
import type { AuthResponse, UserInfo } from "../../../shared/api.ts";

export interface Session { token: string; user: UserInfo }

const KEY = "plaza.session";

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<Session> | null;
    if (!s || typeof s.token !== "string" || !s.token || typeof s.user?.id !== "string") return null;
    return s as Session;
  } catch {
    return null;
  }
}

export function saveSession(s: AuthResponse | Session) {
  localStorage.setItem(KEY, JSON.stringify({ token: s.token, user: s.user }));
}

export function clearSession() {
  localStorage.removeItem(KEY);
}

/** Headers for a fetch() that needs the caller's identity (map, tileset, CSV downloads…). */
export function authHeaders(): Record<string, string> {
  const s = loadSession();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}

/** A non-2xx answer of the API (or no answer: status 0, code "network"). */
export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(readonly status: number, readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export async function api<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const session = loadSession();
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiFailure(0, "network", "Could not reach Plaza. Check your connection and try again.", { cause: err });
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (!res.ok) {
    // A stored token the server no longer accepts (expired, signed by an old key): forget it, so the
    // next screen is the signed-out one instead of a loop of failures.
    if (res.status === 401 && session) clearSession();
    throw new ApiFailure(res.status, json?.error?.code ?? "http_error", capitalize(json?.error?.message) || fallbackMessage(res.status));
  }
  return json as T;
}

/** The API's messages are lower-case clauses ("sign in first"); shown alone, they start a sentence. */
const capitalize = (s: string | undefined) => (s ? s[0].toUpperCase() + s.slice(1) : "");

function fallbackMessage(status: number): string {
  if (status === 413) return "That is too big to upload.";
  if (status === 429) return "Too many attempts. Wait a moment and try again.";
  if (status >= 500) return "Plaza had a problem. Try again in a moment.";
  return `Request failed (${status}).`;
}
