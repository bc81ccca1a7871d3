import Database from 'better-sqlite3';
import path from 'node:path';
import { computeAnalytics } from '../../activities/exports/analytics';
import { DATABASE_FILE, openDatabase, type Db } from '../../activities/store/database';
import { deleteRecords, deletionTarget } from '../../activities/store/deletions';
import { resourceSpec } from '../../activities/store/resources';
import { SCHEMA_VERSION } from '../../activities/store/schema';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { tempDir } from '../helpers/tmp';
import { withTempDatabase } from '../helpers/temp-database';

/** Store-level deletions against real SQLite files: what remains, row for row, and what `deletions` says. */

const NOW = new Date('2026-11-30T08:00:00.000Z');

const order = (id: number, productId = 7) => ({
  id,
  name: `#${id}`,
  customer: { id: 42 },
  total_price: '10.00',
  created_at: '2026-11-01T09:00:00-04:00',
  updated_at: '2026-11-01T10:00:00-04:00',
  line_items: [
    {
      id: id * 10 + 1,
      product_id: productId,
      variant_id: productId * 100 + 1,
      quantity: 2,
      price: '5.00',
      title: 'Tee',
    },
  ],
  fulfillments: [{ id: id * 10 + 2, created_at: '2026-11-02T09:00:00-04:00' }],
  refunds: [{ id: id * 10 + 3, transactions: [{ kind: 'refund', status: 'success', amount: '1.00' }] }],
  discount_codes: [{ code: 'SPRING', amount: '1.00', type: 'fixed_amount' }],
});

const product = (id: number, variantIds: number[]) => ({
  id,
  title: `Product ${id}`,
  created_at: '2026-10-01T09:00:00Z',
  updated_at: '2026-11-01T09:00:00Z',
  variants: variantIds.map((v, i) => ({ id: v, title: `V${v}`, position: i + 1, price: '5.00' })),
});

const customer = (id: number) => ({ id, email: `c${id}@example.com`, created_at: '2026-10-01T09:00:00Z' });

const ids = (db: Db, table: string) =>
  (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
const deletionRows = (db: Db) => db.prepare('SELECT * FROM deletions ORDER BY rowid').all();

describe('deleteRecords', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(dir);
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701, 702]), product(8, [801])]));
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [customer(42), customer(43)]));
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [order(1), order(2, 8)]));
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('a deleted order takes its line items, fulfillments, refunds and discount codes, and is recorded once', () => {
    const result = deleteRecords(db, 'orders', [{ id: 1, deletedAt: '2026-11-29T12:00:00Z' }], 'event', NOW);
    expect(result).toEqual({
      removed: 1,
      rows: { orders: 1, line_items: 1, fulfillments: 1, refunds: 1, order_discount_codes: 1 },
    });
    expect(ids(db, 'orders')).toEqual([2]);
    expect(ids(db, 'line_items')).toEqual([21]);
    expect(ids(db, 'fulfillments')).toEqual([22]);
    expect(ids(db, 'refunds')).toEqual([23]);
    expect(db.prepare('SELECT order_id, code FROM order_discount_codes').all()).toEqual([
      { order_id: 2, code: 'SPRING' },
    ]);
    expect(deletionRows(db)).toEqual([
      {
        resource: 'orders',
        id: 1,
        deleted_at: '2026-11-29T12:00:00Z',
        removed_at: '2026-11-30T08:00:00.000Z',
        found_by: 'event',
      },
    ]);
    // Products, variants and customers are not the order's children: untouched.
    expect(ids(db, 'products')).toEqual([7, 8]);
    expect(ids(db, 'product_variants')).toEqual([701, 702, 801]);
    expect(ids(db, 'customers')).toEqual([42, 43]);
  });

  it('a deleted product takes its variants; the sales of its line items stay, product_id and all', () => {
    const before = computeAnalytics(db);
    const result = deleteRecords(db, 'products', [{ id: 7, deletedAt: '2026-11-29T12:00:00Z' }], 'event', NOW);
    expect(result).toEqual({ removed: 1, rows: { products: 1, product_variants: 2 } });
    expect(ids(db, 'products')).toEqual([8]);
    expect(ids(db, 'product_variants')).toEqual([801]);
    expect(db.prepare('SELECT id, order_id, product_id, variant_id FROM line_items ORDER BY id').all()).toEqual([
      { id: 11, order_id: 1, product_id: 7, variant_id: 701 },
      { id: 21, order_id: 2, product_id: 8, variant_id: 801 },
    ]);
    // The sale happened: totals and the product's place in the top list stay, named by the line item's title.
    const after = computeAnalytics(db);
    expect(after.top_products_by_quantity).toEqual(
      before.top_products_by_quantity.map((p) => (p.product_id === 7 ? { ...p, title: 'Tee' } : p)),
    );
    expect(after.top_products_by_quantity.find((p) => p.product_id === 7)).toMatchObject({ quantity: 2 });
  });

  it('a deleted variant is removed alone: its product and siblings stay', () => {
    const result = deleteRecords(db, 'product_variants', [{ id: 702 }], 'event', NOW);
    expect(result).toEqual({ removed: 1, rows: { product_variants: 1 } });
    expect(ids(db, 'products')).toEqual([7, 8]);
    expect(ids(db, 'product_variants')).toEqual([701, 801]);
    expect(deletionRows(db)).toEqual([
      { resource: 'product_variants', id: 702, deleted_at: null, removed_at: NOW.toISOString(), found_by: 'event' },
    ]);
  });

  it('a deleted customer goes; their orders stay (Shopify refuses to delete a customer who has orders anyway)', () => {
    deleteRecords(db, 'customers', [{ id: 43 }], 'reconciliation', NOW);
    expect(ids(db, 'customers')).toEqual([42]);
    expect(ids(db, 'orders')).toEqual([1, 2]);
    expect(deletionRows(db)).toEqual([
      { resource: 'customers', id: 43, deleted_at: null, removed_at: NOW.toISOString(), found_by: 'reconciliation' },
    ]);
  });

  it('is idempotent: an id that is not here records nothing, and the same id twice is recorded once', () => {
    expect(deleteRecords(db, 'orders', [{ id: 999 }], 'event', NOW)).toEqual({ removed: 0, rows: {} });
    expect(deletionRows(db)).toEqual([]);
    const twice = deleteRecords(db, 'orders', [{ id: 2 }, { id: 2, deletedAt: '2026-11-29T12:00:00Z' }], 'event', NOW);
    expect(twice.removed).toBe(1);
    expect(deleteRecords(db, 'orders', [{ id: 2 }], 'event', NOW)).toEqual({ removed: 0, rows: {} });
    expect(deletionRows(db)).toEqual([
      {
        resource: 'orders',
        id: 2,
        deleted_at: '2026-11-29T12:00:00Z',
        removed_at: NOW.toISOString(),
        found_by: 'event',
      },
    ]);
    expect(ids(db, 'orders')).toEqual([1]);
  });

  it('removes thousands of ids in batches within one call', () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({ id: 10_000 + i }));
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        many.map((c) => customer(c.id)),
      ),
    );
    const result = deleteRecords(db, 'customers', [...many, { id: 42 }], 'reconciliation', NOW);
    expect(result).toEqual({ removed: 2501, rows: { customers: 2501 } });
    expect(ids(db, 'customers')).toEqual([43]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM deletions').get()).toEqual({ n: 2501 });
  });

  it('is all or nothing: a failure while removing children leaves the order, its children and no record', () => {
    db.exec(`CREATE TRIGGER refuse BEFORE DELETE ON refunds BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    expect(() => deleteRecords(db, 'orders', [{ id: 1 }], 'event', NOW)).toThrow('disk trouble');
    expect(ids(db, 'orders')).toEqual([1, 2]);
    expect(ids(db, 'line_items')).toEqual([11, 21]);
    expect(ids(db, 'fulfillments')).toEqual([12, 22]);
    expect(deletionRows(db)).toEqual([]);
  });

  it('names what it cannot delete by id', () => {
    expect(() => deletionTarget('collections')).toThrow(/neither a resource \(products, customers, orders\)/);
    expect(() => deletionTarget('order_discount_codes')).toThrow(/its table's key is \(order_id, position\)/);
    expect(() => deleteRecords(db, 'orders', [{ id: 1.5 }], 'event', NOW)).toThrow(/not an id/);
    expect(ids(db, 'orders')).toEqual([1, 2]);
  });
});

describe('variants missing from a re-fetched product', () => {
  let db: Db;
  withTempDatabase((d) => (db = d));

  it('are removed with the page and recorded as variant-missing in the same transaction, once', () => {
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701, 702, 703]), product(8, [801])]));
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701, 704]), product(8, [801])]));
    expect(ids(db, 'product_variants')).toEqual([701, 704, 801]);
    const rows = deletionRows(db) as { resource: string; id: number; found_by: string; deleted_at: null }[];
    expect(rows.map(({ resource, id, found_by, deleted_at }) => ({ resource, id, found_by, deleted_at }))).toEqual([
      { resource: 'product_variants', id: 702, found_by: 'variant-missing', deleted_at: null },
      { resource: 'product_variants', id: 703, found_by: 'variant-missing', deleted_at: null },
    ]);
    // The same page again (a retried activity) finds nothing missing.
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701, 704]), product(8, [801])]));
    expect(deletionRows(db)).toHaveLength(2);
  });

  it('a page that fails to store records no variant as missing', () => {
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701, 702])]));
    const bad = { ...product(7, [701]), id: 2 ** 53 };
    expect(() => upsertRecords(db, resourceSpec('products'), asNodes('products', [product(7, [701]), bad]))).toThrow(
      /below 2\^53/,
    );
    expect(ids(db, 'product_variants')).toEqual([701, 702]);
    expect(deletionRows(db)).toEqual([]);
  });

  it('line items replaced by a re-fetched order are not recorded as deletions', () => {
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [order(1)]));
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [{ ...order(1), line_items: [] }]));
    expect(ids(db, 'line_items')).toEqual([]);
    expect(deletionRows(db)).toEqual([]);
  });
});

describe('migration', () => {
  it('an existing database from before deletions upgrades in place, its rows untouched', () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = openDatabase(dir);
      upsertRecords(db, resourceSpec('orders'), asNodes('orders', [order(1), order(2)]));
      // Roll the file back to what the previous release wrote: schema 2, no deletions table.
      db.exec('DROP TABLE deletions');
      db.pragma('user_version = 2');
      db.close();
      const old = new Database(path.join(dir, DATABASE_FILE));
      expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'deletions'`).all()).toEqual([]);
      old.close();

      const upgraded = openDatabase(dir);
      expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(ids(upgraded, 'orders')).toEqual([1, 2]);
      expect(ids(upgraded, 'line_items')).toEqual([11, 21]);
      deleteRecords(upgraded, 'orders', [{ id: 1 }], 'event', NOW);
      expect(ids(upgraded, 'orders')).toEqual([2]);
      expect(deletionRows(upgraded)).toHaveLength(1);
      upgraded.close();
    } finally {
      cleanup();
    }
  });
});
