/**
 * The GraphQL Admin API's leaky bucket, one per access token: a query's requested cost is reserved before it
 * runs and the difference to its actual cost refunded afterwards. Real monotonic time, so that waiting drains it
 * even when the store's data clock is faked.
 */
export interface CostLimit {
  /** Bucket size in points (Shopify does not document it; read `maximumAvailable` at run time). */
  maximumAvailable: number;
  /** Points restored per second: 100 Standard, 200 Advanced, 1,000 Plus, 2,000 Enterprise. */
  restoreRate: number;
}

export const STANDARD_PLAN: CostLimit = { maximumAvailable: 2000, restoreRate: 100 };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  private readonly available = new Map<string, { points: number; at: number }>();

  constructor(
    private readonly limit: CostLimit | false,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  private state(key: string) {
    const limit = this.limit || STANDARD_PLAN;
    const now = this.clock();
    const s = this.available.get(key) ?? { points: limit.maximumAvailable, at: now };
    s.points = Math.min(limit.maximumAvailable, s.points + ((now - s.at) / 1000) * limit.restoreRate);
    s.at = now;
    this.available.set(key, s);
    return s;
  }

  /** Reserves the requested cost; false (nothing taken) when the bucket lacks the points. */
  reserve(key: string, cost: number): boolean {
    if (!this.limit) return true;
    const s = this.state(key);
    if (s.points + 1e-9 < cost) return false;
    s.points -= cost;
    return true;
  }

  /** Takes up to `points` as another client of the same app would (never below empty); returns what it took. */
  spend(key: string, points: number): number {
    if (!this.limit || points <= 0) return 0;
    const s = this.state(key);
    const taken = Math.min(points, s.points);
    s.points -= taken;
    return taken;
  }

  refund(key: string, points: number): void {
    if (!this.limit || points <= 0) return;
    const s = this.state(key);
    s.points = Math.min(this.limit.maximumAvailable, s.points + points);
  }

  /** The bucket as `extensions.cost.throttleStatus` reports it. */
  status(key: string): ThrottleStatus {
    const limit = this.limit || STANDARD_PLAN;
    const points = this.limit ? this.state(key).points : limit.maximumAvailable;
    return {
      maximumAvailable: limit.maximumAvailable,
      currentlyAvailable: Math.floor(points),
      restoreRate: limit.restoreRate,
    };
  }
}

/** Another client of the same app and store (a second worker, a script with the same token) using the same bucket. */
export interface CompetingClient {
  /** Points it spends at once when it starts (default 0; `Infinity` empties the bucket). */
  burst?: number;
  /** Points it spends per second afterwards, taken every 50 ms (default 0). */
  pointsPerSecond?: number;
  /** How long it keeps spending after the burst. */
  durationMs: number;
}

/** Runs a competing client against `bucket[key]`; resolves with the points it spent once it has stopped. */
export async function competeForBucket(bucket: CostBucket, key: string, client: CompetingClient): Promise<number> {
  let spent = bucket.spend(key, client.burst ?? 0);
  const rate = client.pointsPerSecond ?? 0;
  const started = performance.now();
  let last = started;
  while (performance.now() - started < client.durationMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    spent += bucket.spend(key, ((now - last) / 1000) * rate);
    last = now;
  }
  return spent;
}
