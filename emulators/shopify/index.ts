import { createContext } from './context';
import { CustomerGenerator } from './customers';
import { deleteAtStore } from './deletions';
import { ResourceData, type AnyData } from './dataset';
import { FaultInjector } from './faults';
import { AdminGraphql } from './graphql/admin';
import { withLargeOrders, withLargeProducts } from './large-records';
import { OrderGenerator } from './orders';
import { ProductGenerator } from './products';
import { Tag } from './prng';
import { StoreAuth } from './oauth';
import { StoreServer } from './server';
import { formatTimestamp } from './time';
import type { RequestLogEntry, ResourceName, ShopifyStore, ShopifyStoreOptions } from './types';

export type { DeletableResource, DeleteOptions } from './deletions';
export type { FaultRule, RequestLogEntry, ResourceName, ShopifyStore, ShopifyStoreOptions } from './types';
export type {
  BulkFault,
  BulkOperationInfo,
  CompetingClient,
  CostLimit,
  GraphqlControls,
  GraphqlStoreOptions,
} from './graphql/types';
export { RESOURCE_NAMES } from './types';

export const DEFAULTS = {
  seed: 1,
  products: 20,
  customers: 50,
  orders: 200,
  accessToken: 'shpat_demo_token',
  shopName: 'demo-store',
  utcOffset: '-04:00',
} as const;

/** The store `npm run demo` syncs: `orders` orders, a third as many customers, 200 products. */
export function demoStoreOptions(orders: number): ShopifyStoreOptions {
  return { orders, customers: Math.ceil(orders / 3), products: 200, accessToken: DEFAULTS.accessToken };
}

/** An emulator of the Shopify GraphQL Admin API over a deterministic, lazily generated shop. */
export function createShopifyStore(options: ShopifyStoreOptions = {}): ShopifyStore {
  const seed = options.seed ?? DEFAULTS.seed;
  const counts: Record<ResourceName, number> = {
    products: count(options.products, DEFAULTS.products),
    customers: count(options.customers, DEFAULTS.customers),
    orders: count(options.orders, DEFAULTS.orders),
  };
  const shopName = options.shopName ?? DEFAULTS.shopName;
  const utcOffset = options.utcOffset ?? DEFAULTS.utcOffset;
  const now = options.now ?? (() => new Date());
  const ctx = createContext({ seed, offset: utcOffset, shopName, counts });
  const productGen = new ProductGenerator(ctx, counts.products);
  const customerGen = new CustomerGenerator(ctx, counts.customers);
  const orderGen = new OrderGenerator(ctx, counts.orders, productGen, customerGen);
  const datasets = {
    products: new ResourceData(withLargeProducts(productGen, options.large), seed, Tag.products),
    customers: new ResourceData(customerGen, seed, Tag.customers),
    orders: new ResourceData(withLargeOrders(orderGen, options.large), seed, Tag.orders),
  };
  const faults = new FaultInjector(seed);
  faults.set(options.faults ?? []);
  const log: RequestLogEntry[] = [];
  const graphql = new AdminGraphql(
    {
      datasets: datasets as Record<ResourceName, AnyData>,
      shopName,
      utcOffset,
      now: () => now().getTime(),
      shop: options.shop,
    },
    // "No rate limit" (rateLimit: false, the CLI's --no-rate-limit) switches GraphQL's cost bucket off.
    options.rateLimit === false && options.graphql?.costLimit === undefined
      ? { ...options.graphql, costLimit: false }
      : options.graphql,
    options.scopes,
  );
  const auth = new StoreAuth(options.accessToken ?? DEFAULTS.accessToken, options.app, () => graphql.accessScopes);
  const server = new StoreServer({
    auth,
    oldestApiVersion: options.oldestApiVersion,
    faults,
    log,
    graphql,
    resultBytesPerSecond: options.graphql?.resultBytesPerSecond,
  });

  return {
    listen: (port, host) => server.listen(port, host),
    close: async () => {
      await server.close();
      await graphql.close();
    },
    get url() {
      return server.url;
    },
    requestLog: log,
    clearRequestLog: () => server.resetLog(),
    setFaults: (rules) => faults.set(rules),
    records: (resource) => datasets[resource].records(),
    count: (resource) => datasets[resource].liveCount,
    mutate: (resource, change) => datasets[resource].mutate(change, now().getTime()),
    delete: (resource, ids, deleteOptions) =>
      deleteAtStore(
        {
          datasets: datasets as Record<ResourceName, AnyData>,
          events: graphql.events,
          nowMs: now().getTime(),
          stamp: (ms) => formatTimestamp(ms, utcOffset),
        },
        resource,
        ids,
        deleteOptions,
      ),
    issuedTokens: () => auth.issuedTokens(),
    graphql: {
      bulkOperationsStarted: () => graphql.bulk.startedCounts(),
      resetBulkCounts: () => graphql.bulk.resetCounts(),
      bulkOperations: () => graphql.bulk.list(),
      setBulkFaults: (faults) => graphql.bulk.setFaults(faults),
      cancelBulkOperation: (id) => void graphql.bulk.cancel(id),
      expireBulkResults: () => graphql.bulk.expireResults(),
      setAccessScopes: (scopes) => (graphql.accessScopes = [...scopes]),
      competingClient: (client) => graphql.compete(auth.bucketKey(options.accessToken ?? DEFAULTS.accessToken), client),
    },
  };
}

function count(value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`record counts must be non-negative integers, got ${n}`);
  return n;
}
