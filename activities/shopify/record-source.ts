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

export interface RecordCount {
  count: number;
  /** The cost bucket's restore rate (points per second) Shopify reported with the count; null if it did not. */
  restoreRate: number | null;
}

/**
 * Where a sync reads a resource's records from: the GraphQL Admin API's paged queries (GraphqlPagedSource); tests
 * pass their own. The cursor is opaque to the workflow.
 */
export interface RecordSource {
  /** The declaration the records are stored with (timestamps in the shop's time zone). */
  spec(name: ResourceName): Promise<ResourceSpec>;
  /** Records of the resource updated at or after `updatedAtMin` (all with null). */
  count(spec: ResourceSpec, updatedAtMin?: string | null): Promise<RecordCount>;
  page(spec: ResourceSpec, cursor: string | null, updatedAtMin: string | null): Promise<ShopifyPage>;
}
