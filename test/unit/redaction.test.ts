import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { emailSha256 } from '../../common/email-hash';
import { DATABASE_FILE, Db, openDatabase } from '../../activities/store/database';
import { blankPersonalColumns, scrubRecord } from '../../activities/store/personal-data';
import { purgeFreedPages, redactCustomer, WalBusyError } from '../../activities/store/redaction';
import { ApiRecord, RESOURCES, resourceSpec } from '../../activities/store/resources';
import { SCHEMA_VERSION } from '../../activities/store/schema';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { createShopifyStore } from '../../emulators/shopify';
import { tempDir } from '../helpers/tmp';
import { withTempDatabase } from '../helpers/temp-database';

const EMAIL = 'Zelda.Quistorp-4711@example.org';
const PERSON = {
  first: 'Zeldaxq',
  last: 'Quistorpyy',
  phone: '+49 30 5550 4711',
  street: '17 Heckenrosenweg',
  zip: 'D-10999',
  city: 'Kreuzbergstadt',
};

const address = () => ({
  first_name: PERSON.first,
  last_name: PERSON.last,
  name: `${PERSON.first} ${PERSON.last}`,
  address1: PERSON.street,
  city: PERSON.city,
  zip: PERSON.zip,
  phone: PERSON.phone,
  latitude: 52.4987,
  longitude: 13.4175,
  country: 'Germany',
  country_code: 'DE',
  province: 'Berlin',
  province_code: 'BE',
});

const customer = (id: number, overrides: ApiRecord = {}): ApiRecord => ({
  id,
  email: EMAIL,
  first_name: PERSON.first,
  last_name: PERSON.last,
  phone: PERSON.phone,
  note: `Call ${PERSON.first} before delivery`,
  orders_count: 2,
  total_spent: '70.00',
  state: 'enabled',
  tags: 'vip',
  default_address: { id: 5, customer_id: id, default: true, ...address() },
  addresses: [{ id: 5, customer_id: id, default: true, ...address() }],
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-02T00:00:00Z',
  ...overrides,
});

const order = (id: number, customerId: number | null, overrides: ApiRecord = {}): ApiRecord => ({
  id,
  name: `#${id}`,
  email: EMAIL,
  contact_email: EMAIL,
  phone: PERSON.phone,
  browser_ip: '203.0.113.77',
  note: `Gift for ${PERSON.first}`,
  note_attributes: [{ name: 'gift_message', value: `Love, ${PERSON.first}` }],
  token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  order_status_url: 'https://shop.example/orders/a1b2c3d4e5f60718293a4b5c6d7e8f90/authenticate?key=k',
  customer: customerId === null ? null : customer(customerId),
  total_price: '35.00',
  subtotal_price: '30.00',
  total_discounts: '0.00',
  financial_status: 'paid',
  currency: 'EUR',
  created_at: '2024-02-01T00:00:00Z',
  updated_at: '2024-02-01T00:00:00Z',
  billing_address: address(),
  shipping_address: address(),
  shipping_lines: [{ id: 1, title: 'DHL', price: '5.00', phone: PERSON.phone }],
  line_items: [
    {
      id: id * 10 + 1,
      product_id: 7,
      quantity: 1,
      price: '30.00',
      title: 'Engraved mug',
      properties: [{ name: 'Engraving', value: `For ${PERSON.first} ${PERSON.last}` }],
    },
  ],
  fulfillments: [
    { id: id * 10 + 2, status: 'success', tracking_number: 'TRK4711ZQ', created_at: '2024-02-02T00:00:00Z' },
  ],
  refunds: [
    {
      id: id * 10 + 3,
      note: `${PERSON.first} returned it`,
      transactions: [{ kind: 'refund', status: 'success', amount: '5.00', receipt: { payer: EMAIL } }],
    },
  ],
  ...overrides,
});

const other = (id: number): ApiRecord => ({
  id,
  email: 'someone.else@example.com',
  first_name: 'Otto',
  last_name: 'Other',
  updated_at: '2024-01-02T00:00:00Z',
});

const otherOrder = (id: number, customerId: number): ApiRecord => ({
  id,
  name: `#${id}`,
  email: 'someone.else@example.com',
  customer: { id: customerId, email: 'someone.else@example.com' },
  total_price: '20.00',
  financial_status: 'paid',
  created_at: '2024-02-03T00:00:00Z',
  updated_at: '2024-02-03T00:00:00Z',
  shipping_address: { country: 'France', country_code: 'FR' },
  line_items: [{ id: id * 10 + 1, product_id: 7, quantity: 1, price: '20.00' }],
});

/** The strings that must be gone: every one occurs in the records above. */
const TRACES = [EMAIL, PERSON.first, PERSON.last, PERSON.phone, PERSON.street, PERSON.zip, PERSON.city, 'TRK4711ZQ'];

function filesContaining(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) continue;
    const bytes = fs.readFileSync(full);
    for (const needle of needles) {
      // Byte by byte, in both encodings SQLite may store text in.
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(needle, encoding))) found.push(`${file}: "${needle}" (${encoding})`);
      }
      if (bytes.includes(Buffer.from(needle.toLowerCase(), 'utf8'))) found.push(`${file}: "${needle}" (lower case)`);
    }
  }
  return found;
}

function sales(db: Db): { orders: number; total: string; refunded: string } {
  return db
    .prepare(
      `SELECT COUNT(*) AS orders, printf('%.2f', SUM(CAST(total_price AS REAL))) AS total,
              printf('%.2f', SUM(CAST(total_refunded AS REAL))) AS refunded FROM orders`,
    )
    .get() as { orders: number; total: string; refunded: string };
}

describe('erasure of a customer in the store', () => {
  let dir: string;
  let db: Db;
  withTempDatabase((d, p) => ((db = d), (dir = p)));

  function seed(): void {
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [customer(1), other(2)]));
    upsertRecords(
      db,
      resourceSpec('orders'),
      asNodes('orders', [
        order(100, 1),
        order(101, 1, { total_price: '40.00' }),
        order(102, null), // a guest checkout with the same email
        otherOrder(103, 2),
      ]),
    );
  }

  it('by email: the customer, their orders and guest orders lose every personal field; sales stay the same', () => {
    seed();
    const before = sales(db);
    expect(filesContaining(dir, [EMAIL]).length).toBeGreaterThan(0); // the search sees what is there

    const counts = redactCustomer(db, { emailSha256: emailSha256(` ${EMAIL.toUpperCase()} `) });
    expect(counts).toMatchObject({ found: true, customerIds: [1], customers: 1, orders: 3, guestOrders: 1 });

    const customerRow = db.prepare('SELECT * FROM customers WHERE id = 1').get() as Record<string, unknown>;
    for (const column of resourceSpec('customers').table.columns.filter((c) => c.personal)) {
      expect([column.name, customerRow[column.name]]).toEqual([column.name, null]);
    }
    expect(customerRow).toMatchObject({ country_code: 'DE', province: 'Berlin', total_spent: '70.00', tags: 'vip' });
    const orders = db.prepare('SELECT * FROM orders WHERE id IN (100, 101, 102) ORDER BY id').all() as Record<
      string,
      unknown
    >[];
    for (const row of orders) {
      expect(row).toMatchObject({ email: null, note: null, shipping_city: null, shipping_zip: null });
      expect(row).toMatchObject({ shipping_country_code: 'DE', shipping_province_code: 'BE' });
      expect(JSON.stringify(row)).not.toMatch(new RegExp(`${PERSON.first}|${PERSON.last}|${EMAIL}|203\\.0\\.113`, 'i'));
    }
    expect(db.prepare('SELECT customer_id FROM orders WHERE id = 100').get()).toEqual({ customer_id: 1 });
    expect(db.prepare('SELECT tracking_number FROM fulfillments WHERE order_id = 100').get()).toEqual({
      tracking_number: null,
    });
    expect(db.prepare('SELECT note, amount FROM refunds WHERE order_id = 100').get()).toEqual({
      note: null,
      amount: '5.00',
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM line_items WHERE order_id IN (100, 101, 102)').get()).toEqual({
      n: 3,
    });
    // The other customer and their order are untouched.
    expect(db.prepare('SELECT email FROM customers WHERE id = 2').get()).toEqual({ email: 'someone.else@example.com' });
    expect(db.prepare('SELECT email FROM orders WHERE id = 103').get()).toEqual({ email: 'someone.else@example.com' });
    expect(sales(db)).toEqual(before);
    // Ids and dates only.
    expect(db.prepare('SELECT resource, id FROM redactions ORDER BY resource, id').all()).toEqual([
      { resource: 'customers', id: 1 },
      { resource: 'orders', id: 102 },
    ]);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('redactions')).toEqual([
      { name: 'resource' },
      { name: 'id' },
      { name: 'redacted_at' },
    ]);
  });

  it('later syncs do not write the data back: the upsert scrubs a redacted customer, their orders and guest orders', () => {
    seed();
    redactCustomer(db, { emailSha256: emailSha256(EMAIL) });
    // The next sync fetches the same records from Shopify, with all their personal data.
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes('customers', [customer(1, { updated_at: '2024-03-01T00:00:00Z' }), other(2)]),
    );
    upsertRecords(
      db,
      resourceSpec('orders'),
      asNodes('orders', [order(100, 1), order(101, 1), order(102, null), order(104, 1)]),
    );
    const texts = db
      .prepare(
        `SELECT raw_json || coalesce(email, '') || coalesce(first_name, '') AS t FROM customers WHERE id = 1
         UNION ALL SELECT raw_json || coalesce(email, '') || coalesce(note, '') FROM orders WHERE id IN (100, 101, 102, 104)
         UNION ALL SELECT coalesce(tracking_number, '') FROM fulfillments
         UNION ALL SELECT coalesce(note, '') FROM refunds`,
      )
      .all() as { t: string }[];
    expect(texts.length).toBe(1 + 4 + 4 + 4);
    const leaked = texts.filter(({ t }) => TRACES.some((trace) => t.includes(trace)));
    expect(leaked).toEqual([]);
    expect(db.prepare('SELECT updated_at FROM customers WHERE id = 1').get()).toEqual({
      updated_at: '2024-03-01T00:00:00Z',
    });
  });

  it('leaves no byte of the erased data in the database file or the WAL, older versions of the rows included', async () => {
    // An older version of the customer (another email) was overwritten long before the erasure, without secure_delete.
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes('customers', [customer(1, { email: 'old.zelda.q@example.org', note: 'x'.repeat(3000) })]),
    );
    seed();
    redactCustomer(db, { customerId: 1 });
    const report = await purgeFreedPages(path.join(dir, DATABASE_FILE));
    expect(report.walBytesAfter).toBe(0);
    expect(filesContaining(dir, [...TRACES, 'old.zelda.q@example.org'])).toEqual([]);
    // Still readable and complete afterwards.
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 4 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a reader still on the WAL keeps it from being emptied: WalBusyError (retried), then it succeeds', async () => {
    seed();
    const reader = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT COUNT(*) FROM orders').get(); // holds its snapshot, as a streaming export does
    redactCustomer(db, { customerId: 1 });
    await expect(purgeFreedPages(path.join(dir, DATABASE_FILE), 200)).rejects.toThrow(WalBusyError);
    reader.prepare('COMMIT').run();
    reader.close();
    const report = await purgeFreedPages(path.join(dir, DATABASE_FILE), 200);
    expect(report.walBytesAfter).toBe(0);
    expect(filesContaining(dir, TRACES)).toEqual([]);
  });

  it('by id: a customer not synced yet is recorded, and their first sync stores them without personal data', () => {
    const counts = redactCustomer(db, { customerId: 77 });
    expect(counts).toMatchObject({ found: true, customerIds: [77], customers: 0, orders: 0 });
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [customer(77)]));
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [order(700, 77)]));
    expect(db.prepare('SELECT email, first_name, city FROM customers WHERE id = 77').get()).toEqual({
      email: null,
      first_name: null,
      city: null,
    });
    expect(db.prepare('SELECT email FROM orders WHERE id = 700').get()).toEqual({ email: null });
  });

  it('an email that matches nothing stored changes nothing, and says so', () => {
    seed();
    expect(redactCustomer(db, { emailSha256: emailSha256('nobody@example.org') })).toMatchObject({
      found: false,
      customers: 0,
      orders: 0,
    });
    expect(db.prepare('SELECT COUNT(*) AS n FROM redactions').get()).toEqual({ n: 0 });
  });

  it('an existing database (schema 2) gains the redactions table in place', () => {
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [other(2)]));
    db.exec('DROP TABLE redactions');
    db.pragma('user_version = 2');
    db.close();
    db = openDatabase(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) AS n FROM redactions').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT email FROM customers').get()).toEqual({ email: 'someone.else@example.com' });
  });
});

describe('the personal-data declarations', () => {
  const shop = createShopifyStore({ seed: 3, products: 10, customers: 150, orders: 400 });

  it("scrubbing an emulated store's records removes the customer's email, phone, names and street addresses", () => {
    let checked = 0;
    for (const resource of RESOURCES.filter((r) => r.personalData)) {
      for (const record of [...shop.records(resource.name)] as ApiRecord[]) {
        const person = (resource.name === 'customers' ? record : (record.customer as ApiRecord | null)) ?? record;
        const address = (record.default_address ??
          record.shipping_address ??
          record.billing_address) as ApiRecord | null;
        const traces = [person.email, person.phone, address?.address1, address?.zip, address?.name]
          .filter((v): v is string => typeof v === 'string' && v.length > 3)
          .map((v) => JSON.stringify(v));
        const scrubbed = JSON.stringify(scrubRecord(record, resource.personalData!.keys));
        expect(traces.filter((t) => scrubbed.includes(t))).toEqual([]);
        checked += traces.length;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('every column marked personal comes out empty from a scrubbed record, and the geography stays', () => {
    for (const resource of RESOURCES.filter((r) => r.personalData)) {
      const records = [...shop.records(resource.name)] as ApiRecord[];
      for (const table of [resource.table, ...resource.children]) {
        const personal = table.columns.filter((c) => c.personal).map((c) => c.name);
        let filled = 0;
        for (const record of records) {
          const scrubbed = scrubRecord(record, resource.personalData!.keys);
          const rows =
            table === resource.table
              ? [scrubbed]
              : (resource.children.find((c) => c === table)!.rows(scrubbed) as ApiRecord[]);
          for (const row of rows) {
            const values = table.columns.map((c) => c.from(row, scrubbed));
            personal.forEach((name) => {
              const value = values[table.columns.findIndex((c) => c.name === name)];
              if (value !== null && value !== '') filled += 1;
            });
            expect(
              blankPersonalColumns(table, values).filter((v, i) => table.columns[i].personal && v !== null),
            ).toEqual([]);
          }
        }
        expect([table.name, filled]).toEqual([table.name, 0]);
      }
    }
    const anOrder = [...shop.records('orders')].find((o) => (o as ApiRecord).shipping_address) as ApiRecord;
    const kept = scrubRecord(anOrder, resourceSpec('orders').personalData!.keys).shipping_address as ApiRecord;
    expect(Object.keys(kept).sort()).toEqual(['country', 'country_code', 'province', 'province_code']);
  });

  it('a copy of the database opened read-only by another tool sees the same redacted rows', () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = openDatabase(dir);
      upsertRecords(db, resourceSpec('customers'), asNodes('customers', [customer(1)]));
      redactCustomer(db, { customerId: 1 });
      db.close();
      const reader = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
      expect(reader.prepare('SELECT email, last_name FROM customers').get()).toEqual({ email: null, last_name: null });
      reader.close();
    } finally {
      cleanup();
    }
  });
});
