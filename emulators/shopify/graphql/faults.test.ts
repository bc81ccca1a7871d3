import { createShopifyStore, type ShopifyStore } from '../index';
import { gql, TOKEN, VERSION } from './test-gql';

const PAGE = '{ orders(first: 5) { nodes { id } } }';
const COUNT = '{ ordersCount(limit: null) { count } }';

/** The store's fault rules on the GraphQL endpoint: HTTP failures as a server or a proxy in front of it makes them. */
describe('Shopify store emulator: faults on the GraphQL Admin API', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({ orders: 20, graphql: { costLimit: false } });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  beforeEach(() => {
    store.setFaults([]);
    store.clearRequestLog();
  });

  /** The raw exchange: status, content type and body text (or the error a dropped connection gives). */
  async function post(query: string, timeoutMs = 5_000) {
    try {
      const res = await fetch(`${url}/admin/api/${VERSION}/graphql.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    } catch (error) {
      return { error: error as Error };
    }
  }

  it("'status' answers that status with Shopify's JSON body, for the request it numbers", async () => {
    store.setFaults([{ kind: 'status', status: 503, nth: 2 }]);
    expect((await gql(url, PAGE)).status).toBe(200);
    const faulted = await gql(url, PAGE);
    expect(faulted).toEqual({ status: 503, body: { errors: 'Internal Server Error' } });
    expect((await gql(url, PAGE)).status).toBe(200);
    expect(store.requestLog.map((e) => [e.status, e.fault])).toEqual([
      [200, undefined],
      [503, 'status'],
      [200, undefined],
    ]);
  });

  it("'html5xx' is a proxy's HTML error page; 'non-json' an HTML page with 200", async () => {
    store.setFaults([
      { kind: 'html5xx', status: 502, nth: 1 },
      { kind: 'non-json', nth: 2 },
    ]);
    const proxy = await post(PAGE);
    expect(proxy).toMatchObject({ status: 502, type: expect.stringContaining('text/html') });
    expect(proxy.text).toMatch(/<html/i);
    const html = await post(PAGE);
    expect(html).toMatchObject({ status: 200, type: expect.stringContaining('text/html') });
  });

  it("'truncated' ends a 200 answer halfway through its JSON; 'reset' drops the connection; 'hang' never answers", async () => {
    store.setFaults([
      { kind: 'truncated', nth: 1 },
      { kind: 'reset', nth: 2 },
      { kind: 'hang', nth: 3 },
    ]);
    const cut = await post(PAGE);
    expect(cut).toMatchObject({ status: 200 });
    expect(() => JSON.parse(cut.text!)).toThrow();
    expect((await post(PAGE)).error).toBeDefined();
    const hung = await post(PAGE, 500);
    expect(hung.error?.name).toBe('TimeoutError');
    expect(store.requestLog.map((e) => e.status)).toEqual([200, 0, 0]);
  });

  it("'rate-limit' is a THROTTLED answer with HTTP 200 (GraphQL is never 429 for cost), logged with its code", async () => {
    store.setFaults([{ kind: 'rate-limit', nth: 1 }]);
    const throttled = await gql(url, PAGE);
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors[0].extensions.code).toBe('THROTTLED');
    expect(throttled.body.data).toBeUndefined();
    expect(store.requestLog[0].graphql).toMatchObject({ code: 'THROTTLED', fields: ['orders'] });
  });

  it("'latency' delays the real answer", async () => {
    store.setFaults([{ kind: 'latency', latencyMs: 300, nth: 1 }]);
    const started = Date.now();
    const answer = await gql(url, PAGE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(answer.body.data.orders.nodes).toHaveLength(5);
  });

  it('a rule naming a resource hits any query of it; one naming a field only queries starting with that field', async () => {
    store.setFaults([
      { kind: 'status', status: 500, resource: 'orders', nth: 1 },
      { kind: 'status', status: 502, field: 'orders', nth: 1 },
    ]);
    // The count is the first 'orders' request of the resource rule and no request of the field rule.
    expect((await gql(url, COUNT)).status).toBe(500);
    expect((await gql(url, PAGE)).status).toBe(502);
    expect((await gql(url, PAGE)).status).toBe(200);
    expect(store.requestLog.map((e) => e.graphql?.fields[0])).toEqual(['ordersCount', 'orders', 'orders']);
  });
  it('from/times match a window of requests; rules count independently', async () => {
    store.setFaults([
      { kind: 'status', status: 503, from: 2, times: 2 },
      { kind: 'status', status: 502, nth: 5 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await gql(url, PAGE)).status);
    expect(statuses).toEqual([200, 503, 503, 200, 502, 200]);
  });

  it('rate is reproducible for the same seed', async () => {
    const run = async () => {
      const s = createShopifyStore({ seed: 3, rateLimit: false, faults: [{ kind: 'status', status: 500, rate: 0.3 }] });
      const u = await s.listen(0);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await gql(u, COUNT)).status);
      await s.close();
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
  });

  it('faults do not apply before auth: a wrong token is a 401 whatever the rules say', async () => {
    store.setFaults([{ kind: 'status', status: 500 }]);
    expect((await gql(url, PAGE, undefined, { token: 'wrong' })).status).toBe(401);
  });

  it('the request log records every request in order, an unknown path as a 404', async () => {
    await gql(url, PAGE);
    await gql(url, COUNT);
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(store.requestLog).toEqual([
      expect.objectContaining({ seq: 1, method: 'POST', kind: 'graphql', resource: 'orders', status: 200 }),
      expect.objectContaining({ seq: 2, method: 'POST', kind: 'graphql', resource: 'orders', status: 200 }),
      { seq: 3, time: expect.any(Number), method: 'GET', path: '/nope', kind: 'other', query: {}, status: 404 },
    ]);
    expect(store.requestLog.map((e) => e.graphql?.fields)).toEqual([['orders'], ['ordersCount'], undefined]);
  });

  it('close() ends hung connections', async () => {
    const s = createShopifyStore({ faults: [{ kind: 'hang' }] });
    const u = await s.listen(0);
    const pending = fetch(`${u}/admin/api/${VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
      body: JSON.stringify({ query: PAGE }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });
});
