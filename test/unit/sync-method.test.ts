import { MockActivityEnvironment } from '@temporalio/testing';
import { BULK_FIXED_SECONDS, chooseSyncMethod } from '../../activities/shopify/graphql/sync-method';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { Db, openDatabase } from '../../activities/store/database';
import { getMetadata, setMetadata, watermarkKey } from '../../activities/store/metadata';
import { resourceSpec } from '../../activities/store/resources';
import { createSyncActivities, type ResourcePlan } from '../../activities/sync-activities';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { syncAll, syncDeps } from '../helpers/graphql-source';
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

describe('planSync: every count in one request, and windows with nothing new', () => {
  const data = tempDir('plan-unchanged-');
  let store: ShopifyStore;
  let db: Db;
  // The emulator stamps changes with this clock: a change "before the watermark" is one saved late.
  let clock = Date.parse('2026-11-30T12:00:00Z');
  const quiet = () => undefined;
  const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
  const names = ['products', 'customers', 'orders'] as const;

  beforeAll(async () => {
    store = createShopifyStore({ seed: 8, products: 3, customers: 10, orders: 20, now: () => new Date(clock) });
    await store.listen(0);
    db = openDatabase(data.dir);
  });
  afterAll(async () => {
    db.close();
    await store.close();
    data.cleanup();
  });

  const plan = (full = false): Promise<Record<string, ResourcePlan>> => {
    const { planSync } = createSyncActivities(syncDeps(db, store.url));
    return new MockActivityEnvironment({}, { logger }).run(planSync, { full, resources: [...names] });
  };

  /** Stores every record as a finished sync would, the watermark each resource's newest `updated_at`. */
  async function syncEverything(): Promise<void> {
    await syncAll(syncDeps(db, store.url));
    for (const name of names) {
      const newest = Math.max(...[...store.records(name)].map((r) => Date.parse(r.updated_at as string)));
      setMetadata(db, watermarkKey(name), new Date(newest).toISOString());
    }
  }

  /** The plan's GraphQL requests: counts only, one request for all. */
  async function planRequests(full = false) {
    store.clearRequestLog();
    const result = await plan(full);
    const requests = store.requestLog.filter((e) => e.kind === 'graphql' && !e.graphql?.fields.includes('shop'));
    return { result, requests };
  }

  it('asks every resource’s counts in one request: the window and what is newer than the watermark', async () => {
    await syncEverything();
    const { result, requests } = await planRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0].graphql!.fields).toEqual(names.flatMap((n) => [`${n}Count`, `${n}Count`]));
    // The window is watermark − 60 s: it holds at least the newest record, already stored.
    for (const name of names) expect(result[name]).toMatchObject({ method: 'pages', unchanged: true });
    expect(result.orders.windowCount).toBeGreaterThanOrEqual(1);
  });

  it('a full sync counts every resource in one request too, and none is "unchanged"', async () => {
    const { result, requests } = await planRequests(true);
    expect(requests).toHaveLength(1);
    expect(requests[0].graphql!.fields).toEqual(names.map((n) => `${n}Count`));
    for (const name of names) {
      expect(result[name]).toMatchObject({ method: 'bulk', expected: store.count(name) });
      expect(result[name].unchanged).toBeUndefined();
    }
  });

  it('a record changed after the watermark makes its resource read, the others stay unchanged', async () => {
    await syncEverything();
    clock = Date.now();
    store.mutate('customers', { update: 1 });
    const { result } = await planRequests();
    expect(result.customers.unchanged).toBeUndefined();
    expect(result.customers.windowCount).toBeGreaterThanOrEqual(1);
    expect(result.orders.unchanged).toBe(true);
    expect(result.products.unchanged).toBe(true);
  });

  it('a record saved late, inside the look-back before the watermark, makes its resource read', async () => {
    await syncEverything();
    const watermark = Date.parse(getMetadata(db, watermarkKey('orders'))!);
    // The oldest order, stamped 30 s before the watermark: not newer than it, but one more record in the window.
    const [oldest] = [...store.records('orders')].sort(
      (a, b) => Date.parse(a.updated_at as string) - Date.parse(b.updated_at as string),
    );
    clock = watermark - 30_000;
    store.mutate('orders', { ids: [oldest.id as number] });
    const { result } = await planRequests();
    expect(result.orders.unchanged).toBeUndefined();
    expect(result.customers.unchanged).toBe(true);
  });

  it('without a watermark (a first sync) nothing is "unchanged"', async () => {
    db.prepare('DELETE FROM metadata').run();
    const { result } = await planRequests();
    for (const name of names) expect(result[name].unchanged).toBeUndefined();
  });
});
