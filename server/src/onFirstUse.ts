/**
 * Optional infrastructure loads on first use (SPEC OP17): a process on the embedded defaults never
 * loads the Redis, PostgreSQL, ClickHouse, SMTP or map-upload libraries it does not use. Loaded up
 * front they held ~25 MB of an idle server's memory (their sources and compiled code; BENCHMARKS
 * "Memory").
 *
 * Only for packages that are CommonJS (a `require` and an `import` of one share a copy) or that
 * nothing else imports: the Colyseus packages, which share `@colyseus/core`'s module state, are
 * imported dynamically where they are used instead.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * `load()` requires the package the first time it is called and returns the same thing after:
 * the module, or what `make` builds from it once.
 */
export function onFirstUse<T, R = T>(name: string, make: (module: T) => R = (module) => module as unknown as R): () => R {
  let loaded: R | undefined;
  return () => (loaded ??= make(require(name) as T));
}
