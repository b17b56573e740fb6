/** Process configuration from the environment, validated once at start (see .env.example). */
import { z } from "zod";
import { INTEREST_MAX, INTEREST_RADIUS } from "../../shared/constants.ts";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  HOST: z.string().default("0.0.0.0"),
  /** Most people one space room admits. */
  SPACE_MAX_CLIENTS: z.coerce.number().int().min(1).max(5000).default(1000),
  /** Interest management: "grid" (each client gets the avatars near it) or "off" (everyone gets everyone). */
  PLAZA_INTEREST: z.enum(["grid", "off"]).default("grid"),
  /** Radius (tiles) and nearest-N cap of interest management. */
  INTEREST_RADIUS: z.coerce.number().int().min(1).max(256).default(INTEREST_RADIUS),
  INTEREST_MAX: z.coerce.number().int().min(1).max(5000).default(INTEREST_MAX),
});

export type PlazaConfig = z.infer<typeof envSchema>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlazaConfig {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new Error(`invalid configuration: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}
