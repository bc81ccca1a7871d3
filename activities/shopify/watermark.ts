/** Incremental syncs re-read this much before the watermark, for clock skew and records saved while we paged. */
export const WATERMARK_LOOKBACK_MS = 60_000;

export function updatedAtMinFrom(watermark: string | null): string | null {
  if (!watermark) return null;
  return new Date(Date.parse(watermark) - WATERMARK_LOOKBACK_MS).toISOString();
}

export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * The watermark a finished resource commits: the newest `updated_at` seen, but never later than when paging
 * started. A record edited after its page was read carries an `updated_at` after the start, so the next run's
 * window (watermark − lookback) still includes it.
 */
export function nextWatermark(maxUpdatedAt: string | null, startedAt: string, previous: string | null): string | null {
  if (maxUpdatedAt === null) return previous;
  const capped = Date.parse(maxUpdatedAt) > Date.parse(startedAt) ? startedAt : maxUpdatedAt;
  return laterOf(previous, capped);
}
