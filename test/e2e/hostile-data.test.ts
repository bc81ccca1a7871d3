import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'csv-parse/sync';
import type { ResourceName, SyncInput, SyncResult } from '../../common/contract';
import { EQUAL } from '../helpers/compare';
import { baseRecords, CONTROLS, HUGE, hostileRecords } from '../helpers/hostile-records';
import { activityRuns, compareDir } from '../helpers/faults-inspect';
import { pageBody, startStaticShop, type StaticShop } from '../helpers/faults-static-shop';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

/**
 * Records the emulator never generates, served byte for byte by a small Shopify-shaped server, synced by the real
 * workflow on a real Temporal dev server. Each run must end (completed, or failed non-retryably with a message that
 * says what happened) and what it stored must be exactly what was served.
 */

type Rec = Record<string, unknown>;
const STORE = 'e2e-store';
const MAX_SAFE = '9007199254740991'; // 2^53 - 1
const TOO_BIG = '9007199254740993'; // 2^53 + 1: JSON.parse rounds it to 2^53

/** Records as page bodies, `perPage` records a page (JSON.stringify writes lone surrogates as `\udXXX` escapes). */
function paged(resource: ResourceName, records: Rec[], perPage = records.length): string[] {
  const pages: string[] = [];
  for (let i = 0; i < records.length || pages.length === 0; i += perPage) {
    pages.push(
      pageBody(
        resource,
        records.slice(i, i + perPage).map((r) => JSON.stringify(r)),
      ),
    );
  }
  return pages;
}

/** The record as JSON text with the exact digits `digits` where `set` puts a number (beyond what a JS number holds). */
function withNumber(record: Rec, set: (copy: Rec, placeholder: string) => void, digits: string): string {
  const copy = structuredClone(record);
  set(copy, '@@N@@');
  return JSON.stringify(copy).replace('"@@N@@"', digits);
}

describe('hostile data from Shopify (real Temporal, a static Shopify-shaped server, real SQLite)', () => {
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

  async function sync(pages: Partial<Record<ResourceName, string[]>>, input: SyncInput = {}) {
    const shop = await startStaticShop({ pages });
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

  function expectExact(dir: string, shop: StaticShop): number {
    const comparison = compareDir(dir, shop.asStore());
    expect(comparison).toMatchObject(EQUAL);
    return comparison.rowsCompared;
  }

  it('1 MB strings, every control character, formulas, RTL, emoji, unknown fields: stored exactly as served', async () => {
    const { products, customers, orders } = hostileRecords();
    const [huge, controls] = [HUGE, CONTROLS];

    const { shop, dir, result, failure, elapsed } = await sync({
      products: paged('products', products),
      customers: paged('customers', customers),
      orders: paged('orders', orders, 5),
    });
    expect(failure).toBeUndefined();
    expect(result?.resources.orders).toMatchObject({ records: 12, pages: 3 });
    const rows = expectExact(dir, shop);

    const db = openReadOnly(dir);
    const note = (id: unknown) => (db.prepare('SELECT note FROM orders WHERE id = ?').get(id) as { note: string }).note;
    expect(note(orders[0].id)).toBe(huge);
    expect(note(orders[1].id)).toBe(`before${controls}after`);
    const rawOf = (table: string, id: unknown) =>
      JSON.parse((db.prepare(`SELECT raw_json FROM ${table} WHERE id = ?`).get(id) as { raw_json: string }).raw_json);
    expect(rawOf('orders', orders[4].id).x_future_field).toEqual(orders[4].x_future_field);
    expect(rawOf('orders', orders[4].id).line_items[0].x_future_item_field).toBe('kept');
    expect(rawOf('products', products[1].id).new_top_level).toBe('hello');
    expect(db.prepare('SELECT title FROM products WHERE id = ?').get(products[0].id)).toEqual({
      title: products[0].title,
    });
    expect(db.prepare('SELECT first_name FROM customers WHERE id = ?').get(customers[0].id)).toEqual({
      first_name: customers[0].first_name,
    });
    db.close();

    // The CSV export parses back to the same text (formulas neutralized with a leading ').
    const csv = parse(fs.readFileSync(path.join(dir, 'orders.csv')), { columns: true, bom: true }) as Rec[];
    expect(csv.find((r) => r.id === String(orders[1].id))?.note).toBe(`before${controls}after`);
    expect(csv.find((r) => r.id === String(orders[0].id))?.note).toBe(huge);
    const items = parse(fs.readFileSync(path.join(dir, 'line_items.csv')), { columns: true }) as Rec[];
    const formula = items.find((r) => r.order_id === String(orders[3].id) && String(r.title).includes('HYPERLINK'));
    expect(formula?.title).toBe(`'=HYPERLINK("http://evil.example","x")\n\ttab`);
    figures.push(`1 MB strings, control chars, unknown fields | completed, exact | ${rows} rows | ${elapsed} ms`);
  });

  it('lone UTF-16 surrogates: the run ends; raw_json keeps the escape; columns hold valid UTF-8 (U+FFFD)', async () => {
    const { products, customers, orders } = baseRecords();
    orders[0].note = 'a\ud800b'; // high surrogate without its pair
    customers[0].first_name = '\udc00x'; // low surrogate alone
    const served = paged('orders', orders);
    expect(served[0]).toContain('"note":"a\\ud800b"'); // the server sends the JSON escape, as Shopify would

    const { shop, dir, failure, elapsed } = await sync({
      products: paged('products', products),
      customers: paged('customers', customers),
      orders: served,
    });
    expect(failure).toBeUndefined();
    const rows = expectExact(dir, shop); // raw_json: JSON.stringify re-escapes the lone surrogate, byte for byte

    const db = openReadOnly(dir);
    const stored = db.prepare('SELECT note, hex(note) AS hex FROM orders WHERE id = ?').get(orders[0].id) as {
      note: string;
      hex: string;
    };
    const customer = db.prepare('SELECT hex(first_name) AS hex FROM customers WHERE id = ?').get(customers[0].id) as {
      hex: string;
    };
    db.close();
    // Replaced consistently with U+FFFD (EF BF BD) and valid UTF-8 on disk, so every SQLite reader can decode it
    // (Python's sqlite3 raises "Could not decode to UTF-8" on the 3-byte CESU form ED A0 80 of a lone surrogate).
    expect(stored.hex).toBe(Buffer.from('a\ufffdb').toString('hex').toUpperCase());
    expect(stored.note).toBe('a\ufffdb');
    expect(customer.hex).toBe(Buffer.from('\ufffdx').toString('hex').toUpperCase());
    figures.push(`lone surrogates | completed | ${rows} rows | ${elapsed} ms`);
  });

  it('ids of 2^53 - 1 (parents and children) are stored exactly', async () => {
    const { products, customers, orders } = baseRecords();
    const { shop, dir, failure, elapsed } = await sync({
      products: [
        pageBody('products', [
          withNumber(products[0], (p, v) => ((p.variants as Rec[])[0].id = v), MAX_SAFE),
          ...products.slice(1).map((p) => JSON.stringify(p)),
        ]),
      ],
      customers: [
        pageBody('customers', [
          withNumber(customers[0], (c, v) => (c.id = v), MAX_SAFE),
          ...customers.slice(1).map((c) => JSON.stringify(c)),
        ]),
      ],
      orders: [
        pageBody('orders', [
          withNumber(orders[0], (o, v) => (o.id = v), MAX_SAFE),
          withNumber(orders[1], (o, v) => ((o.line_items as Rec[])[0].id = v), MAX_SAFE),
          ...orders.slice(2).map((o) => JSON.stringify(o)),
        ]),
      ],
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

  // An id of 2^53 or more cannot be held exactly by JSON.parse; storing it would merge or misfile records.
  const tooBig: Array<{ what: string; field: string; set: (order: Rec, placeholder: string) => void }> = [
    { what: 'an order id', field: 'id', set: (o, v) => (o.id = v) },
    {
      what: 'a line item id, next to one of exactly 2^53 (both would become 2^53)',
      field: 'id',
      set: (o, v) => {
        const items = o.line_items as Rec[];
        items.push({ ...items[0], id: 2 ** 53 });
        items[0].id = v;
      },
    },
    { what: "an order's customer id", field: 'customer_id', set: (o, v) => ((o.customer as Rec).id = v) },
  ];

  it.each(tooBig)(
    '$what ≥ 2^53 on page 2: InvalidRecord at once, that page not stored',
    async ({ what, field, set }) => {
      const { orders } = baseRecords();
      expect(orders[7].customer).toBeTruthy();
      const page1 = orders.slice(0, 5).map((o) => JSON.stringify(o));
      const page2 = [
        ...orders.slice(5, 7).map((o) => JSON.stringify(o)),
        withNumber(orders[7], set, TOO_BIG),
        ...orders.slice(8).map((o) => JSON.stringify(o)),
      ];

      const { shop, dir, failure, elapsed } = await sync({
        orders: [pageBody('orders', page1), pageBody('orders', page2)],
      });

      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause?.type).toBe('InvalidRecord');
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toContain(`whose ${field} is not a whole number below 2^53 (9007199254740992)`);
      expect(cause.message).toMatch(/the page was not stored/);
      expect(elapsed).toBeLessThan(10_000);
      expect(shop.requests.filter((r) => r.resource === 'orders' && r.page === 1)).toHaveLength(1); // no retry loop
      const runs = await activityRuns(env, STORE);
      // One page activity stores both pages: it stored page 1, then failed on page 2, not retried.
      expect(runs.find((r) => r.summary === 'orders from page 1')).toMatchObject({ attempt: 1, outcome: 'failed' });

      const db = openReadOnly(dir);
      const storedIds = (db.prepare('SELECT id FROM orders ORDER BY id').all() as { id: number }[]).map((r) => r.id);
      const page2Items = db.prepare('SELECT count(*) AS n FROM line_items WHERE order_id > ?').get(orders[4].id);
      db.close();
      expect(storedIds).toEqual(orders.slice(0, 5).map((o) => o.id as number)); // page 1 only
      expect(page2Items).toEqual({ n: 0 });
      figures.push(`${what} >= 2^53 | failed InvalidRecord, 1 request for the page | ${elapsed} ms`);
    },
  );

  it('missing optional fields become NULL columns; the outputs still run', async () => {
    const { products, customers, orders } = baseRecords();
    const bareOrder = { id: 101, created_at: '2026-01-02T03:04:05-05:00', updated_at: '2026-01-02T03:04:05-05:00' };
    const guestOrder = { ...orders[0], id: 102, customer: null } as Rec;
    delete guestOrder.shipping_address;
    delete guestOrder.email;
    const bareProduct = { id: 201, title: 'No variants' };
    const bareCustomer = { id: 301 };

    const { shop, dir, result, failure, elapsed } = await sync({
      products: paged('products', [...products, bareProduct]),
      customers: paged('customers', [...customers, bareCustomer]),
      orders: paged('orders', [...orders, bareOrder, guestOrder]),
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

  it('empty pages (no records, no Link) complete with nothing stored and no watermark', async () => {
    const { shop, dir, result, failure, elapsed } = await sync({}, { full: true });
    expect(failure).toBeUndefined();
    for (const name of ['products', 'customers', 'orders'] as const) {
      expect(result?.resources[name]).toMatchObject({ records: 0, pages: 1 });
    }
    expect(shop.requests.filter((r) => r.kind === 'list')).toHaveLength(3);
    expectExact(dir, shop);
    const db = openReadOnly(dir);
    expect(db.prepare('SELECT count(*) AS n FROM metadata').get()).toEqual({ n: 0 });
    db.close();
    figures.push(`empty pages | completed, 0 rows, no watermark | ${elapsed} ms`);
  });

  it('a record served on two pages (the list shifted while paging) is stored once, as last served', async () => {
    const { orders } = baseRecords();
    const moved: Rec = { ...orders[4], note: 'second version' };
    const { shop, dir, failure, elapsed } = await sync({
      orders: [
        pageBody(
          'orders',
          orders.slice(0, 5).map((o) => JSON.stringify(o)),
        ),
        pageBody('orders', [JSON.stringify(moved), ...orders.slice(5).map((o) => JSON.stringify(o))]),
      ],
    });
    expect(failure).toBeUndefined();
    const rows = expectExact(dir, shop);
    const db = openReadOnly(dir);
    expect(db.prepare('SELECT count(*) AS n, note FROM orders WHERE id = ?').get(moved.id)).toEqual({
      n: 1,
      note: 'second version',
    });
    db.close();
    figures.push(`record on two pages | completed, stored once | ${rows} rows | ${elapsed} ms`);
  });
});
