/** What every API route shares: JSON errors with stable codes, body validation, the caller's identity. */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { ApiErrorCode } from "../../../shared/api.ts";
import type { Identity } from "../auth/tokens.ts";
import { AccessError, type SpaceDirectory } from "../access/directory.ts";
import { logger } from "../log.ts";

export function apiError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

/** A request body that failed its schema: 400 with the first problem, readable. */
export class BadRequest extends Error {}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i?.path.length ? `${i.path.join(".")}: ` : "";
    throw new BadRequest(`${where}${i?.message ?? "invalid request"}`);
  }
  return r.data;
}

export function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice(7).trim() : undefined;
}

/** Wraps an async route: AccessError → its status, BadRequest → 400, anything else → 500 (logged). */
export function route(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (res.headersSent) return next(err);
      if (err instanceof AccessError) return apiError(res, err.status, err.code, err.message);
      if (err instanceof BadRequest) return apiError(res, 400, ApiErrorCode.BAD_REQUEST, err.message);
      logger.error({ err, path: req.path }, "api error");
      apiError(res, 500, ApiErrorCode.INTERNAL, "internal error");
    });
  };
}

/** The signed-in caller, or 401. */
export async function signedIn(dir: SpaceDirectory, req: Request): Promise<Identity> {
  const who = await dir.identify(bearer(req));
  if (!who) throw new AccessError(401, ApiErrorCode.UNAUTHENTICATED, "sign in first");
  return who;
}
