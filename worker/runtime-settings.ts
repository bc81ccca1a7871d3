/**
 * The environment every worker process starts with (the Dockerfile's ENV, `npm run worker`, the benchmark): settings
 * that keep the worker's memory flat as the store grows. bench/RESULTS.md has the figures with and without them.
 */
export const WORKER_RUNTIME_ENV = {
  // Without a cap V8 lets the garbage of parsed pages pile up to ~150 MB before a full collection; the live heap of
  // a sync stays far below 256 MB (raise it, e.g. NODE_OPTIONS=--max-old-space-size=512, if a worker ever runs out).
  NODE_OPTIONS: '--max-old-space-size=256',
  // Temporal's core threads and SQLite otherwise spread their allocations over up to 8 glibc arenas per core.
  MALLOC_ARENA_MAX: '2',
} as const;
