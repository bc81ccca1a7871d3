import { resourceSpec, type ResourceSpec } from '../store/resources';
import type { ResourceName } from '../../common/contract';
import type { ShopifyClient, ShopifyPage } from './client';

/**
 * Where a sync reads a resource's records from: Shopify's REST Admin API or its GraphQL Admin API (SHOPIFY_API).
 * The cursor is opaque to the workflow: a REST `page_info` link or a GraphQL `endCursor`.
 */
export interface RecordSource {
  /** The declaration the records are stored with (GraphQL: timestamps in the shop's time zone). */
  spec(name: ResourceName): Promise<ResourceSpec>;
  count(spec: ResourceSpec): Promise<number>;
  page(spec: ResourceSpec, cursor: string | null, updatedAtMin: string | null): Promise<ShopifyPage>;
}

export function restSource(client: () => ShopifyClient): RecordSource {
  return {
    spec: (name) => Promise.resolve(resourceSpec(name)),
    count: (spec) => client().count(spec.endpoint, spec.params),
    page: (spec, cursor, updatedAtMin) => {
      const params: Record<string, string> = { ...spec.params };
      if (updatedAtMin) params.updated_at_min = updatedAtMin;
      return client().page(spec.endpoint, cursor, params);
    },
  };
}
