import type { DevDashboardApp } from './oauth';
import type { ShopDetails } from './shop';
import type { DeletableResource, DeleteOptions } from './deletions';
import type { GraphqlControls, GraphqlStoreOptions } from './graphql/types';

export type ResourceName = 'products' | 'customers' | 'orders';

export const RESOURCE_NAMES: readonly ResourceName[] = ['products', 'customers', 'orders'];

export interface FaultRule {
  kind: 'status' | 'html5xx' | 'latency' | 'hang' | 'reset' | 'truncated' | 'non-json' | 'rate-limit';
  /** For 'status' (e.g. 401, 402, 403, 404, 423, 500, 502, 503) and 'html5xx' (500/502/503). */
  status?: number;
  /** For 'latency'. */
  latencyMs?: number;
  /** Only GraphQL requests of this resource (any query of it: pages, counts, lookups) match; undefined = any. */
  resource?: ResourceName;
  /**
   * Only GraphQL requests whose first top-level field is this one: `orders` (pages), `ordersCount`, `order` (a
   * record's nested pages), `shop`…
   */
  field?: string;
  /** Match the nth matching request (1-based, counted per rule since the rule was set). */
  nth?: number;
  /** Or: match every matching request number >= from ... */
  from?: number;
  /** ... at most this many times (default: unlimited). */
  times?: number;
  /** Or: match with this probability (0..1), drawn from a seeded PRNG so runs are reproducible. */
  rate?: number;
}

export interface ShopifyStoreOptions {
  seed?: number;
  products?: number;
  customers?: number;
  orders?: number;
  accessToken?: string;
  shopName?: string;
  utcOffset?: string;
  /** false: no rate limiting at all (the GraphQL cost bucket is off unless `graphql.costLimit` says otherwise). */
  rateLimit?: false;
  now?: () => Date;
  faults?: FaultRule[];
  /** A Dev Dashboard app whose client id and secret get tokens by the client-credentials grant. */
  app?: DevDashboardApp;
  /**
   * Scopes granted to the app and the static token (GraphQL `currentAppInstallation { accessScopes }`, the grant's
   * `scope`); default the four the sync needs.
   */
  scopes?: string[];
  shop?: ShopDetails;
  /** Versions older than this fall forward to it (the X-Shopify-API-Version header says which one served). */
  oldestApiVersion?: string;
  /** The GraphQL Admin API: cost limit, scopes, bulk operations (see graphql/types.ts). */
  graphql?: GraphqlStoreOptions;
  /** Opt-in large records: 2,048-variant products, orders of 300 line items (see large-records.ts); off by default. */
  large?: LargeRecordsOptions;
}

export interface LargeRecordsOptions {
  /** One product per entry with that many variants (1..2,048), e.g. [130, 2048]. */
  productVariants?: number[];
  /** One order per entry with that many line items, e.g. [300]. */
  orderLineItems?: number[];
}

export interface RequestLogEntry {
  seq: number;
  time: number;
  method: string;
  path: string;
  resource?: ResourceName;
  kind: 'graphql' | 'bulk-result' | 'other';
  query: Record<string, string>;
  /** 0 when no response was sent ('hang', 'reset'). */
  status: number;
  fault?: string;
  /** Bulk result downloads: the first byte served (a `Range` request's start, else 0) and the bytes sent so far. */
  download?: { from: number; bytesSent: number };
  /**
   * GraphQL requests: the top-level fields, the variables (`after` says which page, `query` the search), the first
   * error's code (THROTTLED…) and the costs.
   */
  graphql?: {
    fields: string[];
    variables: Record<string, unknown>;
    code?: string;
    requestedCost?: number;
    actualCost?: number | null;
  };
}

export interface ShopifyStore {
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  setFaults(rules: FaultRule[]): void;
  /**
   * The shop's records in the emulator's own model (snake_case fields in the shape of Shopify's REST resources, all
   * variants and line items): what the GraphQL answers are built from, and what tests compare a sync with.
   */
  records(resource: ResourceName): Iterable<Record<string, unknown>>;
  count(resource: ResourceName): number;
  mutate(
    resource: ResourceName,
    change: { update?: number; create?: number; ids?: number[] },
  ): { updated: number[]; created: number[] };
  /**
   * Deletes records (products, variants, orders, customers) from every GraphQL answer and logs a destroy
   * event for each (`{ events: false }`: none). Throws, deleting nothing, for an unknown id or a customer with orders.
   */
  delete(resource: DeletableResource, ids: number[], options?: DeleteOptions): void;
  /** Every access token the client-credentials grant issued, expired ones included. */
  issuedTokens(): string[];
  readonly graphql: GraphqlControls;
}
