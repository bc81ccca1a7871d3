import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'csv-parse/sync';
import { RESOURCE_NAMES, type ResourceName, type SyncInput, type SyncResult } from '../../common/contract';
import { watermarkKey } from '../../activities/store/metadata';
import { EQUAL } from '../helpers/compare';
import { compareWithServed } from '../helpers/compare-served';
import { activityRuns } from '../helpers/faults-inspect';
import { CONTROLS, HUGE } from '../helpers/hostile-records';
import { baseNodes, hostileNodes, nestedNodes } from '../helpers/hostile-nodes';
import { startStaticGraphqlShop, type StaticGraphqlShop } from '../helpers/static-graphql-shop';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

/**
 * Records the emulator never generates, served byte for byte by a small GraphQL Admin API, synced by the real workflow
 * (a first sync, which pages) on a real Temporal dev server. Each run must end (completed, or failed non-retryably
 * with a message that says what happened) and what it stored must be exactly what was served.
 */

type Rec = Record<string, unknown>;
const STORE = 'e2e-store';
const MAX_SAFE = '9007199254740991'; // 2^53 - 1
const TOO_BIG = '9007199254740993'; // 2^53 + 1: a JS number rounds it to 2^53

/** Nodes as pages of JSON texts, `perPage` a page (JSON.stringify writes lone surrogates as `\udXXX` escapes). */
function paged(nodes: Rec[], perPage = nodes.length): string[][] {
  const pages: string[][] = [];
  for (let i = 0; i < nodes.length || pages.length === 0; i += perPage) {
    pages.push(nodes.slice(i, i + perPage).map((n) => JSON.stringify(n)));
  }
  return pages;
}

/** A node with the numeric id `digits` (its GID and legacyResourceId; GID only for types without one). */
function withId(node: Rec, digits: string): Rec {
  const gid = String(node.id).replace(/\/\d+$/, `/${digits}`);
  return 'legacyResourceId' in node ? { ...node, id: gid, legacyResourceId: digits } : { ...node, id: gid };
}

describe('hostile data from Shopify (real Temporal, a static GraphQL Admin API, real SQLite)', () => {
  let env: TestWorkflowEnvironment;
  const cleanups: Array<() => Promise<void> | void> = [];
  const figures: string[] = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await env?.teardown();
    if (figures.length) console.log(`Hostile data figures:\n${figures.join('\n')}`);
  });

  async function sync(pages: Partial<Record<ResourceName, string[][]>>, input: SyncInput = {}) {
    const shop = await startStaticGraphqlShop({ pages });
    const data = tempDir('shopify-hostile-');
    cleanups.push(
      () => shop.close(),
      () => data.cleanup(),
    );
    const started = Date.now();
    const outcome = await runSyncInProcess(env, testConfig(data.dir, shop.url), input).then(
      (result) => ({ result, failure: undefined }),
      (failure: unknown) => ({ result: undefined, failure }),
    );
    return { shop, dir: data.dir, elapsed: Date.now() - started, ...outcome };
  }

  function expectExact(dir: string, shop: StaticGraphqlShop): number {
    const db = openReadOnly(dir);
    const comparison = compareWithServed(db, (name) => shop.nodes(name));
    db.close();
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
    return comparison.rowsCompared;
  }

  const legacyId = (node: Rec) => Number(node.legacyResourceId);

  it('1 MB strings, every control character, formulas, RTL, emoji, unselected fields: stored exactly as served', async () => {
    const { products, customers, orders } = await hostileNodes();

    const { shop, dir, result, failure, elapsed } = await sync({
      products: paged(products),
      customers: paged(customers),
      orders: paged(orders, 5),
    });
    expect(failure).toBeUndefined();
    expect(result?.resources.orders).toMatchObject({ records: 12, pages: 3 });
    const rows = expectExact(dir, shop);

    const db = openReadOnly(dir);
    const note = (id: number) => (db.prepare('SELECT note FROM orders WHERE id = ?').get(id) as { note: string }).note;
    expect(note(legacyId(orders[0]))).toBe(HUGE);
    expect(note(legacyId(orders[1]))).toBe(`before${CONTROLS}after`);
    const rawOf = (table: string, id: number) =>
      JSON.parse((db.prepare(`SELECT raw_json FROM ${table} WHERE id = ?`).get(id) as { raw_json: string }).raw_json);
    expect(rawOf('orders', legacyId(orders[4])).xFutureField).toEqual(orders[4].xFutureField);
    expect(rawOf('orders', legacyId(orders[4])).lineItems.nodes[0].xFutureItemField).toBe('kept');
    expect(rawOf('products', legacyId(products[1])).newTopLevel).toBe('hello');
    expect(db.prepare('SELECT title FROM products WHERE id = ?').get(legacyId(products[0]))).toEqual({
      title: products[0].title,
    });
    expect(db.prepare('SELECT first_name FROM customers WHERE id = ?').get(legacyId(customers[0]))).toEqual({
      first_name: customers[0].firstName,
    });
    db.close();

    // The CSV export parses back to the same text (formulas neutralized with a leading ').
    const csv = parse(fs.readFileSync(path.join(dir, 'orders.csv')), { columns: true, bom: true }) as Rec[];
    expect(csv.find((r) => r.id === String(legacyId(orders[1])))?.note).toBe(`before${CONTROLS}after`);
    expect(csv.find((r) => r.id === String(legacyId(orders[0])))?.note).toBe(HUGE);
    const items = parse(fs.readFileSync(path.join(dir, 'line_items.csv')), { columns: true }) as Rec[];
    const formula = items.find(
      (r) => r.order_id === String(legacyId(orders[3])) && String(r.title).includes('HYPERLINK'),
    );
    expect(formula?.title).toBe(`'=HYPERLINK("http://evil.example","x")\n\ttab`);
    figures.push(`1 MB strings, control chars, unselected fields | completed, exact | ${rows} rows | ${elapsed} ms`);
  });

  it('lone UTF-16 surrogates: the run ends; raw_json keeps the escape; columns hold valid UTF-8 (U+FFFD)', async () => {
    const { products, customers, orders } = await baseNodes();
    orders[0].note = 'a\ud800b'; // high surrogate without its pair
    customers[0].firstName = '\udc00x'; // low surrogate alone
    const served = paged(orders);
    expect(served[0][0]).toContain('"note":"a\\ud800b"'); // the server sends the JSON escape, as Shopify would

    const { shop, dir, failure, elapsed } = await sync({
      products: paged(products),
      customers: paged(customers),
      orders: served,
    });
    expect(failure).toBeUndefined();
    const rows = expectExact(dir, shop); // raw_json: JSON.stringify re-escapes the lone surrogate, byte for byte

    const db = openReadOnly(dir);
    const stored = db.prepare('SELECT note, hex(note) AS hex FROM orders WHERE id = ?').get(legacyId(orders[0])) as {
      note: string;
      hex: string;
    };
    const customer = db
      .prepare('SELECT hex(first_name) AS hex FROM customers WHERE id = ?')
      .get(legacyId(customers[0])) as { hex: string };
    db.close();
    // Replaced consistently with U+FFFD (EF BF BD) and valid UTF-8 on disk, so every SQLite reader can decode it
    // (Python's sqlite3 raises "Could not decode to UTF-8" on the 3-byte CESU form ED A0 80 of a lone surrogate).
    expect(stored.hex).toBe(Buffer.from('a\ufffdb').toString('hex').toUpperCase());
    expect(stored.note).toBe('a\ufffdb');
    expect(customer.hex).toBe(Buffer.from('\ufffdx').toString('hex').toUpperCase());
    figures.push(`lone surrogates | completed | ${rows} rows | ${elapsed} ms`);
  });

  it('ids of 2^53 - 1 (parents and children) are stored exactly', async () => {
    const { products, customers, orders } = await baseNodes();
    const variants = nestedNodes(products[0], 'variants');
    variants[0] = withId(variants[0], MAX_SAFE);
    customers[0] = withId(customers[0], MAX_SAFE);
    orders[0] = withId(orders[0], MAX_SAFE);
    const items = nestedNodes(orders[1], 'lineItems');
    items[0] = withId(items[0], MAX_SAFE);

    const { shop, dir, failure, elapsed } = await sync({
      products: paged(products),
      customers: paged(customers),
      orders: paged(orders),
    });
    expect(failure).toBeUndefined();
    const rows = expectExact(dir, shop);
    const db = openReadOnly(dir);
    const count = (table: string) =>
      (
        db.prepare(`SELECT count(*) AS n FROM ${table} WHERE id = ?`).safeIntegers().get(BigInt(MAX_SAFE)) as {
          n: bigint;
        }
      ).n;
    for (const table of ['orders', 'customers', 'line_items', 'product_variants']) expect(count(table)).toBe(1n);
    db.close();
    figures.push(`ids = 2^53 - 1 | completed, exact | ${rows} rows | ${elapsed} ms`);
  });

  // An id of 2^53 or more cannot be held exactly by a JS number; storing it would merge or misfile records.
  const tooBig: Array<{ what: string; field: string; set: (order: Rec) => Rec }> = [
    { what: 'an order id', field: 'id', set: (o) => withId(o, TOO_BIG) },
    {
      what: 'a line item id, next to one of exactly 2^53 (both would become 2^53)',
      field: 'id',
      set: (o) => {
        const items = nestedNodes(o, 'lineItems');
        items.push(withId(items[0], String(2 ** 53)));
        items[0] = withId(items[0], TOO_BIG);
        return o;
      },
    },
    {
      what: "an order's customer id",
      field: 'customer_id',
      set: (o) => ({ ...o, customer: withId(o.customer as Rec, TOO_BIG) }),
    },
  ];

  it.each(tooBig)(
    '$what ≥ 2^53 on page 2: InvalidRecord at once, that page not stored',
    async ({ what, field, set }) => {
      const { orders } = await baseNodes();
      expect(orders[7].customer).toBeTruthy();
      const page1 = orders.slice(0, 5).map((o) => JSON.stringify(o));
      const page2 = [...orders.slice(5, 7), set(orders[7]), ...orders.slice(8)].map((o) => JSON.stringify(o));

      const { shop, dir, failure, elapsed } = await sync({ orders: [page1, page2] });

      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause?.type).toBe('InvalidRecord');
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toContain(`whose ${field} is not a whole number below 2^53`);
      expect(cause.message).toMatch(/the page was not stored/);
      expect(elapsed).toBeLessThan(10_000);
      expect(shop.requests.filter((r) => r.resource === 'orders' && r.page === 1)).toHaveLength(1); // no retry loop
      const runs = await activityRuns(env, STORE);
      // One page activity stores both pages: it stored page 1, then failed on page 2, not retried.
      expect(runs.find((r) => r.summary === 'orders from page 1')).toMatchObject({ attempt: 1, outcome: 'failed' });

      const db = openReadOnly(dir);
      const storedIds = (db.prepare('SELECT id FROM orders ORDER BY id').all() as { id: number }[]).map((r) => r.id);
      const page2Ids = orders.slice(5).map(legacyId);
      const page2Items = db
        .prepare(`SELECT count(*) AS n FROM line_items WHERE order_id IN (${page2Ids.join(',')})`)
        .get();
      db.close();
      expect(storedIds).toEqual(
        orders
          .slice(0, 5)
          .map(legacyId)
          .sort((a, b) => a - b),
      ); // page 1 only
      expect(page2Items).toEqual({ n: 0 });
      figures.push(`${what} >= 2^53 | failed InvalidRecord, 1 request for the page | ${elapsed} ms`);
    },
  );

  it('missing optional fields become NULL columns; the outputs still run', async () => {
    const { products, customers, orders } = await baseNodes();
    const at = '2026-01-02T08:04:05Z';
    const bareOrder = { id: 'gid://shopify/Order/101', legacyResourceId: '101', createdAt: at, updatedAt: at };
    const guestOrder = { ...withId(orders[0], '102'), customer: null } as Rec;
    delete guestOrder.shippingAddress;
    delete guestOrder.email;
    const bareProduct = { id: 'gid://shopify/Product/201', legacyResourceId: '201', title: 'No variants' };
    const bareCustomer = { id: 'gid://shopify/Customer/301', legacyResourceId: '301' };
    // The guest order's line items keep their ids: give them new ones so they are not the first order's.
    const guestItems = nestedNodes(guestOrder, 'lineItems').map((item, i) => withId(item, String(102_000 + i)));
    guestOrder.lineItems = { nodes: guestItems, pageInfo: { hasNextPage: false, endCursor: null } };
    guestOrder.fulfillments = [];
    guestOrder.refunds = [];

    const { shop, dir, result, failure, elapsed } = await sync({
      products: paged([...products, bareProduct]),
      customers: paged([...customers, bareCustomer]),
      orders: paged([...orders, bareOrder, guestOrder]),
    });
    expect(failure).toBeUndefined();
    expect((result as SyncResult).stages.map((s) => [s.name, s.status])).toEqual([
      ['csv', 'done'],
      ['analytics', 'done'],
      ['dashboard', 'done'],
      ['sheets', 'skipped'],
    ]);
    const rows = expectExact(dir, shop);
    const db = openReadOnly(dir);
    expect(db.prepare('SELECT * FROM orders WHERE id = 101').get()).toMatchObject({
      name: null,
      customer_id: null,
      email: null,
      financial_status: null,
      total_price: null,
      total_refunded: '0.00',
      discount_codes: null,
      shipping_country: null,
      closed_at: null,
    });
    expect(db.prepare('SELECT customer_id, email, shipping_city FROM orders WHERE id = 102').get()).toEqual({
      customer_id: null,
      email: null,
      shipping_city: null,
    });
    expect(db.prepare('SELECT vendor, status, created_at FROM products WHERE id = 201').get()).toEqual({
      vendor: null,
      status: null,
      created_at: null,
    });
    expect(db.prepare('SELECT count(*) AS n FROM product_variants WHERE product_id = 201').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT email, country, verified_email FROM customers WHERE id = 301').get()).toEqual({
      email: null,
      country: null,
      verified_email: null,
    });
    db.close();
    figures.push(`missing optional fields | completed, NULL columns | ${rows} rows | ${elapsed} ms`);
  });

  it('empty pages (no records, no next page) complete with nothing stored and no watermark', async () => {
    const { shop, dir, result, failure, elapsed } = await sync({});
    expect(failure).toBeUndefined();
    for (const name of ['products', 'customers', 'orders'] as const) {
      expect(result?.resources[name]).toMatchObject({ records: 0, pages: 1 });
    }
    expect(shop.requests.filter((r) => r.kind === 'page')).toHaveLength(3);
    expectExact(dir, shop);
    const db = openReadOnly(dir);
    const keys = (db.prepare('SELECT key FROM metadata').all() as { key: string }[]).map((r) => r.key);
    db.close();
    expect(keys.filter((key) => RESOURCE_NAMES.some((name) => key === watermarkKey(name)))).toEqual([]);
    figures.push(`empty pages | completed, 0 rows, no watermark | ${elapsed} ms`);
  });

  it('a record served on two pages (the list shifted while paging) is stored once, as last served', async () => {
    const { orders } = await baseNodes();
    const moved: Rec = { ...orders[4], note: 'second version' };
    const { shop, dir, failure, elapsed } = await sync({
      orders: [
        orders.slice(0, 5).map((o) => JSON.stringify(o)),
        [moved, ...orders.slice(5)].map((o) => JSON.stringify(o)),
      ],
    });
    expect(failure).toBeUndefined();
    const rows = expectExact(dir, shop);
    const db = openReadOnly(dir);
    expect(db.prepare('SELECT count(*) AS n, note FROM orders WHERE id = ?').get(legacyId(moved))).toEqual({
      n: 1,
      note: 'second version',
    });
    db.close();
    figures.push(`record on two pages | completed, stored once | ${rows} rows | ${elapsed} ms`);
  });
});
