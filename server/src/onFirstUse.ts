/**
 * Optional infrastructure loads on first use (SPEC OP17): a process on the embedded defaults never
 * loads the Redis, PostgreSQL, ClickHouse, SMTP or map-upload libraries it does not use. Loaded up
 * front they held ~25 MB of an idle server's memory (their sources and compiled code; BENCHMARKS
 * "Memory").
 *
 * Only for packages nothing else imports (so there is one copy of each) that can be `require`d:
 * the Colyseus packages, which share `@colyseus/core`'s module state, are imported dynamically
 * where they are used instead.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** `load()` requires the package the first time it is called and returns the same module after. */
export function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
