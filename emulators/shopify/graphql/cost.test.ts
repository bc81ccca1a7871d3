import { createShopifyStore, type ShopifyStore } from '../index';
import { gql } from './test-gql';

const ONE_PRODUCT = '{ products(first: 1) { edges { node { title } } } }';

describe('Shopify store emulator: GraphQL cost, throttling and errors', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({ orders: 60 });
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it("costs a query as Shopify's docs do: objects 1, connections 2 + first × node, scalars 0", async () => {
    const reply = await gql(url, ONE_PRODUCT);
    // The documented example: products(first: 1) { edges { node { title } } } costs 3.
    expect(reply.body.extensions.cost).toMatchObject({ requestedQueryCost: 3, actualQueryCost: 3 });
    expect(reply.body.extensions.cost.throttleStatus).toEqual({
      maximumAvailable: 2000,
      currentlyAvailable: expect.any(Number),
      restoreRate: 100,
    });
    const nested = await gql(
      url,
      `{ shop { name } orders(first: 5) { nodes { id totalPriceSet { shopMoney { amount } } lineItems(first: 10) {
         nodes { id } } } } }`,
    );
    // shop 1; orders 2 + 5 × (order 1 + MoneyBag 1 + MoneyV2 1 + lineItems (2 + 10 × 1)) = 77.
    expect(nested.body.extensions.cost.requestedQueryCost).toBe(78);
    // Orders have fewer than 10 line items: the actual cost is lower and the difference is refunded.
    expect(nested.body.extensions.cost.actualQueryCost).toBeLessThan(78);
    const nodes = await gql(url, '{ nodes(ids: ["gid://shopify/Order/1", "gid://shopify/Order/2", "x"]) { id } }');
    expect(nodes.body.extensions.cost).toMatchObject({ requestedQueryCost: 3, actualQueryCost: 0 });
  });

  it('reports the bucket, throttles with HTTP 200 THROTTLED when it is empty, and refills at restoreRate', async () => {
    // A small bucket that refills slowly, so a few queries drain it.
    const limited = createShopifyStore({
      orders: 60,
      graphql: { costLimit: { maximumAvailable: 100, restoreRate: 10 } },
    });
    const url = await limited.listen(0);
    try {
      await drainAndRefill(limited, url);
    } finally {
      await limited.close();
    }
  });

  async function drainAndRefill(store: ShopifyStore, url: string) {
    const query = '{ orders(first: 30) { nodes { id } } }'; // 2 + 30 = 32 points
    let throttled;
    for (let k = 0; k < 10 && !throttled; k++) {
      const reply = await gql(url, query);
      expect(reply.status).toBe(200);
      if (reply.body.errors) throttled = reply.body;
      else {
        expect(reply.body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 10 });
      }
    }
    expect(throttled).toBeDefined();
    expect(throttled.errors).toEqual([
      { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: expect.any(String) } },
    ]);
    expect(throttled.data).toBeUndefined();
    const { requestedQueryCost, actualQueryCost, throttleStatus } = throttled.extensions.cost;
    expect({ requestedQueryCost, actualQueryCost }).toEqual({ requestedQueryCost: 32, actualQueryCost: null });
    expect(throttleStatus.currentlyAvailable).toBeLessThan(32);
    const entry = store.requestLog[store.requestLog.length - 1];
    expect(entry).toMatchObject({ kind: 'graphql', resource: 'orders', status: 200 });
    expect(entry.graphql).toEqual({
      fields: ['orders'],
      variables: {},
      code: 'THROTTLED',
      requestedCost: 32,
      actualCost: null,
    });
    // Waiting exactly as long as the status says is enough.
    const waitMs = ((32 - throttleStatus.currentlyAvailable) / throttleStatus.restoreRate) * 1000 + 50;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const after = await gql(url, query);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.orders.nodes).toHaveLength(30);
  }

  it('a competing client of the same app empties the bucket and keeps spending its restore, then lets it refill', async () => {
    const limited = createShopifyStore({
      orders: 60,
      graphql: { costLimit: { maximumAvailable: 200, restoreRate: 100 } },
    });
    const base = await limited.listen(0);
    try {
      const query = '{ orders(first: 10) { nodes { id } } }'; // 12 points
      const storm = limited.graphql.competingClient({ burst: Infinity, pointsPerSecond: 100, durationMs: 600 });
      const during = await gql(base, query);
      expect(during.body.errors?.[0]?.extensions?.code).toBe('THROTTLED');
      expect(during.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(12);
      // The burst took the whole bucket, then about 100 points/s for 0.6 s.
      expect(await storm).toBeGreaterThan(200 + 40);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await gql(base, query);
      expect(after.body.errors).toBeUndefined();
      expect(after.body.data.orders.nodes).toHaveLength(10);
    } finally {
      await limited.close();
    }
  });

  it('never throttles a store without rate limit (rateLimit: false, the CLI’s --no-rate-limit)', async () => {
    const unlimited = createShopifyStore({ orders: 300, rateLimit: false });
    const base = await unlimited.listen(0);
    try {
      // 12 × 250 points is more than the Standard bucket holds.
      for (let k = 0; k < 12; k++) {
        const reply = await gql(base, '{ orders(first: 248) { nodes { id } } }');
        expect(reply.body.errors).toBeUndefined();
        expect(reply.body.extensions.cost.requestedQueryCost).toBe(250);
      }
    } finally {
      await unlimited.close();
    }
  });

  it('refuses a query whose requested cost exceeds 1,000 with MAX_COST_EXCEEDED, before running it', async () => {
    const reply = await gql(url, '{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toBeUndefined();
    expect(reply.body.errors[0]).toMatchObject({
      message: expect.stringContaining('Query cost is 3252, which exceeds the single query max cost limit (1000)'),
      extensions: { code: 'MAX_COST_EXCEEDED', cost: 3252, maxCost: 1000 },
    });
  });

  it('rejects first > 250 and a connection without first or last, in the path of the field', async () => {
    const tooMany = await gql(url, '{ orders(first: 251) { nodes { id } } }');
    expect(tooMany.status).toBe(200);
    expect(tooMany.body.data).toBeNull();
    expect(tooMany.body.errors[0]).toMatchObject({
      message: expect.stringContaining("Argument 'first' on Field 'orders' has an invalid value (251)"),
      path: ['orders'],
    });
    const none = await gql(url, '{ customers { nodes { id } } }');
    expect(none.body.errors[0]).toMatchObject({
      message: 'you must provide one of first or last',
      path: ['customers'],
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('answers validation errors with HTTP 200, Shopify’s wording and the location, and runs nothing', async () => {
    const reply = await gql(url, '{ products(first: 1) { nodes { id bodyHtml } } }');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      errors: [
        {
          message: "Field 'bodyHtml' doesn't exist on type 'Product'",
          locations: [{ line: 1, column: 35 }],
          extensions: { code: 'undefinedField', typeName: 'Product', fieldName: 'bodyHtml' },
        },
      ],
    });
    const syntax = await gql(url, '{ products(first: 1) { nodes { id }');
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors[0].message).toMatch(/^Syntax Error/);
  });

  it('authenticates: a wrong token is a 401, a body without a query a 400', async () => {
    const bad = await gql(url, ONE_PRODUCT, undefined, { token: 'shpat_wrong' });
    expect(bad.status).toBe(401);
    expect(bad.body.errors).toMatch(/Invalid API key or access token/);
    const res = await fetch(`${url}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': 'shpat_demo_token', 'Content-Type': 'application/json' },
      body: '{"variables":{}}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: { query: 'Required parameter missing or invalid' } });
  });

  it('denies a field outside the granted scopes with ACCESS_DENIED naming the scope', async () => {
    const scoped = createShopifyStore({ orders: 5, graphql: { accessScopes: ['read_products'] } });
    const base = await scoped.listen(0);
    try {
      const reply = await gql(base, '{ orders(first: 1) { nodes { id } } }');
      expect(reply.status).toBe(200);
      expect(reply.body.errors[0]).toMatchObject({
        message: 'Access denied for orders field. Required access: `read_orders` access scope.',
        extensions: { code: 'ACCESS_DENIED' },
      });
    } finally {
      await scoped.close();
    }
  });

  it('a rate-limit fault rule answers THROTTLED (HTTP 200), never 429', async () => {
    store.setFaults([{ kind: 'rate-limit', from: 1, times: 3 }]);
    try {
      const codes: string[] = [];
      for (let k = 0; k < 4; k++) {
        const reply = await gql(url, ONE_PRODUCT);
        expect(reply.status).toBe(200);
        codes.push(reply.body.errors?.[0].extensions.code ?? 'OK');
        if (k === 0) expect(reply.body.extensions.cost).toMatchObject({ requestedQueryCost: 3, actualQueryCost: null });
      }
      expect(codes).toEqual(['THROTTLED', 'THROTTLED', 'THROTTLED', 'OK']);
    } finally {
      store.setFaults([]);
    }
  });

  it('applies the store’s fault rules to GraphQL requests too', async () => {
    store.setFaults([{ kind: 'status', status: 503, nth: 1 }]);
    try {
      const failed = await gql(url, '{ shop { name } }');
      expect(failed.status).toBe(503);
      const ok = await gql(url, '{ shop { name } }');
      expect(ok.status).toBe(200);
    } finally {
      store.setFaults([]);
    }
  });
});
