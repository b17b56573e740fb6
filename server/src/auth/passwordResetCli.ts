/**
 * `npm run reset-link -- <email> [--server http://127.0.0.1:2567]` (SPEC AC8): the operator's
 * reset link for any account, printed to hand over by hand — for deployments without SMTP_URL, or
 * when a message went missing.
 *
 * It asks the running server (the one that will accept the link), proving with an HMAC under a key
 * derived from PLAZA_SECRET that whoever runs it holds the deployment's secret. So run it with the
 * server's configuration: the same PLAZA_SECRET, or the same PLAZA_DATA_DIR holding the generated
 * secret. It never opens the database itself (the embedded PGlite belongs to the server process).
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ResetLinkResponse } from "../../../shared/passwordReset.ts";
import { configFromEnv, secretFile } from "../config.ts";
import { PasswordResetLinks } from "./passwordReset.ts";

const USAGE = "usage: npm run reset-link -- <email> [--server http://127.0.0.1:2567]";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { server: { type: "string" } } });
  const email = positionals[0]?.trim().toLowerCase();
  if (!email || positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const cfg = configFromEnv();
  const file = secretFile(cfg.PLAZA_DATA_DIR);
  const secret = cfg.PLAZA_SECRET ?? (existsSync(file) ? readFileSync(file, "utf8").trim() : undefined);
  if (!secret) {
    console.error(`no secret: set PLAZA_SECRET as the server has it, or run this where the server keeps ${file} (PLAZA_DATA_DIR)`);
    return 1;
  }
  const local = cfg.HOST === "0.0.0.0" || cfg.HOST === "::" ? "127.0.0.1" : cfg.HOST;
  const server = (values.server ?? `http://${local.includes(":") ? `[${local}]` : local}:${cfg.PORT}`).replace(/\/+$/, "");
  // The TTL is the server's; the proof needs only the secret.
  const proof = new PasswordResetLinks(secret, 60).operatorProof(email, Date.now());
  let res: Response;
  try {
    res = await fetch(`${server}/api/auth/reset-links`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${proof}` },
      body: JSON.stringify({ email }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    console.error(`could not reach Plaza at ${server} (${err instanceof Error ? err.message : String(err)}): is it running? Pass --server <url>`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as Partial<ResetLinkResponse> & { error?: { message?: string } };
  if (!res.ok || !body.link) {
    console.error(`Plaza refused (${res.status}): ${body.error?.message ?? "no answer"}`);
    return 1;
  }
  console.log(body.link);
  console.error(`Reset link for ${email}: works once, until ${body.expiresAt}. Hand it over privately.`);
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
