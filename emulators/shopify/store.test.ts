import { createShopifyStore, type ShopifyStore } from './index';
import { API, TOKEN, get, ids, parseLink, walk } from './test-http';

type Rec = Record<string, unknown>;

const isOpen = (o: Rec) => o.closed_at === null && o.cancelled_at === null;

describe('Shopify store emulator: HTTP API', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({ orders: 1200, customers: 300, products: 40, rateLimit: false });
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('listens on a random port and reports its URL', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(store.url).toBe(url);
  });

  it('walking rel=next with limit=250 and status=any yields exactly records()', async () => {
    const { records, links } = await walk(url, `${API}/orders.json?status=any&limit=250`, 'orders');
    expect(records).toEqual([...store.records('orders')]);
    expect(records).toHaveLength(1200);
    expect(links).toHaveLength(5);
    expect(links[0]).toEqual({ next: expect.any(String) });
    for (const middle of links.slice(1, -1)) expect(Object.keys(middle).sort()).toEqual(['next', 'previous']);
    expect(links[4]).toEqual({ previous: expect.any(String) });
  });

  it('Link header: previous before next, request host, limit and page_info only', async () => {
    const first = await get(url, `${API}/products.json?limit=10`);
    const second = await get(url, parseLink(first.headers.get('link')).next!);
    const header = second.headers.get('link')!;
    expect(header).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/admin\/api\/2024-07\/products\.json\?limit=10&page_info=[\w-]+>; rel="previous", <[^>]+>; rel="next"$/,
    );
    expect(header.startsWith(`<${url}/`)).toBe(true);
  });

  it('walking back with rel=previous returns the same pages', async () => {
    const forward: number[][] = [];
    let next: string | undefined = `${API}/customers.json?limit=70`;
    let last: string | undefined;
    while (next) {
      const page = await get(url, next);
      forward.push(ids(page.json.customers));
      last = page.headers.get('link') ?? undefined;
      next = parseLink(page.headers.get('link')).next;
    }
    const backward: number[][] = [];
    let previous = parseLink(last!).previous;
    while (previous) {
      const page = await get(url, previous);
      backward.unshift(ids(page.json.customers));
      previous = parseLink(page.headers.get('link')).previous;
    }
    expect(backward).toEqual(forward.slice(0, -1));
  });

  it('no Link header when everything fits in one page', async () => {
    const reply = await get(url, `${API}/products.json?limit=250`);
    expect(reply.json.products).toHaveLength(40);
    expect(reply.headers.get('link')).toBeNull();
  });

  it('default limit is 50 and limit above 250 is clamped', async () => {
    expect((await get(url, `${API}/orders.json?status=any`)).json.orders).toHaveLength(50);
    expect((await get(url, `${API}/orders.json?status=any&limit=1000`)).json.orders).toHaveLength(250);
    const zero = await get(url, `${API}/orders.json?limit=0`);
    expect(zero.status).toBe(400);
    expect(zero.json.errors.limit).toEqual(expect.any(String));
  });

  it('orders default to status=open: closed and cancelled ones are silently missing', async () => {
    const all = [...store.records('orders')];
    const open = all.filter(isOpen);
    expect(open.length).toBeLessThan(all.length * 0.8);
    const { records } = await walk(url, `${API}/orders.json?limit=250`, 'orders');
    expect(ids(records)).toEqual(ids(open));

    const count = async (q: string) => (await get(url, `${API}/orders/count.json${q}`)).json.count;
    expect(await count('')).toBe(open.length);
    expect(await count('?status=open')).toBe(open.length);
    expect(await count('?status=any')).toBe(1200);
    expect(await count('?status=closed')).toBe(all.filter((o) => o.closed_at !== null).length);
    expect(await count('?status=cancelled')).toBe(all.filter((o) => o.cancelled_at !== null).length);
    expect((await get(url, `${API}/orders.json?status=nope`)).status).toBe(400);
  });

  it('counts products and customers', async () => {
    expect((await get(url, `${API}/products/count.json`)).json).toEqual({ count: 40 });
    expect((await get(url, `${API}/customers/count.json`)).json).toEqual({ count: 300 });
  });

  it('page_info with another parameter is a 400 with Shopify’s message', async () => {
    const first = await get(url, `${API}/orders.json?status=any&limit=5`);
    const next = parseLink(first.headers.get('link')).next!;
    const bad = await get(url, `${next}&status=any`);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: 'status cannot be passed when page_info is present.' });
    const withFields = await get(url, `${next.replace(/limit=5/, 'limit=3')}&fields=id,name`);
    expect(withFields.status).toBe(200);
    expect(withFields.json.orders).toHaveLength(3);
    expect(Object.keys(withFields.json.orders[0])).toEqual(['id', 'name']);
  });

  it('an invalid page_info is a 400', async () => {
    for (const token of ['garbage', 'eyJmb28iOjF9', '%%%']) {
      const reply = await get(url, `${API}/orders.json?page_info=${token}`);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ errors: { page_info: 'Invalid value.' } });
    }
    const productsPage = await get(url, `${API}/products.json?limit=5`);
    const token = new URL(parseLink(productsPage.headers.get('link')).next!).searchParams.get('page_info');
    expect((await get(url, `${API}/orders.json?page_info=${token}`)).status).toBe(400);
  });

  it('rejects bad credentials with Shopify’s 401 body', async () => {
    const expected = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
    for (const token of [null, 'shpat_wrong']) {
      const reply = await get(url, `${API}/orders.json`, token);
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual(expected);
    }
  });

  it('404 for unknown routes and versions, 405 for other methods', async () => {
    for (const path of [
      '/admin/api/2024-07/widgets.json',
      '/admin/api/latest/orders.json',
      '/admin/orders.json',
      '/',
    ]) {
      const reply = await get(url, path);
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ errors: 'Not Found' });
    }
    expect((await get(url, '/admin/api/2019-10/orders.json')).status).toBe(200);
    const post = await fetch(`${url}${API}/orders.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': TOKEN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(405);
  });

  it('responds with JSON content type and Shopify body shapes', async () => {
    for (const resource of ['products', 'customers', 'orders']) {
      const reply = await get(url, `${API}/${resource}.json?limit=1`);
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Object.keys(reply.json)).toEqual([resource]);
    }
  });

  describe('filters', () => {
    const all = () => [...store.records('orders')];

    it('ids returns only the listed records (unknown ids ignored)', async () => {
      const wanted = [all()[3].id, all()[700].id, all()[42].id] as number[];
      const reply = await get(url, `${API}/orders.json?status=any&ids=${wanted.join(',')},123`);
      expect(ids(reply.json.orders)).toEqual([...wanted].sort((a, b) => a - b));
      expect((await get(url, `${API}/orders/count.json?status=any&ids=${wanted.join(',')}`)).json.count).toBe(3);
    });

    it('since_id returns records with a greater id, ascending', async () => {
      const sinceId = all()[1100].id as number;
      const reply = await get(url, `${API}/orders.json?status=any&since_id=${sinceId}&limit=250`);
      expect(ids(reply.json.orders)).toEqual(ids(all().slice(1101)));
    });

    it('fields keeps only the named top-level keys', async () => {
      const reply = await get(url, `${API}/customers.json?fields=email,id,nope`);
      for (const c of reply.json.customers) expect(Object.keys(c)).toEqual(['id', 'email']);
    });

    it('created_at_min/max and updated_at_max compare instants whatever the offset', async () => {
      const orders = all();
      const min = Date.parse(orders[300].created_at as string);
      const max = Date.parse(orders[900].created_at as string);
      // Same instants written in another offset, as a client in Tokyo might send them.
      const iso = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace('.000Z', '+09:00');
      const q = `created_at_min=${encodeURIComponent(iso(min))}&created_at_max=${encodeURIComponent(iso(max))}`;
      const { records } = await walk(url, `${API}/orders.json?status=any&limit=250&${q}`, 'orders');
      const expected = orders.filter((o) => {
        const t = Date.parse(o.created_at as string);
        return t >= min && t <= max;
      });
      expect(ids(records)).toEqual(ids(expected));
      expect((await get(url, `${API}/orders/count.json?status=any&${q}`)).json.count).toBe(expected.length);

      const upMin = Date.parse(orders[1100].updated_at as string);
      const since = await walk(
        url,
        `${API}/orders.json?status=any&limit=250&updated_at_min=${encodeURIComponent(iso(upMin))}`,
        'orders',
      );
      expect(ids(since.records)).toEqual(ids(orders.filter((o) => Date.parse(o.updated_at as string) >= upMin)));

      const upMax = Date.parse(orders[500].updated_at as string);
      const up = await walk(
        url,
        `${API}/orders.json?status=any&limit=250&updated_at_max=${encodeURIComponent(iso(upMax))}`,
        'orders',
      );
      expect(ids(up.records)).toEqual(ids(orders.filter((o) => Date.parse(o.updated_at as string) <= upMax)));
    });
  });
});

describe('Shopify store emulator: mutations and incremental sync', () => {
  let clock = new Date('2026-07-20T15:30:00Z');
  const store = createShopifyStore({ seed: 7, orders: 3000, rateLimit: false, now: () => clock });
  let url: string;

  beforeAll(async () => {
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('nothing is returned for updated_at_min after the data was generated', async () => {
    const reply = await get(url, `${API}/orders.json?status=any&updated_at_min=2026-07-01T00:00:00Z`);
    expect(reply.json.orders).toEqual([]);
    expect(reply.headers.get('link')).toBeNull();
  });

  it.each(['orders', 'products', 'customers'] as const)(
    'updated_at_min after mutate returns exactly the mutated and created %s',
    async (resource) => {
      const before = store.count(resource);
      const since = clock.toISOString();
      const { updated, created } = store.mutate(resource, { update: 7, create: 3 });
      expect(updated).toHaveLength(7);
      expect(created).toHaveLength(3);
      expect(store.count(resource)).toBe(before + 3);
      expect(Math.min(...created)).toBeGreaterThan(Math.max(...ids(store.records(resource)).slice(0, before)));

      const status = resource === 'orders' ? 'status=any&' : '';
      const { records } = await walk(url, `${API}/${resource}.json?${status}limit=4&updated_at_min=${since}`, resource);
      expect(ids(records)).toEqual([...updated, ...created].sort((a, b) => a - b));
      const count = await get(url, `${API}/${resource}/count.json?${status}updated_at_min=${since}`);
      expect(count.json.count).toBe(10);

      const local = new Date(clock.getTime() - 4 * 3_600_000).toISOString().slice(0, 19) + '-04:00';
      for (const r of records) expect(r.updated_at).toBe(local);
      for (const id of created) {
        const rec = records.find((r) => r.id === id)!;
        expect(rec.created_at).toBe(local);
      }
      // records() reflects the mutations too.
      const byId = new Map([...store.records(resource)].map((r) => [r.id, r]));
      for (const r of records) expect(byId.get(r.id as number)).toEqual(r);
      clock = new Date(clock.getTime() + 60_000);
    },
  );

  it('mutates visible fields and keeps ids stable', () => {
    const target = [...store.records('customers')][10];
    const { updated } = store.mutate('customers', { ids: [target.id as number] });
    expect(updated).toEqual([target.id]);
    const after = [...store.records('customers')][10];
    expect(after.id).toBe(target.id);
    expect(after.orders_count).toBe((target.orders_count as number) + 1);
    expect(after.updated_at).not.toEqual(target.updated_at);
    expect(() => store.mutate('customers', { ids: [123] })).toThrow(/no record/);
  });
});

describe('Shopify store emulator: rate limiting', () => {
  it('43 rapid requests at bucket 40 get 429s with Retry-After and the call-limit header on every response', async () => {
    const store = createShopifyStore();
    const url = await store.listen(0);
    try {
      const replies = await Promise.all(Array.from({ length: 43 }, () => get(url, `${API}/orders/count.json`)));
      const limited = replies.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(40);
      for (const r of replies) expect(r.headers.get('x-shopify-shop-api-call-limit')).toMatch(/^\d+\/40$/);
      for (const r of limited) {
        expect(r.headers.get('retry-after')).toBe('2.0');
        expect(r.json).toEqual({
          errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
        });
        expect(r.headers.get('x-shopify-shop-api-call-limit')).toBe('40/40');
      }
      expect(store.requestLog.filter((e) => e.status === 429)).toHaveLength(limited.length);
      // The bucket leaks at 2/s: after a second there is room again.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await get(url, `${API}/orders/count.json`)).status).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('reports usage growing request by request', async () => {
    const store = createShopifyStore({ rateLimit: { bucketSize: 10, leakPerSecond: 0.001 } });
    const url = await store.listen(0);
    try {
      const seen: string[] = [];
      for (let i = 0; i < 11; i++)
        seen.push((await get(url, `${API}/products/count.json`)).headers.get('x-shopify-shop-api-call-limit')!);
      expect(seen).toEqual(['1/10', '2/10', '3/10', '4/10', '5/10', '6/10', '7/10', '8/10', '9/10', '10/10', '10/10']);
    } finally {
      await store.close();
    }
  });

  it('rateLimit: false never limits', async () => {
    const store = createShopifyStore({ rateLimit: false });
    const url = await store.listen(0);
    try {
      const replies = await Promise.all(Array.from({ length: 60 }, () => get(url, `${API}/orders/count.json`)));
      expect(replies.every((r) => r.status === 200)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
