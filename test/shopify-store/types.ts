import type { DevDashboardApp } from './oauth';
import type { ShopDetails } from './shop';

export type ResourceName = 'products' | 'customers' | 'orders';

export const RESOURCE_NAMES: readonly ResourceName[] = ['products', 'customers', 'orders'];

export interface FaultRule {
  kind: 'status' | 'html5xx' | 'latency' | 'hang' | 'reset' | 'truncated' | 'non-json' | 'rate-limit';
  /** For 'status' (e.g. 401, 402, 403, 404, 423, 500, 502, 503) and 'html5xx' (500/502/503). */
  status?: number;
  /** For 'latency'. */
  latencyMs?: number;
  /** Only requests for this resource (list or count) match; undefined = any API request. */
  resource?: ResourceName;
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
  rateLimit?: { bucketSize: number; leakPerSecond: number } | false;
  now?: () => Date;
  faults?: FaultRule[];
  /** A Dev Dashboard app whose client id and secret get tokens by the client-credentials grant. */
  app?: DevDashboardApp;
  /** Scopes granted to the app and the static token (access_scopes.json); default the four the sync needs. */
  scopes?: string[];
  shop?: ShopDetails;
  /** Versions older than this fall forward to it (the X-Shopify-API-Version header says which one served). */
  oldestApiVersion?: string;
}

export interface RequestLogEntry {
  seq: number;
  time: number;
  method: string;
  path: string;
  resource?: ResourceName;
  kind: 'list' | 'count' | 'other';
  query: Record<string, string>;
  /** 0 when no response was sent ('hang', 'reset'). */
  status: number;
  /** Records in the body (list requests). */
  returned?: number;
  fault?: string;
}

export interface ShopifyStore {
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  setFaults(rules: FaultRule[]): void;
  records(resource: ResourceName): Iterable<Record<string, unknown>>;
  count(resource: ResourceName): number;
  mutate(
    resource: ResourceName,
    change: { update?: number; create?: number; ids?: number[] },
  ): { updated: number[]; created: number[] };
  /** Every access token the client-credentials grant issued, expired ones included. */
  issuedTokens(): string[];
}
