export interface BucketResult {
  allowed: boolean;
  /** Value for X-Shopify-Shop-Api-Call-Limit, e.g. '32/40'. */
  header: string;
}

/**
 * Shopify's REST leaky bucket, one per access token. Uses the real monotonic clock even when the
 * store's data clock is faked, so that waiting actually drains the bucket.
 */
export class LeakyBucket {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    private readonly config: { bucketSize: number; leakPerSecond: number } | false,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  take(key: string): BucketResult {
    if (!this.config) return { allowed: true, header: '1/40' };
    const { bucketSize, leakPerSecond } = this.config;
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { level: 0, at: now };
    bucket.level = Math.max(0, bucket.level - ((now - bucket.at) / 1000) * leakPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    // A request that would overflow is rejected and does not fill the bucket further.
    const allowed = bucket.level + 1 <= bucketSize + 1e-9;
    if (allowed) bucket.level += 1;
    const used = Math.min(bucketSize, Math.ceil(bucket.level - 1e-9));
    return { allowed, header: `${used}/${bucketSize}` };
  }
}
