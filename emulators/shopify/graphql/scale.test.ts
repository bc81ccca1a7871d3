import { createShopifyStore, type ShopifyStore } from '../index';
import { data } from './test-gql';

/** Sanity bounds, not benchmarks: they catch accidental O(n) scans, not slow machines. */
const FAST_MS = 1000;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

const PAGE = `query($after: String, $q: String, $sort: OrderSortKeys) {
  orders(first: 250, after: $after, query: $q, sortKey: $sort) {
    nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }`;

describe('Shopify store emulator: GraphQL on a large store', () => {
  let store: ShopifyStore;
  let url: string;
  let heapBefore: number;

  beforeAll(async () => {
    heapBefore = process.memoryUsage().heapUsed;
    store = createShopifyStore({ orders: 1_000_000, customers: 100_000, products: 2_000, rateLimit: false });
    url = await store.listen(0);
    await data(url, PAGE, { sort: 'ID' }); // warm up the JIT
  });
  afterAll(() => store.close());

  it('pages by UPDATED_AT from a date, page after page, without scanning the store', async () => {
    const q = "updated_at:>='2025-06-01T00:00:00Z'";
    const first = await timed(() => data(url, PAGE, { q, sort: 'UPDATED_AT' }));
    expect(first.value.orders.nodes).toHaveLength(250);
    expect(first.ms).toBeLessThan(FAST_MS);
    const second = await timed(() =>
      data(url, PAGE, { q, sort: 'UPDATED_AT', after: first.value.orders.pageInfo.endCursor }),
    );
    expect(second.ms).toBeLessThan(FAST_MS);
    const updated = [...first.value.orders.nodes, ...second.value.orders.nodes].map(
      (n: { updatedAt: string }) => n.updatedAt,
    );
    expect(updated).toEqual([...updated].sort());
    expect(updated[0] >= '2025-06-01T00:00:00Z').toBe(true);
  });

  it('answers an incremental query with nothing changed at once', async () => {
    const none = await timed(() => data(url, PAGE, { q: "updated_at:>='2026-11-01T00:00:00Z'", sort: 'UPDATED_AT' }));
    expect(none.value.orders.nodes).toEqual([]);
    expect(none.ms).toBeLessThan(FAST_MS);
  });

  it('counts without building records', async () => {
    const counted = await timed(() => data(url, '{ ordersCount(limit: null) { count precision } }'));
    expect(counted.value.ordersCount).toEqual({ count: 1_000_000, precision: 'EXACT' });
    expect(counted.ms).toBeLessThan(FAST_MS);
  });
  it('answers a deep page (an id search near the end) as fast as the first one, and sees the tail of the store', async () => {
    const deepId = 5_100_000_000_000 + 999_000 * 1021; // an id near the end of the order range
    const first = await timed(() => data(url, PAGE, { q: `id:>${deepId}`, sort: 'ID' }));
    expect(first.value.orders.nodes).toHaveLength(250);
    expect(first.ms).toBeLessThan(FAST_MS);
    const next = await timed(() =>
      data(url, PAGE, { q: `id:>${deepId}`, sort: 'ID', after: first.value.orders.pageInfo.endCursor }),
    );
    expect(next.ms).toBeLessThan(FAST_MS);
    const last = await data(url, '{ orders(last: 2, sortKey: ID) { nodes { name } } }');
    expect(last.orders.nodes).toEqual([{ name: '#1000999' }, { name: '#1001000' }]);
  });

  it('does not hold the orders in memory', () => {
    global.gc?.();
    // A materialised million orders would be gigabytes; the generator's caches are a few MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200_000_000);
  });
});
