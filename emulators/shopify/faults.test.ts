import { createShopifyStore, type FaultRule, type ShopifyStore } from './index';
import { API, TOKEN, get } from './test-http';

describe('Shopify store emulator: faults', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({ rateLimit: false });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  beforeEach(() => {
    store.setFaults([]);
    store.clearRequestLog();
  });

  const orders = () => get(url, `${API}/orders.json?status=any&limit=5`);

  it.each([
    [402, { errors: 'Payment Required' }],
    [403, { errors: '[API] This action requires merchant approval for read_orders scope.' }],
    [404, { errors: 'Not Found' }],
    [423, { errors: 'Locked' }],
    [500, { errors: 'Internal Server Error' }],
    [503, { errors: 'Internal Server Error' }],
  ])("'status' %i answers with Shopify's JSON body", async (status, body) => {
    store.setFaults([{ kind: 'status', status, nth: 2 }]);
    expect((await orders()).status).toBe(200);
    const faulted = await orders();
    expect(faulted.status).toBe(status);
    expect(faulted.json).toEqual(body);
    expect(faulted.headers.get('x-shopify-shop-api-call-limit')).toMatch(/^\d+\/40$/);
    expect((await orders()).status).toBe(200);
    expect(store.requestLog.map((e) => [e.seq, e.status, e.fault])).toEqual([
      [1, 200, undefined],
      [2, status, 'status'],
      [3, 200, undefined],
    ]);
  });

  it("'html5xx' answers with an HTML error page", async () => {
    store.setFaults([{ kind: 'html5xx', status: 502 }]);
    const reply = await orders();
    expect(reply.status).toBe(502);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.text).toContain('<html>');
    expect(reply.json).toBeUndefined();
    store.setFaults([{ kind: 'html5xx', status: 500 }]);
    expect((await orders()).text).toContain('There was a problem loading this website');
  });

  it("'latency' answers normally, late", async () => {
    store.setFaults([{ kind: 'latency', latencyMs: 300 }]);
    const started = Date.now();
    const reply = await orders();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(reply.status).toBe(200);
    expect(reply.json.orders).toHaveLength(5);
    expect(store.requestLog[0]).toMatchObject({ status: 200, returned: 5, fault: 'latency' });
  });

  it("'hang' never answers", async () => {
    store.setFaults([{ kind: 'hang', nth: 1 }]);
    await expect(
      fetch(`${url}${API}/orders.json`, {
        headers: { 'X-Shopify-Access-Token': TOKEN },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(store.requestLog[0]).toMatchObject({ status: 0, fault: 'hang' });
    expect((await orders()).status).toBe(200);
  });

  it("'reset' drops the connection", async () => {
    store.setFaults([{ kind: 'reset', times: 1 }]);
    await expect(orders()).rejects.toThrow();
    expect(store.requestLog[0]).toMatchObject({ status: 0, fault: 'reset' });
    expect((await orders()).status).toBe(200);
  });

  it("'truncated' sends 200 with half the JSON", async () => {
    store.setFaults([{ kind: 'truncated' }]);
    const reply = await orders();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.text.startsWith('{"orders":[{')).toBe(true);
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  it("'non-json' sends 200 with an HTML page", async () => {
    store.setFaults([{ kind: 'non-json' }]);
    const reply = await orders();
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.json).toBeUndefined();
  });

  it("'rate-limit' sends a 429 whatever the bucket", async () => {
    store.setFaults([{ kind: 'rate-limit', nth: 1 }]);
    const reply = await orders();
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('2.0');
    expect(reply.json.errors).toMatch(/^Exceeded 2 calls per second/);
  });

  it('resource limits a rule to one resource, list and count', async () => {
    store.setFaults([{ kind: 'status', status: 500, resource: 'customers' }]);
    expect((await orders()).status).toBe(200);
    expect((await get(url, `${API}/customers.json`)).status).toBe(500);
    expect((await get(url, `${API}/customers/count.json`)).status).toBe(500);
    expect(store.requestLog.map((e) => [e.resource, e.kind, e.fault])).toEqual([
      ['orders', 'list', undefined],
      ['customers', 'list', 'status'],
      ['customers', 'count', 'status'],
    ]);
  });

  it('from/times match a window of requests; rules count independently', async () => {
    store.setFaults([
      { kind: 'status', status: 503, from: 2, times: 2 },
      { kind: 'status', status: 502, nth: 5 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await orders()).status);
    expect(statuses).toEqual([200, 503, 503, 200, 502, 200]);
  });

  it('rate is reproducible for the same seed', async () => {
    const run = async () => {
      const s = createShopifyStore({ seed: 3, rateLimit: false, faults: [{ kind: 'status', status: 500, rate: 0.3 }] });
      const u = await s.listen(0);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(u, `${API}/products/count.json`)).status);
      await s.close();
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
  });

  it('faults do not apply before auth', async () => {
    store.setFaults([{ kind: 'status', status: 500 }]);
    expect((await get(url, `${API}/orders.json`, 'wrong')).status).toBe(401);
  });

  it('the request log records every request in order', async () => {
    await get(url, `${API}/orders.json?limit=3&status=any`);
    await get(url, `${API}/products/count.json`);
    await get(url, '/nope');
    expect(store.requestLog).toEqual([
      {
        seq: 1,
        time: expect.any(Number),
        method: 'GET',
        path: `${API}/orders.json`,
        resource: 'orders',
        kind: 'list',
        query: { limit: '3', status: 'any' },
        status: 200,
        returned: 3,
      },
      {
        seq: 2,
        time: expect.any(Number),
        method: 'GET',
        path: `${API}/products/count.json`,
        resource: 'products',
        kind: 'count',
        query: {},
        status: 200,
      },
      { seq: 3, time: expect.any(Number), method: 'GET', path: '/nope', kind: 'other', query: {}, status: 404 },
    ]);
  });

  it('close() ends hung connections', async () => {
    const s = createShopifyStore({ faults: [{ kind: 'hang' } satisfies FaultRule] });
    const u = await s.listen(0);
    const pending = fetch(`${u}${API}/orders.json`, { headers: { 'X-Shopify-Access-Token': TOKEN } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});
