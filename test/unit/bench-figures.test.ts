import { restBound } from '../../bench/scenarios/full-sync';
import { summarizeLog } from '../../bench/store-log';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { gql } from '../../emulators/shopify/graphql/test-gql';

/** The benchmark's figures that issue 13's targets are judged by: the REST bound and the emulator's counts. */

describe('the REST bound a bulk full sync is compared with', () => {
  it('counts one request per 250 records per resource plus a count each, at 2 per second after a bucket of 40', () => {
    // The store the REST benchmark measured: 98 list requests and 3 count.json requests.
    expect(restBound({ products: 400, customers: 4_000, orders: 20_000 })).toEqual({ requests: 101, seconds: 30.5 });
    // issue 13's store: 100,000 orders, 20,000 customers, 2,000 products.
    expect(restBound({ products: 2_000, customers: 20_000, orders: 100_000 })).toEqual({
      requests: 491,
      seconds: 225.5,
    });
  });

  it('asks for a page even of an empty resource, and is never negative for a small store', () => {
    expect(restBound({ products: 0, customers: 1, orders: 251 })).toEqual({ requests: 7, seconds: 0 });
  });
});

describe("the emulator's request log as the benchmark counts it", () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    // A bucket of 100 points that barely refills: the second orders query cannot be afforded.
    store = createShopifyStore({ orders: 50, graphql: { costLimit: { maximumAvailable: 100, restoreRate: 1 } } });
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('counts THROTTLED answers, and the costs of the queries that ran only', async () => {
    const query = '{ orders(first: 20) { nodes { id name } } }'; // requested 2 + 20 × 1 = 22 points
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await gql(url, query));
    const throttled = answers.filter((a) => a.body.errors?.[0]?.extensions?.code === 'THROTTLED').length;
    expect(throttled).toBeGreaterThan(0);

    const summary = summarizeLog(store.requestLog);
    expect(summary).toMatchObject({ requests: 6, graphql: 6, throttled, byField: { orders: 6 } });
    expect(summary.byResource.orders).toBe(6);
    const ran = 6 - throttled;
    expect(summary.requestedCost).toBe(22 * ran);
    expect(summary.actualCost).toBe(22 * ran);
  });

  it('names a request of several fields by all of them, and counts it for no one resource', async () => {
    store.clearRequestLog();
    await gql(url, '{ p: productsCount { count } o: ordersCount { count } o2: ordersCount { count } }');
    const summary = summarizeLog(store.requestLog);
    expect(summary.byField).toEqual({ 'productsCount+ordersCount': 1 });
    expect(summary.byResource).toEqual({});
  });
});
