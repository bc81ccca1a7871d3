import { createShopifyStore, type ShopifyStore } from '../index';
import { bulkStatus, data, jsonl, pageAll, reassemble, startBulk, waitForBulk } from './test-gql';

type Rec = Record<string, unknown>;
// Test-only: JSON records.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const ORDER_FIELDS = `id legacyResourceId name updatedAt displayFinancialStatus totalPriceSet { shopMoney { amount } }
  fulfillments { id createdAt } refunds { id totalRefundedSet { shopMoney { amount } } } discountCodes`;
const ORDERS_BULK = `{ orders { edges { node { ${ORDER_FIELDS}
  lineItems { edges { node { id title quantity originalUnitPriceSet { shopMoney { amount } } } } } } } } }`;
const PRODUCTS_BULK = `{ products { edges { node { id title variants { edges { node { id title price sku } } } } } } }`;

const childKey = (gid: string) => (gid.includes('/LineItem/') ? 'lineItems' : 'variants');

const LINE_ITEM_FIELDS = 'id title quantity originalUnitPriceSet { shopMoney { amount } }';

/** Orders paged the way an incremental sync reads them: nested line items drained page by page. */
async function pagedOrders(url: string): Promise<Rec[]> {
  const paged = await pageAll(
    url,
    'orders',
    `${ORDER_FIELDS} lineItems(first: 5) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }`,
    '',
    30,
  );
  const out: Rec[] = [];
  for (const order of paged as Any[]) {
    const { lineItems, ...rest } = order;
    const items = [...lineItems.nodes];
    let page = lineItems.pageInfo;
    while (page.hasNextPage) {
      const more: Any = await data(
        url,
        `query($id: ID!, $after: String) { order(id: $id) { lineItems(first: 250, after: $after) {
          nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } } } }`,
        { id: order.id, after: page.endCursor },
      );
      items.push(...more.order.lineItems.nodes);
      page = more.order.lineItems.pageInfo;
    }
    out.push(items.length ? { ...rest, lineItems: items } : rest);
  }
  return out;
}

async function download(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

describe('Shopify store emulator: bulk operations', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({
      orders: 600,
      customers: 80,
      products: 40,
      large: { productVariants: [130], orderLineItems: [300] },
      graphql: { costLimit: false },
    });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  afterEach(() => store.graphql.setBulkFaults([]));

  it('exports orders with line items as ungrouped JSONL that reassembles (by __parentId) into the paged records', async () => {
    store.graphql.resetBulkCounts();
    const started = await startBulk(url, ORDERS_BULK);
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation.status).toBe('CREATED');
    const op = await waitForBulk(url, started.bulkOperation.id);
    expect(op).toMatchObject({ status: 'COMPLETED', errorCode: null, rootObjectCount: '600' });
    const file = await download(op.url);
    expect(file.status).toBe(200);
    expect(String(Buffer.byteLength(file.text))).toBe(op.fileSize);
    const lines = jsonl(file.text);
    expect(String(lines.length)).toBe(op.objectCount);

    // Children are separate lines, never inlined, and some come before their parent.
    const position = new Map(lines.map((l, k) => [l.id, k]));
    const children = lines.filter((l) => l.__parentId !== undefined);
    expect(children.length).toBeGreaterThan(600);
    expect(children.some((c) => position.get(c.__parentId)! > position.get(c.id)!)).toBe(true);
    expect(children.some((c) => position.get(c.id)! - position.get(c.__parentId)! > 100)).toBe(true);
    expect(lines.some((l) => 'lineItems' in l)).toBe(false);

    const expected = await pagedOrders(url);
    const rebuilt = reassemble(lines, childKey);
    expect(rebuilt).toEqual(expected);
    const big = rebuilt.find((o: Any) => o.lineItems?.length === 300);
    expect(big).toBeDefined();
    expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 0, customers: 0, orders: 1 });
    expect(store.graphql.bulkOperations().find((o) => o.id === op.id)).toMatchObject({
      resource: 'orders',
      downloads: 1,
    });
  });

  it('exports every variant of a 130-variant product, and groupObjects puts children right after their parent', async () => {
    const started = await startBulk(url, PRODUCTS_BULK, { groupObjects: true });
    const op = await waitForBulk(url, started.bulkOperation.id);
    const lines = jsonl((await download(op.url)).text);
    let parent: Rec | undefined;
    for (const line of lines) {
      if (line.__parentId === undefined) parent = line;
      else expect(line.__parentId).toBe(parent?.id);
    }
    const products = reassemble(lines, childKey) as Any[];
    const records = [...store.records('products')] as Any[];
    expect(products.map((p) => p.id)).toEqual(records.map((p) => `gid://shopify/Product/${p.id}`));
    products.forEach((p, k) =>
      expect(p.variants.map((v: Any) => v.sku)).toEqual(records[k].variants.map((v: Any) => v.sku)),
    );
    expect(products.some((p) => p.variants.length === 130)).toBe(true);
  });

  it('honours the search query of the top-level connection (narrower updated_at windows)', async () => {
    const window = `updated_at:>='2026-04-01T00:00:00Z' updated_at:<'2026-05-01T00:00:00Z'`;
    const started = await startBulk(url, `{ orders(query: "${window}") { edges { node { id updatedAt } } } }`);
    const op = await waitForBulk(url, started.bulkOperation.id);
    const lines = jsonl((await download(op.url)).text);
    const expected = (await pageAll(url, 'orders', 'id updatedAt', `query: "${window}"`)).length;
    expect(expected).toBeGreaterThan(10);
    expect(lines).toHaveLength(expected);
    for (const line of lines as Any[]) {
      expect(line.updatedAt >= '2026-04-01T00:00:00Z' && line.updatedAt < '2026-05-01T00:00:00Z').toBe(true);
    }
  });

  it.each([
    ['no connection', '{ shop { name } }', 'at least one connection'],
    ['a top-level node field', '{ node(id: "gid://shopify/Order/1") { id } }', 'top level `node`'],
    [
      'more than two levels of nested connections',
      '{ orders { edges { node { id lineItems { edges { node { id product { variants { edges { node { id } } } } } } } } } } }',
      'nesting depth greater than 2',
    ],
    [
      'a nested connection whose parent does not select id',
      '{ products { edges { node { title variants { edges { node { id } } } } } } }',
      "must select the 'id' field",
    ],
    ['a query that fails validation', '{ products { edges { node { id nope } } } }', 'Cannot query field "nope"'],
  ])('rejects %s with a userError, starting nothing', async (_name, inner, message) => {
    store.graphql.resetBulkCounts();
    const started = await startBulk(url, inner);
    expect(started.bulkOperation).toBeNull();
    expect(started.userErrors).toHaveLength(1);
    expect(started.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['query'] });
    if (message) expect(started.userErrors[0].message).toContain(message);
    expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 0, customers: 0, orders: 0 });
  });

  it('rejects more than five connections and depth above two', async () => {
    const six = `{ orders { edges { node { id lineItems { edges { node { id } } } a: lineItems { edges { node { id } } }
      b: lineItems { edges { node { id } } } c: lineItems { edges { node { id } } } d: lineItems { edges { node { id } } } } } } }`;
    expect((await startBulk(url, six)).userErrors[0].message).toContain('more than 5 connections');
  });
});

describe('Shopify store emulator: bulk operation lifecycle and faults', () => {
  let store: ShopifyStore;
  let url: string;

  beforeAll(async () => {
    store = createShopifyStore({
      orders: 300,
      customers: 50,
      products: 20,
      graphql: { costLimit: false, bulk: { durationMs: 400 } },
    });
    url = await store.listen(0);
  });
  afterAll(() => store.close());
  afterEach(() => store.graphql.setBulkFaults([]));

  it('stays RUNNING for the configured duration, then completes', async () => {
    const started = await startBulk(url, PRODUCTS_BULK);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await bulkStatus(url, started.bulkOperation.id)).status).toBe('RUNNING');
    expect((await data(url, '{ currentBulkOperation { id } }')).currentBulkOperation.id).toBe(started.bulkOperation.id);
    expect((await waitForBulk(url, started.bulkOperation.id)).status).toBe('COMPLETED');
  });

  it('allows 5 concurrent operations from API 2026-01 and one before', async () => {
    const ids: string[] = [];
    for (let k = 0; k < 5; k++) {
      const started = await startBulk(url, PRODUCTS_BULK);
      expect(started.userErrors).toEqual([]);
      ids.push(started.bulkOperation.id);
    }
    const sixth = await startBulk(url, PRODUCTS_BULK);
    expect(sixth.userErrors[0]).toMatchObject({ code: 'LIMIT_REACHED' });
    for (const id of ids) await waitForBulk(url, id);

    const first = await startBulk(url, PRODUCTS_BULK, { version: '2025-10' });
    const second = await startBulk(url, PRODUCTS_BULK, { version: '2025-10' });
    expect(second.bulkOperation).toBeNull();
    expect(second.userErrors[0]).toMatchObject({
      code: 'OPERATION_IN_PROGRESS',
      message: expect.stringContaining(first.bulkOperation.id),
    });
    await waitForBulk(url, first.bulkOperation.id);
  });

  it.each(['INTERNAL_SERVER_ERROR', 'TIMEOUT'] as const)(
    'FAILED with %s leaves partial data behind partialDataUrl',
    async (errorCode) => {
      store.graphql.setBulkFaults([{ errorCode, resource: 'orders', partialRecords: 120 }]);
      const started = await startBulk(url, `{ orders { edges { node { id name } } } }`);
      const op = await waitForBulk(url, started.bulkOperation.id);
      expect(op).toMatchObject({ status: 'FAILED', errorCode, url: null, rootObjectCount: '120' });
      const partial = jsonl((await download(op.partialDataUrl)).text);
      expect(partial).toHaveLength(120);
      expect(partial[0]).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Order\//), name: '#1001' });
    },
  );

  it('a widerThan fault fails only operations matching more records than that', async () => {
    store.graphql.setBulkFaults([{ errorCode: 'TIMEOUT', resource: 'orders', widerThan: 100 }]);
    const wide = await waitForBulk(
      url,
      (await startBulk(url, `{ orders { edges { node { id } } } }`)).bulkOperation.id,
    );
    expect(wide).toMatchObject({ status: 'FAILED', errorCode: 'TIMEOUT', rootObjectCount: '101' });
    const narrow = await waitForBulk(
      url,
      (await startBulk(url, `{ orders(query: "updated_at:>='2026-04-16T12:12:21Z'") { edges { node { id } } } }`))
        .bulkOperation.id,
    );
    expect(narrow).toMatchObject({ status: 'COMPLETED', errorCode: null });
    expect(Number(narrow.rootObjectCount)).toBe(50);
  });

  it('FAILED with ACCESS_DENIED when the app lacks the scope, with no data', async () => {
    store.graphql.setAccessScopes(['read_products', 'read_orders']);
    try {
      const started = await startBulk(url, `{ customers { edges { node { id } } } }`);
      const op = await waitForBulk(url, started.bulkOperation.id);
      expect(op).toMatchObject({ status: 'FAILED', errorCode: 'ACCESS_DENIED', url: null, partialDataUrl: null });
    } finally {
      store.graphql.setAccessScopes(['read_products', 'read_customers', 'read_orders']);
    }
  });

  it('an operation cancelled by someone else ends CANCELED without a URL', async () => {
    const started = await startBulk(url, `{ orders { edges { node { id } } } }`);
    store.graphql.cancelBulkOperation(started.bulkOperation.id);
    expect(['CANCELING', 'CANCELED']).toContain((await bulkStatus(url, started.bulkOperation.id)).status);
    const op = await waitForBulk(url, started.bulkOperation.id);
    expect(op).toMatchObject({ status: 'CANCELED', url: null });
  });

  it('bulkOperationCancel cancels a running operation', async () => {
    const started = await startBulk(url, `{ orders { edges { node { id } } } }`);
    const cancel = await data(
      url,
      `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`,
      { id: started.bulkOperation.id },
    );
    expect(cancel.bulkOperationCancel).toEqual({ bulkOperation: { status: 'CANCELING' }, userErrors: [] });
    expect((await waitForBulk(url, started.bulkOperation.id)).status).toBe('CANCELED');
  });

  it('an expired result URL answers like expired signed storage, and the operation reads EXPIRED', async () => {
    const started = await startBulk(url, PRODUCTS_BULK);
    const op = await waitForBulk(url, started.bulkOperation.id);
    expect((await download(op.url)).status).toBe(200);
    store.graphql.expireBulkResults();
    const expired = await download(op.url);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('<Code>ExpiredToken</Code>');
    expect((await bulkStatus(url, op.id)).status).toBe('EXPIRED');
    expect((await download(op.url.replace(/signature=\w+/, 'signature=forged'))).status).toBe(403);
  });

  it('a resultExpired fault completes the nth operation with a result already expired, the next one readable', async () => {
    store.graphql.setBulkFaults([{ resultExpired: true, resource: 'products', nth: 1 }]);
    const first = await waitForBulk(url, (await startBulk(url, PRODUCTS_BULK)).bulkOperation.id);
    expect(first.status).toBe('EXPIRED');
    expect((await download(first.url)).status).toBe(400);
    const second = await waitForBulk(url, (await startBulk(url, PRODUCTS_BULK)).bulkOperation.id);
    expect(second.status).toBe('COMPLETED');
    expect((await download(second.url)).status).toBe(200);
  });

  it('result URLs expire after bulk.urlTtlMs', async () => {
    const shortLived = createShopifyStore({ products: 5, graphql: { bulk: { urlTtlMs: 300 } } });
    const base = await shortLived.listen(0);
    try {
      const started = await startBulk(base, PRODUCTS_BULK);
      const op = await waitForBulk(base, started.bulkOperation.id);
      expect(op.status).toBe('COMPLETED');
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await download(op.url)).status).toBe(400);
      expect((await bulkStatus(base, op.id)).status).toBe('EXPIRED');
      expect(shortLived.graphql.bulkOperations()).toEqual([expect.objectContaining({ status: 'EXPIRED' })]);
    } finally {
      await shortLived.close();
    }
  });

  it('bulkOperation(id) of an unknown id is null', async () => {
    expect(await bulkStatus(url, 'gid://shopify/BulkOperation/1')).toBeNull();
  });
});
