import { createShopifyStore, type ShopifyStore } from './index';
import { API, get, ids, parseLink } from './test-http';

/** Sanity bounds, not benchmarks: they catch accidental O(n) scans, not slow machines. */
const FAST_MS = 500;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

describe('Shopify store emulator: large stores', () => {
  let store: ShopifyStore;
  let url: string;
  let heapBefore: number;

  beforeAll(async () => {
    heapBefore = process.memoryUsage().heapUsed;
    store = createShopifyStore({ orders: 1_000_000, customers: 100_000, products: 2_000, rateLimit: false });
    url = await store.listen(0);
    await get(url, `${API}/orders.json?limit=5`); // warm up the JIT
  });
  afterAll(() => store.close());

  it('answers the first page fast', async () => {
    const { ms, value } = await timed(() => get(url, `${API}/orders.json?limit=250`));
    expect(value.json.orders).toHaveLength(250);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('answers an incremental query (recent updated_at_min, no changes) fast', async () => {
    for (const since of ['2026-11-01T00:00:00Z', '2026-06-29T23:00:00-04:00']) {
      const { ms, value } = await timed(() =>
        get(url, `${API}/orders.json?status=any&updated_at_min=${encodeURIComponent(since)}`),
      );
      expect(value.status).toBe(200);
      expect(ms).toBeLessThan(FAST_MS);
    }
    const none = await timed(() => get(url, `${API}/orders.json?status=any&updated_at_min=2026-11-01T00:00:00Z`));
    expect(none.value.json.orders).toEqual([]);
    expect(none.ms).toBeLessThan(FAST_MS);
  });

  it('answers a deep page as fast as the first one (the cursor holds the position)', async () => {
    const deepId = 5_100_000_000_000 + 999_000 * 1021; // an id near the end of the order range
    const first = await timed(() => get(url, `${API}/orders.json?status=any&limit=250&since_id=${deepId}`));
    expect(first.ms).toBeLessThan(FAST_MS);
    const next = parseLink(first.value.headers.get('link')).next!;
    const second = await timed(() => get(url, next));
    expect(second.ms).toBeLessThan(FAST_MS);
    const previous = parseLink(second.value.headers.get('link')).previous!;
    const back = await get(url, previous);
    expect(ids(back.json.orders)).toEqual(ids(first.value.json.orders));
  });

  it('counts without building records and sees the tail of the store', async () => {
    expect((await get(url, `${API}/orders/count.json?status=any`)).json.count).toBe(1_000_000);
    const last = await get(url, `${API}/orders.json?status=any&since_id=${5_100_000_000_000 + 999_998 * 1021}`);
    expect(last.json.orders.map((o: { name: string }) => o.name)).toEqual(['#1000999', '#1001000']);
  });

  it('does not hold the orders in memory', () => {
    global.gc?.();
    // A materialised million orders would be gigabytes; the generator's caches are a few MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200_000_000);
  });
});
