import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openDatabase } from '../../activities/store/database';
import { createTableSql, SCHEMA_VERSION } from '../../activities/store/schema';
import { resourceSpec, sumMoney } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNode } from '../helpers/graphql-nodes';
import { tempDir } from '../helpers/tmp';

const restOrder = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  name: `#${id}`,
  customer: { id: 42 },
  total_price: '10.10',
  total_discounts: '0.00',
  updated_at: '2024-03-01T10:00:00-04:00',
  created_at: '2024-03-01T09:00:00-04:00',
  shipping_address: { country: 'Canada', province: 'Québec' },
  line_items: [
    { id: id * 10 + 1, product_id: 7, quantity: 2, price: '5.05', title: 'Tee, "blue"\nXL' },
    { id: id * 10 + 2, product_id: null, quantity: 1, price: '0.00', title: 'Custom item' },
  ],
  fulfillments: [
    { id: id * 10 + 5, created_at: '2024-03-03T09:00:00-04:00' },
    { id: id * 10 + 6, created_at: '2024-03-02T09:00:00-04:00' },
  ],
  refunds: [
    {
      id: id * 10 + 7,
      transactions: [
        { kind: 'refund', status: 'success', amount: '0.10' },
        { kind: 'refund', status: 'success', amount: '1.20' },
      ],
    },
  ],
  discount_codes: [{ code: 'SPRING', amount: '1.00', type: 'fixed_amount' }],
  ...overrides,
});

/** The order as the GraphQL node the sync stores. */
const order = (id: number, overrides: Record<string, unknown> = {}) => asNode('orders')(restOrder(id, overrides));

describe('SQLite store', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const dump = (db: Database.Database, table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();

  it('replaces the children of every order on a page, and an order listed twice keeps its last version only', () => {
    const db = openDatabase(dir);
    const spec = resourceSpec('orders');
    upsertRecords(db, spec, [order(1), order(2)]);
    const edited = order(1, {
      line_items: [{ id: 99, product_id: 7, quantity: 1, price: '1.00', title: 'New' }],
      fulfillments: [],
    });
    const counts = upsertRecords(db, spec, [order(1, { name: 'stale' }), order(3), edited]);
    expect(counts.records).toBe(3);
    const items = db.prepare('SELECT order_id, id FROM line_items ORDER BY order_id, id').all();
    expect(items).toEqual([
      { order_id: 1, id: 99 },
      { order_id: 2, id: 21 },
      { order_id: 2, id: 22 },
      { order_id: 3, id: 31 },
      { order_id: 3, id: 32 },
    ]);
    expect(db.prepare('SELECT name FROM orders WHERE id = 1').get()).toEqual({ name: '#1' });
    expect(db.prepare('SELECT count(*) AS n FROM fulfillments WHERE order_id = 1').get()).toEqual({ n: 0 });
    db.close();
  });

  it('creates every table with the declared columns, in WAL mode, owner-only', () => {
    const db = openDatabase(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'metadata',
        'products',
        'product_variants',
        'customers',
        'orders',
        'line_items',
        'fulfillments',
        'refunds',
      ]),
    );
    expect(fs.statSync(path.join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('flattens an order into its tables, keeping quirks and exact money', () => {
    const db = openDatabase(dir);
    upsertRecords(db, resourceSpec('orders'), [
      order(5_000_000_001),
      order(5_000_000_002, { customer: null, shipping_address: null }),
    ]);
    const row = db.prepare('SELECT * FROM orders WHERE id = ?').get(5_000_000_001) as Record<string, unknown>;
    expect(row).toMatchObject({
      customer_id: 42,
      total_price: '10.10',
      total_refunded: '1.30',
      discount_codes: 'SPRING',
      shipping_province: 'Québec',
      first_fulfilled_at: '2024-03-02T09:00:00-04:00',
    });
    expect(JSON.parse(row.raw_json as string)).toEqual(order(5_000_000_001));
    expect(db.prepare('SELECT customer_id FROM orders WHERE id = ?').get(5_000_000_002)).toEqual({ customer_id: null });
    const items = db
      .prepare('SELECT id, product_id, title FROM line_items WHERE order_id = ? ORDER BY id')
      .all(5_000_000_001);
    expect(items).toEqual([
      { id: 50_000_000_011, product_id: 7, title: 'Tee, "blue"\nXL' },
      { id: 50_000_000_012, product_id: null, title: 'Custom item' },
    ]);
    db.close();
  });

  it('replaying a page leaves the database unchanged; a re-fetched order replaces its children', () => {
    const db = openDatabase(dir);
    const spec = resourceSpec('orders');
    upsertRecords(db, spec, [order(1), order(2)]);
    const before = ['orders', 'line_items', 'fulfillments', 'refunds', 'order_discount_codes'].map((t) => dump(db, t));
    upsertRecords(db, spec, [order(1), order(2)]);
    expect(['orders', 'line_items', 'fulfillments', 'refunds', 'order_discount_codes'].map((t) => dump(db, t))).toEqual(
      before,
    );

    upsertRecords(db, spec, [order(1, { line_items: [{ id: 11, product_id: 7, quantity: 3, price: '5.05' }] })]);
    expect(db.prepare('SELECT id, quantity FROM line_items WHERE order_id = 1').all()).toEqual([
      { id: 11, quantity: 3 },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM line_items WHERE order_id = 2').get()).toEqual({ n: 2 });
    db.close();
  });

  it('refuses a page with an unsafe id and stores none of it', () => {
    const db = openDatabase(dir);
    expect(() =>
      upsertRecords(db, resourceSpec('orders'), [order(1), { ...order(2), legacyResourceId: String(2 ** 53 + 2) }]),
    ).toThrow(/below 2\^53/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 0 });
    db.close();
  });

  it('upgrades a database of an older schema in place, back-filling new columns from raw JSON', () => {
    // An older layout: orders without the shipping and fulfillment columns, schema version 0.
    const file = path.join(dir, DATABASE_FILE);
    const old = new Database(file);
    const spec = resourceSpec('orders');
    const oldColumns = spec.table.columns.filter((c) => !['shipping_province', 'first_fulfilled_at'].includes(c.name));
    old.exec(createTableSql({ ...spec.table, columns: oldColumns }));
    const stored = order(9);
    old.prepare(`INSERT INTO orders (id, name, raw_json) VALUES (?, ?, ?)`).run(9, '#9', JSON.stringify(stored));
    old.close();

    const db = openDatabase(dir);
    expect(db.prepare('SELECT name, shipping_province, first_fulfilled_at FROM orders WHERE id = 9').get()).toEqual({
      name: '#9',
      shipping_province: 'Québec',
      first_fulfilled_at: '2024-03-02T09:00:00-04:00',
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM line_items WHERE order_id = 9').get()).toEqual({ n: 2 });
    db.close();
  });

  it('reports a corrupt database file and leaves it untouched', () => {
    const file = path.join(dir, DATABASE_FILE);
    const garbage = Buffer.from('this is not a database '.repeat(200));
    fs.writeFileSync(file, garbage);
    expect(() => openDatabase(dir)).toThrow(/is not a readable SQLite database.*left as it is/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('stores quotes and SQL fragments as plain text (bound parameters only)', () => {
    const db = openDatabase(dir);
    const hostile = ["Robert'); DROP TABLE orders;--", '" OR 1=1 --', "'; DELETE FROM customers WHERE '1'='1"];
    upsertRecords(db, resourceSpec('orders'), [order(1, { note: hostile[0], name: hostile[1], tags: hostile[2] })]);
    upsertRecords(db, resourceSpec('orders'), [order(2)]);
    expect(db.prepare('SELECT note, name, tags FROM orders WHERE id = 1').get()).toEqual({
      note: hostile[0],
      name: hostile[1],
      tags: hostile[2],
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 2 });
    db.close();
  });

  it('sums money exactly', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(['19.99', '-0.99', '1'])).toBe('20.00');
    expect(sumMoney(['1.005', '0.001'])).toBe('1.006');
    expect(sumMoney([])).toBeNull();
  });
});
