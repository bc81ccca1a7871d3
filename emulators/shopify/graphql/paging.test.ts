import { createShopifyStore, type ShopifyStore } from '../index';
import { data, gql, pageAll } from './test-gql';

type Rec = Record<string, unknown>;
// Test-only: the store's records and the replies are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const instant = (ts: unknown) => new Date(ts as string).getTime();

describe('Shopify store emulator: GraphQL paging and search', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({
      orders: 700,
      customers: 120,
      products: 30,
      large: { productVariants: [130], orderLineItems: [300] },
      graphql: { costLimit: false },
    });
    url = await store.listen(0);
  });
  afterAll(() => store.close());

  it('paging orders end to end yields every order once, in id order, with the values of the store’s record', async () => {
    const nodes = await pageAll(
      url,
      'orders',
      `legacyResourceId name email displayFinancialStatus displayFulfillmentStatus updatedAt cancelledAt
       totalPriceSet { shopMoney { amount currencyCode } } customer { legacyResourceId }`,
      'sortKey: ID',
      97,
    );
    const orders = [...store.records('orders')] as Any[];
    expect(nodes.map((n) => Number(n.legacyResourceId))).toEqual(orders.map((o) => o.id));
    nodes.forEach((n: Any, k) => {
      const o = orders[k];
      expect(n.name).toBe(o.name);
      expect(n.email).toBe(o.email || null);
      expect(n.displayFinancialStatus).toBe(o.financial_status.toUpperCase());
      expect(n.displayFulfillmentStatus).toBe(
        o.fulfillment_status === null
          ? 'UNFULFILLED'
          : o.fulfillment_status === 'partial'
            ? 'PARTIALLY_FULFILLED'
            : 'FULFILLED',
      );
      expect(n.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(instant(n.updatedAt)).toBe(instant(o.updated_at));
      expect(n.cancelledAt === null).toBe(o.cancelled_at === null);
      expect(n.totalPriceSet.shopMoney).toEqual({ amount: o.total_price, currencyCode: 'USD' });
      expect(n.customer?.legacyResourceId ?? null).toBe(o.customer ? String(o.customer.id) : null);
    });
  });

  it('orders include closed and cancelled ones: no status=open default (only a status search narrows them)', async () => {
    const count = await data(
      url,
      '{ ordersCount { count precision } open: ordersCount(query: "status:open") { count } }',
    );
    const orders = [...store.records('orders')] as Any[];
    expect(count.ordersCount).toEqual({ count: 700, precision: 'EXACT' });
    expect(count.open.count).toBe(orders.filter((o) => o.closed_at === null && o.cancelled_at === null).length);
    expect(count.open.count).toBeLessThan(700);
  });

  it('counts stop at `limit` (10,000 by default) with precision AT_LEAST', async () => {
    const capped = await data(
      url,
      '{ ordersCount(limit: 500) { count precision } productsCount(limit: null) { count } }',
    );
    expect(capped.ordersCount).toEqual({ count: 500, precision: 'AT_LEAST' });
    expect(capped.productsCount.count).toBe(30);
  });

  it('a product with 130 variants: GraphQL pages all of them, as records() holds them', async () => {
    const big = ([...store.records('products')] as Any[]).find((p) => p.variants.length === 130);
    expect(big).toBeDefined();
    const gidOf = `gid://shopify/Product/${big.id}`;
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: Any = await data(
        url,
        `query($id: ID!, $after: String) { product(id: $id) { variantsCount { count }
          variants(first: 50, after: $after) { nodes { id title position selectedOptions { name value } }
          pageInfo { hasNextPage endCursor } } } }`,
        { id: gidOf, after },
      );
      expect(res.product.variantsCount.count).toBe(130);
      ids.push(...res.product.variants.nodes.map((v: Any) => v.id));
      if (!res.product.variants.pageInfo.hasNextPage) break;
      after = res.product.variants.pageInfo.endCursor;
    }
    expect(ids).toEqual(big.variants.map((v: Any) => `gid://shopify/ProductVariant/${v.id}`));
    expect(new Set(ids).size).toBe(130);
  });

  it('an order with 300 line items needs two pages of 250', async () => {
    const big = ([...store.records('orders')] as Any[]).find((o) => o.line_items.length === 300);
    expect(big).toBeDefined();
    const query = `query($id: ID!, $after: String) { order(id: $id) {
      lineItems(first: 250, after: $after) { nodes { id quantity } pageInfo { hasNextPage endCursor } } } }`;
    const first: Any = await data(url, query, { id: `gid://shopify/Order/${big.id}` });
    expect(first.order.lineItems.nodes).toHaveLength(250);
    expect(first.order.lineItems.pageInfo.hasNextPage).toBe(true);
    const second: Any = await data(url, query, {
      id: `gid://shopify/Order/${big.id}`,
      after: first.order.lineItems.pageInfo.endCursor,
    });
    expect(second.order.lineItems.pageInfo.hasNextPage).toBe(false);
    const ids = [...first.order.lineItems.nodes, ...second.order.lineItems.nodes].map((li: Any) => li.id);
    expect(ids).toEqual(big.line_items.map((li: Any) => `gid://shopify/LineItem/${li.id}`));
  });

  it('updated_at search with sortKey UPDATED_AT returns exactly the matches in (updated_at, id) order', async () => {
    const since = '2026-03-01T00:00:00Z';
    const nodes = await pageAll(
      url,
      'orders',
      'legacyResourceId updatedAt',
      `sortKey: UPDATED_AT, query: "updated_at:>='${since}'"`,
      37,
    );
    const expected = ([...store.records('orders')] as Any[])
      .filter((o) => instant(o.updated_at) >= instant(since))
      .sort((a, b) => instant(a.updated_at) - instant(b.updated_at) || a.id - b.id)
      .map((o) => String(o.id));
    expect(expected.length).toBeGreaterThan(100);
    expect(nodes.map((n) => n.legacyResourceId)).toEqual(expected);
  });

  it('reverse and last/before walk the same order backwards', async () => {
    const args = `sortKey: UPDATED_AT, query: "updated_at:>='2026-05-01T00:00:00Z' updated_at:<'2026-06-10T00:00:00Z'"`;
    const forward = (await pageAll(url, 'orders', 'id', args, 25)).map((n) => n.id);
    const reversed = (await pageAll(url, 'orders', 'id', `${args}, reverse: true`, 25)).map((n) => n.id);
    expect(forward.length).toBeGreaterThan(25);
    expect(reversed).toEqual([...forward].reverse());
    const backwards: unknown[] = [];
    let before: string | null = null;
    for (;;) {
      const page: Any = await data(
        url,
        `query($before: String) { orders(last: 25, before: $before, ${args}) { nodes { id } pageInfo { hasPreviousPage startCursor } } }`,
        { before },
      );
      backwards.unshift(...page.orders.nodes.map((n: Any) => n.id));
      if (!page.orders.pageInfo.hasPreviousPage) break;
      before = page.orders.pageInfo.startCursor;
    }
    expect(backwards).toEqual(forward);
  });

  it('created_at and id ranges filter, AND or a space joins terms', async () => {
    const orders = [...store.records('orders')] as Any[];
    const lo = orders[100];
    const hi = orders[200];
    const byDate = await pageAll(
      url,
      'orders',
      'legacyResourceId',
      `query: "created_at:>='${lo.created_at}' AND created_at:<='${hi.created_at}'"`,
    );
    const expected = orders.filter(
      (o) => instant(o.created_at) >= instant(lo.created_at) && instant(o.created_at) <= instant(hi.created_at),
    );
    expect(byDate.map((n) => Number(n.legacyResourceId))).toEqual(expected.map((o) => o.id));
    const byId = await pageAll(url, 'orders', 'legacyResourceId', `query: "id:>${lo.id} id:<=${hi.id}"`);
    expect(byId.map((n) => Number(n.legacyResourceId))).toEqual(orders.slice(101, 201).map((o) => o.id));
  });

  it('an unknown search field is ignored with a warning in extensions.search, as on Shopify', async () => {
    const reply = await gql(url, '{ products(first: 5, query: "colour:red") { nodes { id } } }');
    expect(reply.body.data.products.nodes).toHaveLength(5);
    expect(reply.body.extensions.search).toEqual([
      {
        path: ['products'],
        query: 'colour:red',
        warnings: [{ field: 'colour', message: 'Invalid search field for this query.' }],
      },
    ]);
  });

  it('an incremental query sees only what changed after mutate()', async () => {
    const mutable = createShopifyStore({ orders: 300, customers: 60, products: 10, graphql: { costLimit: false } });
    const base = await mutable.listen(0);
    try {
      const changed = mutable.mutate('orders', { update: 7, create: 3 });
      const nodes = await pageAll(
        base,
        'orders',
        'legacyResourceId',
        `sortKey: UPDATED_AT, query: "updated_at:>='2026-07-01T00:00:00Z'"`,
      );
      expect(nodes.map((n) => Number(n.legacyResourceId)).sort()).toEqual(
        [...changed.updated, ...changed.created].sort(),
      );
    } finally {
      await mutable.close();
    }
  });

  it('products and customers answer the values of the store’s records, field by field', async () => {
    const [p] = [...store.records('products')] as Any[];
    const product: Any = (
      await data(
        url,
        `query($id: ID!) { product(id: $id) { legacyResourceId title handle vendor productType status tags createdAt publishedAt
          variants(first: 1) { nodes { legacyResourceId sku price compareAtPrice inventoryQuantity barcode taxable
            inventoryItem { requiresShipping unitCost { amount currencyCode } } } } } }`,
        { id: `gid://shopify/Product/${p.id}` },
      )
    ).product;
    expect(product).toMatchObject({
      legacyResourceId: String(p.id),
      title: p.title,
      handle: p.handle,
      vendor: p.vendor,
      productType: p.product_type,
      status: p.status.toUpperCase(),
      tags: p.tags ? p.tags.split(', ') : [],
    });
    const v = p.variants[0];
    expect(product.variants.nodes[0]).toMatchObject({
      legacyResourceId: String(v.id),
      sku: v.sku,
      price: v.price,
      compareAtPrice: v.compare_at_price,
      inventoryQuantity: v.inventory_quantity,
      barcode: v.barcode,
      taxable: v.taxable,
      inventoryItem: { requiresShipping: v.requires_shipping },
    });
    const [c] = [...store.records('customers')] as Any[];
    const customer: Any = (
      await data(
        url,
        `query($id: ID!) { customer(id: $id) { legacyResourceId email firstName lastName state numberOfOrders
          amountSpent { amount currencyCode } defaultAddress { countryCodeV2 city } } }`,
        { id: `gid://shopify/Customer/${c.id}` },
      )
    ).customer;
    expect(customer).toEqual({
      legacyResourceId: String(c.id),
      email: c.email,
      firstName: c.first_name,
      lastName: c.last_name,
      state: c.state.toUpperCase(),
      numberOfOrders: String(c.orders_count),
      amountSpent: { amount: c.total_spent, currencyCode: c.currency },
      defaultAddress: c.default_address
        ? { countryCodeV2: c.default_address.country_code, city: c.default_address.city }
        : null,
    });
  });

  it('shop and granted scopes (the app’s default four)', async () => {
    const result: Rec = await data(
      url,
      '{ shop { name myshopifyDomain currencyCode ianaTimezone } currentAppInstallation { accessScopes { handle } } }',
    );
    expect(result).toEqual({
      shop: {
        name: 'demo-store',
        myshopifyDomain: 'demo-store.myshopify.com',
        currencyCode: 'USD',
        ianaTimezone: 'Etc/GMT+4',
      },
      currentAppInstallation: {
        accessScopes: [
          { handle: 'read_products' },
          { handle: 'read_customers' },
          { handle: 'read_orders' },
          { handle: 'read_all_orders' },
        ],
      },
    });
  });
});
