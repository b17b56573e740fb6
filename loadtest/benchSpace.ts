/**
 * The space a bench run walks in. `--map office` (the default) is the small office: the space is
 * auto-created on first use (the bench's servers run with PLAZA_AUTO_SPACES). Any other value is a
 * template id (`event-floor`, `open-plan`, `conference-hall`): the bench signs up an account of
 * its own and creates a public space from that template through the HTTP API, as a person would,
 * so anyone (the bots, anonymously) may enter it.
 */
import { randomBytes } from "node:crypto";

export const DEFAULT_MAP = "office";

export class BenchSpaceError extends Error {
  override name = "BenchSpaceError";
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Makes `spaceId` exist with `map`'s layout (nothing to do for the office). */
export async function prepareSpace(base: string, map: string, spaceId: string): Promise<void> {
  if (map === DEFAULT_MAP) return;
  const email = `bench-${randomBytes(6).toString("hex")}@example.test`;
  const signup = await post(base, "/api/auth/signup", { email, password: randomBytes(12).toString("hex"), name: "Bench" });
  const token = signup.body.token;
  if (signup.status !== 201 || typeof token !== "string") throw new BenchSpaceError(`could not sign up the bench's account: HTTP ${signup.status} ${JSON.stringify(signup.body)}`);
  const created = await post(base, "/api/spaces", { id: spaceId, name: `Bench ${map}`, template: map, visibility: "public" }, token);
  if (created.status !== 201) throw new BenchSpaceError(`could not create a space from template "${map}": HTTP ${created.status} ${JSON.stringify(created.body)}`);
}
