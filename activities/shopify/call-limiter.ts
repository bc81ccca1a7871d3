/**
 * Paces requests from Shopify's leaky bucket as the `X-Shopify-Shop-Api-Call-Limit: used/size` header reports it,
 * so the bucket is never overrun. One instance is shared by every activity of a worker process (one per store),
 * which lets pages of several resources run at once without a single 429.
 */
export interface CallLimiterOptions {
  /** Requests that leak out of the bucket per second. Default: bucket size / 20 (40 → 2/s, 80 → 4/s, 400 → 20/s). */
  leakPerSecond?: number;
  /** Slots kept free for other clients of the same shop (apps, scripts). */
  reserve?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class CallLimiter {
  private size = 40;
  private used = 0;
  private observedAt = 0;
  private inFlight = 0;
  private blockedUntil = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CallLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private get leakPerSecond(): number {
    return this.options.leakPerSecond ?? this.size / 20;
  }

  /** The bucket's level now, from the last header minus what has leaked since. */
  private level(): number {
    const leaked = ((this.now() - this.observedAt) / 1000) * this.leakPerSecond;
    return Math.max(0, this.used - leaked) + this.inFlight;
  }

  /**
   * Waits until one more request fits in the bucket, then reserves it; returns the milliseconds waited.
   * Call `release` with the response header.
   */
  async acquire(): Promise<number> {
    let waited = 0;
    const capacity = this.size - (this.options.reserve ?? 0);
    for (;;) {
      const blockedFor = this.blockedUntil - this.now();
      const over = this.level() + 1 - capacity;
      if (blockedFor <= 0 && over <= 0) break;
      const waitMs = Math.max(blockedFor, Math.ceil((over / this.leakPerSecond) * 1000), 10);
      waited += waitMs;
      await this.sleep(waitMs);
    }
    this.inFlight += 1;
    return waited;
  }

  /** Records the response's call-limit header (if any) and frees the reservation. */
  release(callLimitHeader: string | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const match = /^(\d+)\/(\d+)$/.exec(callLimitHeader?.trim() ?? '');
    if (!match) return;
    const used = Number(match[1]);
    const size = Number(match[2]);
    if (size > 0) this.size = size;
    // Responses arrive out of order when requests overlap: keep the fuller of the reported and estimated levels.
    const estimated = this.level() - this.inFlight;
    this.used = Math.max(used, estimated);
    this.observedAt = this.now();
  }

  /** After a 429: nobody sends before `Retry-After` has passed. */
  backOff(seconds: number): void {
    this.used = this.size;
    this.observedAt = this.now();
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + seconds * 1000);
  }
}
