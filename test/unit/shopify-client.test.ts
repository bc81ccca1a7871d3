import { DEFAULT_API_VERSION, type ShopifyConfig } from '../../common/config';
import { nextLinkPath, ShopifyClient } from '../../activities/shopify/client';
import { resourceSpec } from '../../activities/store/resources';
import { createShopifyStore, type FaultRule, type ShopifyStore } from '../../emulators/shopify';
import { startCountingProxy } from '../helpers/faults-tcp-proxy';
import { startStaticShop } from '../helpers/faults-static-shop';
import { TEST_TOKEN } from '../helpers/sync-harness';
import { failureOf } from '../helpers/failures';

/** The Shopify HTTP client against the emulator over real HTTP, without Temporal. */

const ORDERS = 620;

function config(baseUrl: string, overrides: Partial<ShopifyConfig> = {}): ShopifyConfig {
  return {
    store: 'unit-store',
    baseUrl,
    apiVersion: DEFAULT_API_VERSION,
    apiToken: TEST_TOKEN,
    timeoutMs: 5_000,
    ...overrides,
  };
}

describe('ShopifyClient against the Shopify emulator', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({ seed: 13, products: 5, customers: 30, orders: ORDERS, rateLimit: false });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  beforeEach(() => {
    store.setFaults([]);
    store.clearRequestLog();
  });

  const ordersPage = (client: ShopifyClient, cursor: string | null = null) =>
    client.page('orders', cursor, resourceSpec('orders').params);

  it('follows rel="next" to the end: limit=250, status=any on the first page only, page_info with limit only', async () => {
    const client = new ShopifyClient(config(url));
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await ordersPage(client, cursor);
      ids.push(...page.records.map((r) => r.id as number));
      expect(page).toMatchObject({ requests: 1, throttledMs: 0 });
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);

    expect(pages).toBe(Math.ceil(ORDERS / 250));
    expect(ids).toEqual([...store.records('orders')].map((o) => o.id));
    const [first, ...rest] = store.requestLog;
    expect(first).toMatchObject({ path: `/admin/api/${DEFAULT_API_VERSION}/orders.json`, status: 200 });
    expect(first.query).toEqual({ status: 'any', limit: '250' });
    expect(rest).toHaveLength(pages - 1);
    for (const request of rest) {
      expect(Object.keys(request.query).sort()).toEqual(['limit', 'page_info']);
      expect(request.query.limit).toBe('250');
      expect(request.status).toBe(200); // the emulator answers 400 to anything else next to page_info
    }
  });

  it('an incremental first page carries updated_at_min; the pages after it only their cursor', async () => {
    const client = new ShopifyClient(config(url));
    const since = '2026-01-01T00:00:00.000Z';
    const first = await client.page('customers', null, { updated_at_min: since });
    expect(store.requestLog[0].query).toEqual({ updated_at_min: since, limit: '250' });
    if (first.nextCursor) {
      await client.page('customers', first.nextCursor, { updated_at_min: since });
      expect(Object.keys(store.requestLog[1].query).sort()).toEqual(['limit', 'page_info']);
    }
    expect(first.records.every((r) => Date.parse(r.updated_at as string) >= Date.parse(since))).toBe(true);
  });

  it('count() asks count.json with the resource filters', async () => {
    const client = new ShopifyClient(config(url));
    expect(await client.count('orders', { status: 'any' })).toBe(ORDERS);
    expect(store.requestLog[0]).toMatchObject({ kind: 'count', query: { status: 'any' } });
  });

  it('keeps one connection alive across sequential requests (counted by a TCP proxy)', async () => {
    const proxy = await startCountingProxy(url);
    try {
      const client = new ShopifyClient(config(proxy.url));
      let cursor: string | null = null;
      do cursor = (await ordersPage(client, cursor)).nextCursor;
      while (cursor !== null);
      await client.count('products', {});
      await client.count('customers', {});
      expect(store.requestLog).toHaveLength(Math.ceil(ORDERS / 250) + 2);
      expect(proxy.connections).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  const statuses: Array<[number, string, boolean, RegExp]> = [
    [401, 'ShopifyAuthError', true, /rejected the access token \(401 Unauthorized.*Check SHOPIFY_API_TOKEN/],
    [402, 'ShopifyShopUnavailable', true, /is frozen \(402 Payment Required/],
    [403, 'ShopifyScopeError', true, /refused \/admin\/api\/2026-10\/orders\.json \(403 Forbidden.*read_orders/],
    [404, 'ShopifyNotFound', true, /404 Not Found for \/admin\/api\/2026-10\/orders\.json\. Check SHOPIFY_STORE/],
    [423, 'ShopifyShopUnavailable', true, /is locked \(423 Locked: Locked\)/],
    [400, 'ShopifyBadRequest', true, /rejected \/admin\/api\/2026-10\/orders\.json \(400: Bad Request\)/],
    [500, 'ShopifyUnavailable', false, /is unavailable \(500: Internal Server Error\); will retry/],
    [502, 'ShopifyUnavailable', false, /is unavailable \(502/],
    [503, 'ShopifyUnavailable', false, /is unavailable \(503/],
  ];

  it.each(statuses)(
    'status %i → %s (nonRetryable %s), one request, no token',
    async (status, type, nonRetryable, text) => {
      store.setFaults([{ kind: 'status', status }]);
      const failure = await failureOf(ordersPage(new ShopifyClient(config(url))));
      expect(failure.type).toBe(type);
      expect(failure.nonRetryable).toBe(nonRetryable);
      expect(failure.message).toMatch(/^Shopify store "unit-store"/);
      expect(failure.message).toMatch(text);
      expect(failure.message).not.toContain(TEST_TOKEN);
      expect(store.requestLog).toHaveLength(1); // retrying is Temporal's job, never a loop in here
    },
  );

  const retryable: Array<[string, string, FaultRule, RegExp]> = [
    ['HTML 502 page', 'ShopifyUnavailable', { kind: 'html5xx', status: 502 }, /\(502: <html> <head><title>502 Bad/],
    ['HTML 500 page', 'ShopifyUnavailable', { kind: 'html5xx', status: 500 }, /problem loading this website/],
    ['truncated JSON', 'ShopifyBadResponse', { kind: 'truncated' }, /not complete JSON .*application\/json/],
    ['non-JSON 200', 'ShopifyBadResponse', { kind: 'non-json' }, /not complete JSON .*text\/html/],
    ['connection reset', 'ShopifyUnavailable', { kind: 'reset' }, /Could not reach Shopify store "unit-store"/],
  ];

  it.each(retryable)('%s → retryable %s', async (_name, type, rule, text) => {
    store.setFaults([rule]);
    const failure = await failureOf(ordersPage(new ShopifyClient(config(url))));
    expect(failure).toMatchObject({ type, nonRetryable: false });
    expect(failure.message).toMatch(text);
    expect(failure.message).toMatch(/will retry\.$/);
    expect(store.requestLog).toHaveLength(1);
  });

  it('a hung response → retryable ShopifyUnavailable "timed out" after timeoutMs', async () => {
    store.setFaults([{ kind: 'hang' }]);
    const started = Date.now();
    const failure = await failureOf(ordersPage(new ShopifyClient(config(url, { timeoutMs: 300 }))));
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ type: 'ShopifyUnavailable', nonRetryable: false });
    expect(failure.message).toMatch(/timed out after 300 ms; will retry\./);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('a 429 is waited out per Retry-After inside the call, then the page arrives', async () => {
    store.setFaults([{ kind: 'rate-limit', nth: 1 }]);
    const page = await ordersPage(new ShopifyClient(config(url)));
    expect(page.records).toHaveLength(250);
    expect(page.requests).toBe(2);
    // The limiter counts what is left of Retry-After when it gets to wait (a few ms may have passed); the store's
    // log shows the real gap.
    expect(page.throttledMs).toBeGreaterThanOrEqual(1_900);
    expect(store.requestLog[1].time - store.requestLog[0].time).toBeGreaterThanOrEqual(2_000);
  });

  it('429s beyond maxRateLimitRetries → retryable ShopifyRateLimited with the Retry-After as next delay', async () => {
    store.setFaults([{ kind: 'rate-limit', from: 1, times: 2 }]);
    const client = new ShopifyClient(config(url), { maxRateLimitRetries: 1 });
    const failure = await failureOf(ordersPage(client));
    expect(failure).toMatchObject({ type: 'ShopifyRateLimited', nonRetryable: false });
    expect(failure.nextRetryDelay).toBe('2s');
    expect(failure.message).toMatch(/is rate limiting requests \(429: Exceeded 2 calls per second/);
    expect(store.requestLog.map((r) => r.status)).toEqual([429, 429]);
  });

  it('a response without the resource list → retryable ShopifyBadResponse naming what is missing', async () => {
    const shop = await startStaticShop({ pages: { orders: ['{"errors":"unexpected shape","order":[]}'] } });
    try {
      const failure = await failureOf(ordersPage(new ShopifyClient(config(shop.url))));
      expect(failure).toMatchObject({ type: 'ShopifyBadResponse', nonRetryable: false });
      expect(failure.message).toMatch(/without a "orders" list; will retry\./);
    } finally {
      await shop.close();
    }
  });

  it('nextLinkPath picks rel="next" among several links and keeps path and query only', () => {
    const header =
      '<https://acme.myshopify.com/admin/api/2026-10/orders.json?limit=250&page_info=abc>; rel="previous", ' +
      '<https://acme.myshopify.com/admin/api/2026-10/orders.json?limit=250&page_info=def>; rel="next"';
    expect(nextLinkPath(header)).toBe('/admin/api/2026-10/orders.json?limit=250&page_info=def');
    expect(nextLinkPath('<https://x/a.json?page_info=p>; rel="previous"')).toBeNull();
    expect(nextLinkPath(undefined)).toBeNull();
  });
});
