import { createShopifyStore, type ShopifyStore } from '../index';
import { data, gql, pageAll } from './test-gql';

// Test-only: records and replies are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const EVENTS = `query E($first: Int!, $after: String, $query: String, $reverse: Boolean) {
  events(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: $reverse) {
    nodes { id action createdAt message ... on BasicEvent { subjectId subjectType } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('Shopify store emulator: deleting records and destroy events', () => {
  let store: ShopifyStore;
  let url: string;
  let clock = Date.parse('2026-11-30T08:00:00Z');
  const orderCustomers = () => new Set([...store.records('orders')].map((o: Any) => o.customer?.id).filter(Boolean));

  beforeEach(async () => {
    clock = Date.parse('2026-11-30T08:00:00Z');
    store = createShopifyStore({ products: 8, customers: 30, orders: 40, now: () => new Date(clock) });
    url = await store.listen(0);
  });
  afterEach(() => store.close());

  it('a deleted product, order and customer leave records(), count(), GraphQL pages, counts and lookups', async () => {
    const [product] = [...store.records('products')] as Any[];
    const [order] = [...store.records('orders')] as Any[];
    const customer = ([...store.records('customers')] as Any[]).find((c) => !orderCustomers().has(c.id));
    store.delete('products', [product.id]);
    store.delete('orders', [order.id]);
    store.delete('customers', [customer.id]);

    for (const [resource, id, total] of [
      ['products', product.id, 7],
      ['orders', order.id, 39],
      ['customers', customer.id, 29],
    ] as const) {
      const paged = (await pageAll(url, resource, 'legacyResourceId', '', 7)).map((n) => Number(n.legacyResourceId));
      expect(paged).not.toContain(id);
      expect(paged).toHaveLength(total);
      expect(store.count(resource)).toBe(total);
      expect([...store.records(resource)].map((r) => r.id)).toEqual(paged);
    }
    const d = await data(
      url,
      `{ productsCount { count } ordersCount { count } customersCount { count }
         products(first: 250) { nodes { legacyResourceId } }
         product(id: "gid://shopify/Product/${product.id}") { id }
         order(id: "gid://shopify/Order/${order.id}") { id }
         customer(id: "gid://shopify/Customer/${customer.id}") { id } }`,
    );
    expect([d.productsCount.count, d.ordersCount.count, d.customersCount.count]).toEqual([7, 39, 29]);
    expect(d.products.nodes.map((n: Any) => Number(n.legacyResourceId))).not.toContain(product.id);
    expect([d.product, d.order, d.customer]).toEqual([null, null, null]);
  });

  it('a deleted variant leaves its product, whose updated_at moves; orders keep line items of deleted products', async () => {
    const product = ([...store.records('products')] as Any[]).find((p) => p.variants.length > 1);
    const [gone, kept] = product.variants;
    store.delete('variants', [gone.id]);
    const after = ([...store.records('products')] as Any[]).find((p) => p.id === product.id);
    expect(after.variants.map((v: Any) => v.id)).toEqual(product.variants.slice(1).map((v: Any) => v.id));
    expect(after.updated_at).toBe('2026-11-30T04:00:00-04:00');
    const changed = await data(
      url,
      `{ products(first: 5, query: "updated_at:>='2026-11-30T07:00:00Z'") { nodes { legacyResourceId } } }`,
    );
    expect(changed.products.nodes.map((n: Any) => Number(n.legacyResourceId))).toEqual([product.id]);
    const d = await data(
      url,
      `{ product(id: "gid://shopify/Product/${product.id}") { variants(first: 250) { nodes { id } } } }`,
    );
    expect(d.product.variants.nodes.map((n: Any) => n.id)).toContain(`gid://shopify/ProductVariant/${kept.id}`);
    expect(d.product.variants.nodes.map((n: Any) => n.id)).not.toContain(`gid://shopify/ProductVariant/${gone.id}`);

    const sold = ([...store.records('orders')] as Any[]).find((o) => o.line_items.some((l: Any) => l.product_id));
    const soldProduct = sold.line_items.find((l: Any) => l.product_id).product_id;
    store.delete('products', [soldProduct]);
    const still = ([...store.records('orders')] as Any[]).find((o) => o.id === sold.id);
    expect(still.line_items.map((l: Any) => l.product_id)).toContain(soldProduct);
  });

  it('logs one destroy BasicEvent per record, found by action, subject_type and created_at, paged', async () => {
    const products = ([...store.records('products')] as Any[]).slice(0, 3).map((p) => p.id);
    store.delete('products', products.slice(0, 2));
    clock += 60_000;
    store.delete('products', products.slice(2));
    const orderId = ([...store.records('orders')] as Any[])[0].id;
    store.delete('orders', [orderId]);

    const all = await data(url, EVENTS, { first: 10, query: 'action:destroy AND subject_type:PRODUCT' });
    expect(all.events.nodes.map((n: Any) => [n.action, n.subjectType, n.subjectId])).toEqual(
      products.map((id) => ['destroy', 'PRODUCT', `gid://shopify/Product/${id}`]),
    );
    expect(all.events.nodes[0].createdAt).toBe('2026-11-30T08:00:00Z');
    expect(all.events.nodes[0].id).toMatch(/^gid:\/\/shopify\/BasicEvent\/\d+$/);

    const later = await data(url, EVENTS, {
      first: 10,
      query: "action:destroy AND subject_type:PRODUCT AND created_at:>='2026-11-30T08:00:30Z'",
    });
    expect(later.events.nodes.map((n: Any) => n.subjectId)).toEqual([`gid://shopify/Product/${products[2]}`]);
    const orders = await data(url, EVENTS, { first: 10, query: 'action:destroy AND subject_type:ORDER' });
    expect(orders.events.nodes.map((n: Any) => n.subjectId)).toEqual([`gid://shopify/Order/${orderId}`]);
    const creates = await data(url, EVENTS, { first: 10, query: 'action:create' });
    expect(creates.events.nodes).toEqual([]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Any = await data(url, EVENTS, { first: 1, after, query: 'action:destroy' });
      seen.push(...page.events.nodes.map((n: Any) => n.subjectId));
      if (!page.events.pageInfo.hasNextPage) break;
      after = page.events.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(4);
    const reversed = await data(url, EVENTS, { first: 10, query: 'action:destroy', reverse: true });
    expect(reversed.events.nodes.map((n: Any) => n.subjectId)).toEqual([...seen].reverse());
  });

  it('reads the documented search grammar: OR in parentheses, NOT and -, an ignored field dropped with a warning', async () => {
    const [product] = ([...store.records('products')] as Any[]).map((p) => p.id);
    const [order] = ([...store.records('orders')] as Any[]).map((o) => o.id);
    const customer = ([...store.records('customers')] as Any[]).find((c) => !orderCustomers().has(c.id)).id;
    store.delete('products', [product]);
    clock += 60_000;
    store.delete('orders', [order]);
    store.delete('customers', [customer]);
    const subjects = async (query: string) => {
      const reply = await gql(url, EVENTS, { first: 10, query });
      return { ids: reply.body.data.events.nodes.map((n: Any) => n.subjectId), search: reply.body.extensions?.search };
    };

    const either = await subjects('action:destroy AND (subject_type:PRODUCT OR subject_type:CUSTOMER)');
    expect(either.ids).toEqual([`gid://shopify/Product/${product}`, `gid://shopify/Customer/${customer}`]);
    expect((await subjects('action:destroy -subject_type:PRODUCT NOT subject_type:ORDER')).ids).toEqual([
      `gid://shopify/Customer/${customer}`,
    ]);
    // What the sync sends: every subject at once, since a time.
    const since = await subjects(
      "action:destroy AND (subject_type:PRODUCT OR subject_type:ORDER OR subject_type:CUSTOMER) AND created_at:>='2026-11-30T08:00:30Z'",
    );
    expect(since.ids).toEqual([`gid://shopify/Order/${order}`, `gid://shopify/Customer/${customer}`]);
    // An unknown field is ignored, as Shopify does, with a warning: the OR keeps its other term.
    const unknown = await subjects('action:destroy AND (subject_type:ORDER OR colour:red)');
    expect(unknown.ids).toEqual([`gid://shopify/Order/${order}`]);
    expect(JSON.stringify(unknown.search)).toContain('colour');

    const mixed = await gql(url, EVENTS, {
      first: 10,
      query: 'subject_type:ORDER OR subject_type:PRODUCT action:destroy',
    });
    expect(mixed.body.errors[0].message).toMatch(/mixes AND and OR without parentheses/);
  });

  it('refuses to delete a customer with orders, and deletes nothing of a call that fails', async () => {
    const [withOrders] = [...orderCustomers()] as number[];
    const free = ([...store.records('customers')] as Any[]).find((c) => !orderCustomers().has(c.id)).id;
    expect(() => store.delete('customers', [free, withOrders])).toThrow(/can't be deleted because they have orders/);
    expect(() => store.delete('products', [1])).toThrow(/no record with id 1/);
    expect(store.count('customers')).toBe(30);
    expect(store.count('products')).toBe(8);
    const events = await data(url, EVENTS, { first: 10, query: 'action:destroy' });
    expect(events.events.nodes).toEqual([]);
  });

  it('deletes without an event when told to (what reconciliation must find on its own)', async () => {
    const [order] = [...store.records('orders')] as Any[];
    store.delete('orders', [order.id], { events: false });
    expect(store.count('orders')).toBe(39);
    const events = await data(url, EVENTS, { first: 10, query: 'action:destroy' });
    expect(events.events.nodes).toEqual([]);
  });

  it('rejects a query the real schema rejects: subjectId is on BasicEvent, not on the Event interface', async () => {
    const reply = await gql(url, '{ events(first: 1) { nodes { subjectId } } }');
    expect(reply.body.errors[0].message).toMatch(/subjectId/);
  });
});
