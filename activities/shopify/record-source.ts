import type { ResourceSpec } from '../store/resources';
import type { ResourceName } from '../../common/contract';

/** One page of a resource's records, and what reading it cost. */
export interface ShopifyPage {
  records: Record<string, unknown>[];
  /** The cursor of the next page (GraphQL `endCursor`), or null on the last page. */
  nextCursor: string | null;
  /** HTTP requests sent, THROTTLED answers included. */
  requests: number;
  /** Milliseconds spent waiting for the rate limit. */
  throttledMs: number;
}

/** A resource's window to count: records updated at or after `updatedAtMin` (all with null). */
export interface CountWindow {
  spec: ResourceSpec;
  updatedAtMin: string | null;
  /** Also count the records updated strictly after this instant (the watermark); absent: not counted. */
  newerThan?: string | null;
}

export interface WindowCount {
  count: number;
  /** Records updated after the window's `newerThan`; null when it had none. */
  newer: number | null;
}

export interface RecordCounts {
  /** One per window, in the order asked. */
  windows: WindowCount[];
  /** The cost bucket's restore rate (points per second) Shopify reported with the counts; null if it did not. */
  restoreRate: number | null;
}

/**
 * Where a sync reads a resource's records from: the GraphQL Admin API's paged queries (GraphqlPagedSource); tests
 * pass their own. The cursor is opaque to the workflow.
 */
export interface RecordSource {
  /** The declaration the records are stored with (timestamps in the shop's time zone). */
  spec(name: ResourceName): Promise<ResourceSpec>;
  /** Every window's counts in one request (the plan asks all resources at once). */
  counts(windows: readonly CountWindow[]): Promise<RecordCounts>;
  page(spec: ResourceSpec, cursor: string | null, updatedAtMin: string | null): Promise<ShopifyPage>;
}
