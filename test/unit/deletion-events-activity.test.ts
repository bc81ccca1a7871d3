import { MockActivityEnvironment } from '@temporalio/testing';
import type { DeletionEventsReport } from '../../common/contract';
import { createDeletionActivities, DELETION_EVENTS_WATERMARK } from '../../activities/deletion-activities';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { fetchDeletionEvents } from '../../activities/shopify/graphql/deletion-events';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { openDatabase, type Db } from '../../activities/store/database';
import { getMetadata } from '../../activities/store/metadata';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { tempDir } from '../helpers/tmp';
import { quietLogger } from '../helpers/quiet-logger';

/**
 * applyDeletionEvents against the emulator's `events` query through the real GraphQL client, on a real SQLite file:
 * what leaves the database, what `deletions` says, and the events watermark committed with it.
 */

// Test-only: emulator records are arbitrary JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const ids = (db: Db, table: string) =>
  (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);

describe('applyDeletionEvents', () => {
  let store: ShopifyStore;
  let client: GraphqlClient;
  let db: Db;
  let cleanup: () => void;
  let clock: number;
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });

  beforeEach(async () => {
    clock = Date.parse('2026-11-30T08:00:00Z');
    store = createShopifyStore({ products: 5, customers: 20, orders: 20, now: () => new Date(clock) });
    const url = await store.listen(0);
    client = new GraphqlClient({
      store: 'demo-store',
      baseUrl: url,
      apiVersion: '2026-10',
      timeoutMs: 5_000,
      tokens: {
        kind: 'static',
        token: async () => 'shpat_demo_token',
        renewAfterRejection: async () => 'shpat_demo_token',
        expiresAt: () => null,
      },
      pacer: new CostPacer(),
    });
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(dir);
    for (const name of ['products', 'customers', 'orders'] as const) {
      upsertRecords(db, resourceSpec(name), asNodes(name, [...store.records(name)]));
    }
  });
  afterEach(async () => {
    db.close();
    cleanup();
    await store.close();
  });

  const apply = async (deps: Parameters<typeof createDeletionActivities>[0]) =>
    (await env.run(createDeletionActivities(deps).applyDeletionEvents)) as DeletionEventsReport;
  const applyEvents = (lookbackMs?: number) =>
    apply({
      db: () => db,
      deletionEvents: () => (options) => fetchDeletionEvents(client, options),
      lookbackMs,
      now: () => clock,
    });

  it('removes what Shopify deleted, records it as found by event and commits the events watermark', async () => {
    const products = [...store.records('products')] as Any[];
    const orders = [...store.records('orders')] as Any[];
    const withOrders = new Set(orders.map((o) => o.customer?.id));
    const customer = ([...store.records('customers')] as Any[]).find((c) => !withOrders.has(c.id));
    const variant = products.slice(1).find((p) => p.variants.length > 1).variants[0];
    store.delete('products', [products[0].id]);
    store.delete('orders', [orders[0].id, orders[1].id]);
    store.delete('customers', [customer.id]);
    store.delete('variants', [variant.id]);
    clock += 5_000;

    const report = await applyEvents();
    expect(report).toMatchObject({
      applied: true,
      events: 5,
      ignored: 0,
      removed: { products: 1, orders: 2, customers: 1, product_variants: 1 },
      watermark: '2026-11-30T08:00:00Z',
    });
    expect(report.detail).toBe('5 destroy events; removed 1 products, 1 product_variants, 1 customers, 2 orders');
    expect(ids(db, 'products')).not.toContain(products[0].id);
    expect(ids(db, 'product_variants')).not.toContain(variant.id);
    expect(ids(db, 'orders')).not.toContain(orders[0].id);
    expect(ids(db, 'line_items')).not.toContain(orders[0].line_items[0].id);
    expect(ids(db, 'customers')).not.toContain(customer.id);
    const rows = db.prepare('SELECT resource, id, found_by, deleted_at FROM deletions ORDER BY resource, id').all();
    expect(rows).toEqual(
      [
        ['customers', customer.id],
        ['orders', orders[0].id],
        ['orders', orders[1].id],
        ['product_variants', variant.id],
        ['products', products[0].id],
      ]
        .sort()
        .map(([resource, id]) => ({ resource, id, found_by: 'event', deleted_at: '2026-11-30T08:00:00Z' })),
    );
    expect(getMetadata(db, DELETION_EVENTS_WATERMARK)).toBe('2026-11-30T08:00:00Z');

    // The next run reads the same events again (lookback) and removes nothing more.
    const again = await applyEvents();
    expect(again).toMatchObject({ events: 5, removed: {} });
    expect(db.prepare('SELECT count(*) AS n FROM deletions').get()).toEqual({ n: 5 });
  });

  it('reads only events from the watermark less the lookback on, and moves the watermark on when there are none', async () => {
    const [first, second] = [...store.records('orders')] as Any[];
    store.delete('orders', [first.id]);
    clock += 3 * 3_600_000;
    const firstRun = await applyEvents(3_600_000);
    expect(firstRun.watermark).toBe('2026-11-30T10:00:00.000Z');
    expect(ids(db, 'orders')).not.toContain(first.id);
    // Put the first order back, as if it had never been removed: an event before the lookback is not read again.
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [first]));
    store.delete('orders', [second.id]);
    const next = await applyEvents(3_600_000);
    expect(next).toMatchObject({ events: 1, removed: { orders: 1 }, watermark: '2026-11-30T11:00:00Z' });
    expect(ids(db, 'orders')).toContain(first.id);
  });
});
