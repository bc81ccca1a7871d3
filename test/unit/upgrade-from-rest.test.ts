import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openDatabase } from '../../activities/store/database';
import { getMetadata, setMetadata, watermarkKey } from '../../activities/store/metadata';
import { redactCustomer } from '../../activities/store/redaction';
import { resourceSpec } from '../../activities/store/resources';
import { SCHEMA_VERSION } from '../../activities/store/schema';
import { upsertRecords } from '../../activities/store/upsert';
import { DELETION_EVENTS_WATERMARK } from '../../activities/deletion-activities';
import { asNode } from '../helpers/graphql-nodes';
import { tempDir } from '../helpers/tmp';

/**
 * A database written by the version that read REST, opened by this one: the resources holding REST records lose their
 * watermarks (the next sync reads them whole, as GraphQL nodes), and until then their rows keep the values REST gave,
 * an erasure still reaching them.
 */

/** An order as the REST version stored it: REST's JSON in raw_json, the rows derived from it then. */
const REST_ORDER = {
  id: 501,
  name: '#1501',
  email: 'zelda.q@example.org',
  customer: { id: 42, email: 'zelda.q@example.org', first_name: 'Zelda' },
  total_price: '25.00',
  shipping_address: { city: 'Lyon', zip: '69001', country: 'France', country_code: 'FR' },
  line_items: [{ id: 5011, product_id: 7, quantity: 1, price: '25.00' }],
  fulfillments: [{ id: 5015, tracking_number: 'TRACK-1', created_at: '2024-03-02T09:00:00-04:00' }],
  created_at: '2024-03-01T09:00:00-04:00',
  updated_at: '2024-03-01T10:00:00-04:00',
};

describe('upgrading a database written through REST', () => {
  const data = tempDir('upgrade-from-rest-');
  afterAll(() => data.cleanup());

  function writePreviousVersion(): void {
    const db = openDatabase(data.dir);
    db.prepare(
      `INSERT INTO orders (id, name, email, customer_id, total_price, shipping_city, shipping_country, raw_json)
       VALUES (501, '#1501', 'zelda.q@example.org', 42, '25.00', 'Lyon', 'France', ?)`,
    ).run(JSON.stringify(REST_ORDER));
    db.prepare(
      "INSERT INTO line_items (id, order_id, product_id, quantity, price) VALUES (5011, 501, 7, 1, '25.00')",
    ).run();
    db.prepare("INSERT INTO fulfillments (id, order_id, tracking_number) VALUES (5015, 501, 'TRACK-1')").run();
    // Customers were read through GraphQL already (SHOPIFY_API=graphql was the opt-in): nothing to read again.
    upsertRecords(db, resourceSpec('customers'), [
      asNode('customers')({ id: 42, email: 'zelda.q@example.org', first_name: 'Zelda', updated_at: '2024-03-01' }),
    ]);
    for (const resource of ['products', 'customers', 'orders'])
      setMetadata(db, watermarkKey(resource), '2026-11-29T00:00:00Z');
    setMetadata(db, DELETION_EVENTS_WATERMARK, '2026-11-29T00:00:00Z');
    db.pragma('user_version = 5'); // before migration 6, which reads REST records again
    db.close();
  }

  it('clears the watermark of each resource that holds REST records, and only theirs', () => {
    writePreviousVersion();
    const db = openDatabase(data.dir);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(getMetadata(db, watermarkKey('orders'))).toBeNull();
      expect(getMetadata(db, watermarkKey('customers'))).toBe('2026-11-29T00:00:00Z');
      expect(getMetadata(db, watermarkKey('products'))).toBe('2026-11-29T00:00:00Z');
      expect(getMetadata(db, DELETION_EVENTS_WATERMARK)).toBe('2026-11-29T00:00:00Z');
      // The REST order's rows are as the REST version wrote them.
      expect(db.prepare('SELECT name, total_price, shipping_city FROM orders WHERE id = 501').get()).toEqual({
        name: '#1501',
        total_price: '25.00',
        shipping_city: 'Lyon',
      });
    } finally {
      db.close();
    }
  });

  it('keeps the REST rows when the order is written again, and an erasure still empties their personal data', () => {
    const db = openDatabase(data.dir);
    try {
      // A rewrite from raw_json (a schema back-fill does this) must not read the REST record with GraphQL's readers.
      upsertRecords(db, resourceSpec('orders'), [REST_ORDER]);
      expect(db.prepare('SELECT total_price, shipping_country FROM orders WHERE id = 501').get()).toEqual({
        total_price: '25.00',
        shipping_country: 'France',
      });
      expect(db.prepare('SELECT COUNT(*) AS n FROM line_items WHERE order_id = 501').get()).toEqual({ n: 1 });

      redactCustomer(db, { customerId: 42 });
      const order = db
        .prepare('SELECT email, shipping_city, total_price, shipping_country, raw_json FROM orders WHERE id = 501')
        .get() as Record<string, unknown>;
      expect(order).toMatchObject({
        email: null,
        shipping_city: null,
        total_price: '25.00',
        shipping_country: 'France',
      });
      const raw = JSON.parse(order.raw_json as string);
      expect(raw.email).toBeNull();
      expect(raw.customer.first_name).toBeNull();
      expect(raw.shipping_address).toEqual({ country: 'France', country_code: 'FR' });
      expect(raw.fulfillments[0].tracking_number).toBeNull();
      expect(db.prepare('SELECT tracking_number FROM fulfillments WHERE id = 5015').get()).toEqual({
        tracking_number: null,
      });
      expect(db.prepare('SELECT email, first_name FROM customers WHERE id = 42').get()).toEqual({
        email: null,
        first_name: null,
      });
    } finally {
      db.close();
    }
    const file = new Database(path.join(data.dir, DATABASE_FILE), { readonly: true });
    try {
      const all = (file.prepare('SELECT raw_json FROM orders').all() as { raw_json: string }[]).map((r) => r.raw_json);
      expect(all.join('\n')).not.toContain('zelda');
    } finally {
      file.close();
    }
  });
});
