import { MockActivityEnvironment } from '@temporalio/testing';
import { BULK_FIXED_SECONDS, chooseSyncMethod } from '../../activities/shopify/graphql/sync-method';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { Db, openDatabase } from '../../activities/store/database';
import { setMetadata, watermarkKey } from '../../activities/store/metadata';
import { resourceSpec } from '../../activities/store/resources';
import { createSyncActivities, type ResourcePlan } from '../../activities/sync-activities';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { syncDeps } from '../helpers/graphql-source';
import { tempDir } from '../helpers/tmp';

/** Pages or a bulk operation for an incremental window: Shopify's count of the window against the cost model. */

describe('chooseSyncMethod', () => {
  const orders = resourceSpec('orders').graphql;
  const customers = resourceSpec('customers').graphql;

  it('pages a window that paging clears within a bulk operation’s fixed cost, and bulk-reads a larger one', () => {
    // Orders: 982 requested points a page of 10, so 98.2 a record; 100 points/s × 30 s ÷ 98.2 = 30 records.
    expect(chooseSyncMethod(orders, 30, 100)).toEqual({ method: 'pages', count: 30, pagingSeconds: 29, threshold: 30 });
    expect(chooseSyncMethod(orders, 31, 100)).toMatchObject({ method: 'bulk', threshold: 30 });
    expect(chooseSyncMethod(orders, 0, 100).method).toBe('pages');
    // Customers cost 5 points a record: a window twenty times larger still pages.
    expect(chooseSyncMethod(customers, 598, 100)).toMatchObject({ method: 'pages', threshold: 598 });
    expect(chooseSyncMethod(customers, 599, 100).method).toBe('bulk');
  });

  it('moves the threshold with the plan’s restore rate, and assumes the Standard plan when Shopify did not say', () => {
    expect(chooseSyncMethod(orders, 300, 1_000)).toMatchObject({ method: 'pages', threshold: 305 });
    expect(chooseSyncMethod(orders, 306, 1_000).method).toBe('bulk');
    expect(chooseSyncMethod(orders, 31, null)).toMatchObject({ method: 'bulk', threshold: 30 });
  });

  it('takes a threshold of the caller’s (bulkAbove: Infinity pages any window, as paging tests need)', () => {
    expect(chooseSyncMethod(orders, 10_000, 100, Infinity).method).toBe('pages');
    expect(chooseSyncMethod(orders, 11, 100, 10).method).toBe('bulk');
  });

  it('derives the threshold from the page query’s own cost: a bulk operation’s seconds of paging', () => {
    const page = pageQuery(orders);
    const { threshold } = chooseSyncMethod(orders, 0, 100);
    expect(threshold).toBe(Math.floor((BULK_FIXED_SECONDS * 100 * page.first) / page.cost));
  });
});

describe('planSync', () => {
  let store: ShopifyStore;
  const data = tempDir('plan-sync-');
  let db: Db;
  const lines: string[] = [];
  const logger = {
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: (message: string) => void lines.push(message),
    warn: () => undefined,
    error: () => undefined,
  };

  beforeAll(async () => {
    // The Standard plan's bucket (100 points/s): the threshold for orders is 30.
    store = createShopifyStore({ seed: 5, products: 3, customers: 10, orders: 120 });
    await store.listen(0);
    db = openDatabase(data.dir);
  });
  afterAll(async () => {
    db.close();
    await store.close();
    data.cleanup();
  });
  beforeEach(() => (lines.length = 0));

  const plan = (full: boolean): Promise<Record<string, ResourcePlan>> => {
    const { planSync } = createSyncActivities(syncDeps(db, store.url));
    const input: Parameters<typeof planSync>[0] = { full, resources: ['orders'] };
    return new MockActivityEnvironment({}, { logger }).run(planSync, input);
  };

  /** A watermark that puts `n` orders in the window (which starts 60 s before it). */
  function watermarkWith(n: number): string {
    const times = [...store.records('orders')].map((o) => Date.parse(o.updated_at as string)).sort((a, b) => b - a);
    return new Date(times[n - 1] + 60_000).toISOString();
  }

  it('pages a small window, with Shopify’s count of it in the plan and the log', async () => {
    setMetadata(db, watermarkKey('orders'), watermarkWith(12));
    const result = await plan(false);
    expect(result.orders).toMatchObject({ method: 'pages', windowCount: 12, expected: null });
    expect(lines.join('\n')).toMatch(
      /orders: 12 updated since \S+, pages \(paging ≈ \d+ s of cost budget; bulk above 30/,
    );
  });

  it('bulk-reads a window too big to page, passing its start on (the workflow gives it to startBulkSync)', async () => {
    const watermark = watermarkWith(45);
    setMetadata(db, watermarkKey('orders'), watermark);
    const result = await plan(false);
    expect(result.orders).toMatchObject({ method: 'bulk', windowCount: 45 });
    expect(Date.parse(result.orders.updatedAtMin!)).toBe(Date.parse(watermark) - 60_000);
    expect(lines.join('\n')).toMatch(/orders: 45 updated since \S+, bulk/);
  });

  it('without a watermark (the first sync after the upgrade) counts the whole store', async () => {
    db.prepare('DELETE FROM metadata').run();
    expect((await plan(false)).orders).toMatchObject({ method: 'bulk', windowCount: 120, updatedAtMin: null });
  });

  it('a full sync is a bulk operation whatever the count, the count its progress target', async () => {
    setMetadata(db, watermarkKey('orders'), watermarkWith(3));
    expect((await plan(true)).orders).toMatchObject({ method: 'bulk', expected: 120, updatedAtMin: null });
  });
});
