import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

describe('sync workflow end to end (real Temporal dev server, emulated Shopify store, real SQLite)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let url: string;
  const data = tempDir();

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 7, products: 60, customers: 400, orders: 1_300 });
    url = await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('a full sync makes the database equal the store', async () => {
    const result = await runSyncInProcess(env, testConfig(data.dir, url), { full: true });

    expect(result.resources.orders.records).toBe(1_300);
    expect(result.resources.orders.pages).toBe(Math.ceil(1_300 / 250));
    const db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    db.close();
    expect(comparison).toMatchObject(EQUAL);
    expect(comparison.rowsCompared).toBeGreaterThan(1_300 + 400 + 60 + 1_300 * 2);

    const orderPages = store.requestLog.filter((r) => r.resource === 'orders' && r.kind === 'list');
    expect(orderPages[0].query).toMatchObject({ status: 'any', limit: '250' });
    expect(orderPages.every((r) => r.status === 200)).toBe(true);
    expect(store.requestLog.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('an incremental run after changes fetches only the changed records and ends equal again', async () => {
    const changed = {
      orders: store.mutate('orders', { update: 7, create: 3 }),
      customers: store.mutate('customers', { update: 4, create: 2 }),
      products: store.mutate('products', { update: 2 }),
    };
    store.clearRequestLog();

    const result = await runSyncInProcess(env, testConfig(data.dir, url), {});

    for (const name of ['orders', 'customers', 'products'] as const) {
      const requests = store.requestLog.filter((r) => r.resource === name && r.kind === 'list');
      const since = requests[0].query.updated_at_min;
      expect(since).toBeDefined();
      // Exactly what the store holds from the watermark's lookback on: the changes, and nothing older.
      const expected = [...store.records(name)].filter((r) => Date.parse(r.updated_at as string) >= Date.parse(since));
      const changedIds = [...changed[name].updated, ...changed[name].created];
      expect(expected.map((r) => r.id)).toEqual(expect.arrayContaining(changedIds));
      expect(expected.length).toBeLessThan(changedIds.length + 5);
      expect(result.resources[name].records).toBe(expected.length);
      expect(requests).toHaveLength(1);
    }
    const db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    db.close();
  });

  it('a bad token fails the run at once, without retries, with a message naming the store and the 401', async () => {
    store.clearRequestLog();
    const started = Date.now();
    const failure = await runSyncInProcess(env, testConfig(data.dir, url, { apiToken: 'shpat_wrong' }), {
      full: true,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause?.message).toMatch(/Shopify store "e2e-store" rejected the access token \(401 Unauthorized/);
    expect(cause?.message).toMatch(/SHOPIFY_API_TOKEN/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(store.requestLog.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
    // Nothing stored was damaged.
    const db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    db.close();
  });
});

describe('long syncs continue as new', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  const data = tempDir();

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 9, products: 30, customers: 300, orders: 2_600 });
    await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('carries the cursors across continue-as-new: every page fetched once, the database equals the store', async () => {
    // Two pages per activity: enough activities for the small history limit, each one with a page it prefetched.
    const config = { ...testConfig(data.dir, store.url), pageBudget: { pages: 2, ms: 60_000 } };
    const result = await runSyncInProcess(env, config, { full: true, historyLimit: 20 });
    expect(result.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(result.resources.orders).toMatchObject({ records: 2_600, pages: 11 });
    const pages = store.requestLog
      .filter((r) => r.kind === 'list')
      .map((r) => `${r.resource}:${r.query.page_info ?? 'first'}`);
    expect(new Set(pages).size).toBe(pages.length);
    const db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    db.close();
  });
});
