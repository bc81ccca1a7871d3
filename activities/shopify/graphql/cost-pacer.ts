import { ApplicationFailure } from '@temporalio/common';

/**
 * Paces GraphQL Admin API queries from the cost bucket Shopify reports in `extensions.cost.throttleStatus`, so that
 * no query is ever THROTTLED. One pacer per store is shared by every activity of a worker process.
 *
 * The pacer keeps its own model of the bucket and mirrors what Shopify does: a query's requested cost is taken from
 * the bucket when it starts, the unused part (requested − actual) is given back when it ends, and the bucket refills at
 * `restoreRate` points per second up to `maximumAvailable`. The model takes the cost a little earlier and gives the
 * refund a little later than Shopify does, so it is never fuller than the real bucket. A response's `throttleStatus`
 * only ever lowers the model (something else — another worker of the same app — spent points); it never raises it,
 * because it may not yet include queries of ours that are still in flight.
 *
 * Nothing about the plan is assumed: until the first response tells the bucket's size and restore rate, one query at
 * a time is let through.
 */

/** `extensions.cost.throttleStatus` of a GraphQL Admin API response. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** `extensions.cost` of a response; `actualQueryCost` is null when the query did not run (THROTTLED). */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** What one admitted query holds until `settle`. */
export interface CostTicket {
  readonly cost: number;
  /** Milliseconds this query waited for the bucket. */
  readonly waitedMs: number;
}

export interface CostPacerOptions {
  /** Points kept free for other clients of the same app and store. */
  reserve?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Shopify refuses any single query whose requested cost is above this, whatever the plan (MAX_COST_EXCEEDED). */
export const MAX_SINGLE_QUERY_COST = 1000;

export class CostPacer {
  private bucket: { maximum: number; restoreRate: number } | null = null;
  private level = 0;
  private levelAt = 0;
  private inFlight = new Set<{ cost: number }>();
  private queue: Promise<void> = Promise.resolve();
  private settled = deferred();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CostPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The model's points available now (in-flight queries' costs already taken out). */
  available(): number | null {
    if (!this.bucket) return null;
    const restored = ((this.now() - this.levelAt) / 1000) * this.bucket.restoreRate;
    return Math.min(this.bucket.maximum, this.level + restored);
  }

  /** What the last response said about the bucket, or null before the first one. */
  limits(): { maximumAvailable: number; restoreRate: number } | null {
    return this.bucket && { maximumAvailable: this.bucket.maximum, restoreRate: this.bucket.restoreRate };
  }

  /**
   * Waits until `requestedCost` points are available, takes them and returns a ticket to `settle` with the response.
   * Callers are admitted in arrival order, so a large query is not starved by small ones. Unknown cost: the most a
   * query may ask for, 1,000 points (or the bucket, if smaller).
   */
  async acquire(requestedCost?: number): Promise<CostTicket> {
    const previous = this.queue;
    const turn = deferred();
    this.queue = turn.promise;
    await previous;
    try {
      return await this.admit(requestedCost);
    } finally {
      turn.resolve();
    }
  }

  private async admit(requestedCost: number | undefined): Promise<CostTicket> {
    let waitedMs = 0;
    for (;;) {
      if (!this.bucket) {
        // The bucket is unknown until a response describes it: one query at a time until then.
        if (this.inFlight.size === 0) break;
        const before = this.now();
        await this.settled.promise;
        waitedMs += this.now() - before;
        continue;
      }
      const cost = this.costOf(requestedCost);
      const capacity = this.bucket.maximum - (this.options.reserve ?? 0);
      if (cost > capacity) {
        throw ApplicationFailure.nonRetryable(
          `A query asks for ${cost} cost points, more than the ${capacity} points this store's bucket holds ` +
            `(maximumAvailable ${this.bucket.maximum}${this.options.reserve ? `, ${this.options.reserve} reserved` : ''}): ` +
            `it could never run. Ask for fewer records per page in the resource's GraphQL selection.`,
          'ShopifyBadRequest',
        );
      }
      const missing = cost - (this.available()! - (this.options.reserve ?? 0));
      if (missing <= 0) break;
      const waitMs = Math.max(1, Math.ceil((missing / this.bucket.restoreRate) * 1000));
      // A query that ends meanwhile gives back what it did not spend (a page asking for 1,000 points often spends a
      // few when little changed): look again then rather than sleeping through the refund.
      const before = this.now();
      await Promise.race([this.sleep(waitMs), this.settled.promise]);
      waitedMs += this.now() - before;
    }
    const cost = this.costOf(requestedCost);
    if (this.bucket) this.take(cost);
    const hold = { cost };
    this.inFlight.add(hold);
    return Object.assign(hold, { waitedMs });
  }

  /**
   * Gives back what the query did not spend and learns from the response's throttle status. `cost` is null when the
   * response carried none (a network failure, an HTTP error): the whole requested cost is then counted as spent.
   */
  settle(ticket: CostTicket, cost: QueryCost | null): void {
    const hold = ticket as CostTicket & { cost: number };
    if (!this.inFlight.delete(hold)) return;
    const status = cost?.throttleStatus;
    if (status && status.maximumAvailable > 0 && status.restoreRate > 0) {
      const firstLook = !this.bucket;
      this.bucket = { maximum: status.maximumAvailable, restoreRate: status.restoreRate };
      if (firstLook) {
        // Nothing else was in flight (see `admit`): the report is the bucket.
        this.level = status.currentlyAvailable;
        this.levelAt = this.now();
      } else {
        const spent = cost.actualQueryCost ?? 0; // a THROTTLED query spent nothing
        this.give(Math.max(0, ticket.cost - spent));
        const model = this.available()!;
        if (status.currentlyAvailable < model) {
          // Someone else spent points. The report may not include our other in-flight queries yet: keep them taken.
          let othersInFlight = 0;
          for (const other of this.inFlight) othersInFlight += other.cost;
          this.level = status.currentlyAvailable - othersInFlight;
          this.levelAt = this.now();
        }
      }
    }
    const settled = this.settled;
    this.settled = deferred();
    settled.resolve();
  }

  /**
   * How long to wait before a query of `requestedCost` fits: `(requested − available) / restoreRate`, as Shopify's
   * THROTTLED answer implies. Zero when it fits now.
   */
  waitFor(requestedCost: number): number {
    const available = this.available();
    if (available === null || !this.bucket) return 0;
    const missing = requestedCost - (available - (this.options.reserve ?? 0));
    return missing <= 0 ? 0 : Math.ceil((missing / this.bucket.restoreRate) * 1000);
  }

  private costOf(requestedCost: number | undefined): number {
    const ceiling = Math.min(MAX_SINGLE_QUERY_COST, this.bucket?.maximum ?? MAX_SINGLE_QUERY_COST);
    return requestedCost === undefined ? ceiling : Math.max(0, requestedCost);
  }

  private take(points: number): void {
    this.level = this.available()! - points;
    this.levelAt = this.now();
  }

  private give(points: number): void {
    this.level = this.available()! + points;
    this.levelAt = this.now();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const pacers = new Map<string, CostPacer>();

/** The one pacer of a store in this process, shared by all its activities (the bucket is per app and store). */
export function costPacerFor(store: string): CostPacer {
  let pacer = pacers.get(store);
  if (!pacer) {
    pacer = new CostPacer();
    pacers.set(store, pacer);
  }
  return pacer;
}
