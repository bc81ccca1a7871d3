import { createShopifyStore, type ShopifyStore } from './index';
import { data, gql, pageAll } from './graphql/test-gql';

type Rec = Record<string, unknown>;

/**
 * The store's own model (`records()`, `count()`, `mutate()`) against what its GraphQL Admin API answers: paging,
 * counts and search must agree with the model, so tests that compare a sync with `records()` compare with the API.
 */
const instant = (value: unknown) => Date.parse(value as string);
const ids = (records: Iterable<Rec>) => [...records].map((r) => Number(r.id));
const legacyIds = (nodes: Rec[]) => nodes.map((n) => Number(n.legacyResourceId));
const isOpen = (o: Rec) => o.closed_at === null && o.cancelled_at === null;
const CONNECTION = { orders: 'orders', products: 'products', customers: 'customers' } as const;

describe('Shopify store emulator: the GraphQL API agrees with records()', () => {
  let store: ShopifyStore;
  let url: string;
  const orders = () => [...store.records('orders')];

  beforeAll(async () => {
    store = createShopifyStore({ orders: 1200, customers: 300, products: 40, rateLimit: false });
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('listens on a random port and reports its URL', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(store.url).toBe(url);
  });

  it('paging every order by id yields exactly records(), closed and cancelled ones included, with their values', async () => {
    const nodes = await pageAll(url, 'orders', 'legacyResourceId name createdAt updatedAt closedAt cancelledAt', '');
    const all = orders();
    expect(all).toHaveLength(1200);
    expect(all.filter(isOpen).length).toBeLessThan(all.length * 0.8);
    expect(legacyIds(nodes)).toEqual(ids(all));
    nodes.forEach((node, i) => {
      const o = all[i];
      expect([node.name, instant(node.createdAt), instant(node.updatedAt)]).toEqual([
        o.name,
        instant(o.created_at),
        instant(o.updated_at),
      ]);
      expect([node.closedAt === null, node.cancelledAt === null]).toEqual([
        o.closed_at === null,
        o.cancelled_at === null,
      ]);
    });
  });

  it('counts match count() and records(), by order status too', async () => {
    const all = orders();
    const counted = await data(
      url,
      `{ productsCount { count } customersCount { count } all: ordersCount(limit: null) { count }
         open: ordersCount(query: "status:open") { count } closed: ordersCount(query: "status:closed") { count }
         cancelled: ordersCount(query: "status:cancelled") { count } }`,
    );
    expect(counted).toEqual({
      productsCount: { count: store.count('products') },
      customersCount: { count: store.count('customers') },
      all: { count: 1200 },
      open: { count: all.filter(isOpen).length },
      closed: { count: all.filter((o) => o.closed_at !== null).length },
      cancelled: { count: all.filter((o) => o.cancelled_at !== null).length },
    });
    expect([store.count('products'), store.count('customers')]).toEqual([40, 300]);
  });

  it('created_at and updated_at search compare instants whatever the offset they are written in', async () => {
    const all = orders();
    const min = instant(all[300].created_at);
    const max = instant(all[900].created_at);
    // The same instants written in another offset, as a client in Tokyo might send them.
    const tokyo = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace('.000Z', '+09:00');
    const created = `created_at:>='${tokyo(min)}' AND created_at:<='${tokyo(max)}'`;
    const expected = all.filter((o) => instant(o.created_at) >= min && instant(o.created_at) <= max);
    expect(legacyIds(await pageAll(url, 'orders', 'legacyResourceId', `query: "${created}"`))).toEqual(ids(expected));
    const count = await data(url, `query($q: String) { ordersCount(query: $q, limit: null) { count } }`, {
      q: created,
    });
    expect(count.ordersCount.count).toBe(expected.length);

    const upMin = instant(all[1100].updated_at);
    const since = await pageAll(url, 'orders', 'legacyResourceId', `query: "updated_at:>='${tokyo(upMin)}'"`);
    expect(legacyIds(since)).toEqual(ids(all.filter((o) => instant(o.updated_at) >= upMin)));
    const upMax = instant(all[500].updated_at);
    const until = await pageAll(url, 'orders', 'legacyResourceId', `query: "updated_at:<='${tokyo(upMax)}'"`);
    expect(legacyIds(until)).toEqual(ids(all.filter((o) => instant(o.updated_at) <= upMax)));
  });

  it('rejects a wrong token with Shopify’s 401 body', async () => {
    const expected = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
    for (const token of [null, 'shpat_wrong']) {
      const reply = await gql(url, '{ shop { name } }', undefined, { token });
      expect([reply.status, reply.body]).toEqual([401, expected]);
    }
  });
});

describe('Shopify store emulator: mutate() and incremental search', () => {
  let clock = new Date('2026-07-20T15:30:00Z');
  const store = createShopifyStore({ seed: 7, orders: 3000, rateLimit: false, now: () => clock });
  let url: string;

  beforeAll(async () => {
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('nothing matches an updated_at after the data was generated', async () => {
    const reply = await data(
      url,
      `{ orders(first: 250, query: "updated_at:>='2026-07-01T00:00:00Z'") {
      nodes { id } pageInfo { hasNextPage } } }`,
    );
    expect(reply.orders).toEqual({ nodes: [], pageInfo: { hasNextPage: false } });
  });

  it.each(['orders', 'products', 'customers'] as const)(
    'updated_at search after mutate() returns exactly the mutated and created %s, and records() agrees',
    async (resource) => {
      const before = store.count(resource);
      const since = clock.toISOString();
      const { updated, created } = store.mutate(resource, { update: 7, create: 3 });
      expect([updated.length, created.length, store.count(resource)]).toEqual([7, 3, before + 3]);
      expect(Math.min(...created)).toBeGreaterThan(Math.max(...ids(store.records(resource)).slice(0, before)));

      const q = `updated_at:>='${since}'`;
      const nodes = await pageAll(
        url,
        CONNECTION[resource],
        'legacyResourceId createdAt updatedAt',
        `sortKey: UPDATED_AT, query: "${q}"`,
        4,
      );
      expect(legacyIds(nodes).sort()).toEqual([...updated, ...created].sort());
      const count = await data(url, `query($q: String) { ${resource}Count(query: $q) { count } }`, { q });
      expect(count[`${resource}Count`].count).toBe(10);
      for (const node of nodes) expect(instant(node.updatedAt)).toBe(clock.getTime());
      for (const node of nodes.filter((n) => created.includes(Number(n.legacyResourceId))))
        expect(instant(node.createdAt)).toBe(clock.getTime());

      const byId = new Map([...store.records(resource)].map((r) => [r.id, r]));
      for (const id of [...updated, ...created]) expect(instant(byId.get(id)!.updated_at)).toBe(clock.getTime());
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
