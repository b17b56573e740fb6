/**
 * DELETE /api/account (SPEC PV5): a signed-in person deletes their own account, with
 * `{"confirm": "delete my account"}` as the body so no stray request does it. Teams they alone
 * belong to go with their spaces; a team they are the only owner of, with other members, stops
 * it (409 `sole_owner`: make someone else owner first). Then everything registered with
 * onAccountDeleted runs (analytics deletes the person's events); a failure there is logged and
 * does not undo the deletion.
 */
import type { Application } from "express";
import { ConflictError } from "../store/Store.ts";
import type { SpaceDirectory } from "../access/directory.ts";
import { logger } from "../log.ts";

export const ACCOUNT_DELETION_CONFIRM = "delete my account";

type Hook = (userId: string) => Promise<void>;
const hooks = new Set<Hook>();

/** Runs `fn` after every account deletion in this process; returns the unsubscribe. */
export function onAccountDeleted(fn: Hook): () => void {
  hooks.add(fn);
  return () => hooks.delete(fn);
}

const fail = (res: import("express").Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

export function mountAccountDeletion(app: Application, directory: SpaceDirectory) {
  app.delete("/api/account", async (req, res) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
    const who = m ? await directory.identify(m[1]) : null;
    if (!who) return fail(res, 401, "unauthorized", "sign in first");
    if ((req.body as { confirm?: unknown } | undefined)?.confirm !== ACCOUNT_DELETION_CONFIRM) {
      return fail(res, 400, "confirmation_required", `send {"confirm": "${ACCOUNT_DELETION_CONFIRM}"}`);
    }
    try {
      if (!(await directory.store.deleteAccount(who.userId))) return fail(res, 404, "not_found", "no such account");
    } catch (err) {
      if (err instanceof ConflictError) return fail(res, 409, "sole_owner", err.message);
      throw err;
    }
    for (const hook of hooks) {
      await hook(who.userId).catch((err: unknown) => logger.error({ err, userId: who.userId }, "after account deletion"));
    }
    res.status(204).end();
  });
}
