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
 * The watermark a finished resource commits: the newest `updated_at` seen, but never later than the whole second
 * before paging started. A record edited after its page was read carries an `updated_at` after that, so the next
 * run counts it as newer than the watermark and reads it. Shopify's `updated_at` has whole seconds: a record read
 * and then edited again within the second paging started keeps the `updated_at` the run saw, and only a watermark
 * before that second still counts it (the plan skips a resource with nothing newer than its watermark).
 */
export function nextWatermark(maxUpdatedAt: string | null, startedAt: string, previous: string | null): string | null {
  if (maxUpdatedAt === null) return previous;
  const lastWholeSecondBefore = Math.floor(Date.parse(startedAt) / 1000) * 1000 - 1000;
  const capped =
    Date.parse(maxUpdatedAt) > lastWholeSecondBefore ? new Date(lastWholeSecondBefore).toISOString() : maxUpdatedAt;
  return laterOf(previous, capped);
}
