import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { RESOURCE_NAMES } from '../../common/contract';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { resourceSpec } from '../../activities/store/resources';
import { createShopifyStore, demoStoreOptions, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { pageKey, pageRequests, searchedSince, servedPages, throttledRequests } from '../helpers/graphql-log';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

const perPage = (name: (typeof RESOURCE_NAMES)[number]) => pageQuery(resourceSpec(name).graphql).first;

describe('sync workflow end to end (real Temporal dev server, emulated Shopify store, real SQLite)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let url: string;
  const data = tempDir();
  const demoOrders = 5_000;

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore(demoStoreOptions(demoOrders));
    url = await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const expectEqualToStore = () => {
    const db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    db.close();
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
    return comparison;
  };

  it('a full sync of the demo store makes the database equal the store, through one bulk operation per resource', async () => {
    const result = await runSyncInProcess(env, testConfig(data.dir, url), { full: true });

    expect(result.resources.orders.records).toBe(demoOrders);
    expect(result.resources.customers.records).toBe(store.count('customers'));
    expect(result.resources.products.records).toBe(200);
    const comparison = expectEqualToStore();
    expect(comparison.rowsCompared).toBeGreaterThan(demoOrders * 3);

    expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 1, customers: 1, orders: 1 });
    for (const name of RESOURCE_NAMES) expect(pageRequests(store.requestLog, name)).toEqual([]);
    expect(throttledRequests(store.requestLog)).toEqual([]);
    expect(store.requestLog.filter((r) => r.status !== 200)).toEqual([]);
  });

  it('an incremental run after changes fetches only the changed records and ends equal again', async () => {
    const changed = {
      orders: store.mutate('orders', { update: 7, create: 3 }),
      customers: store.mutate('customers', { update: 4, create: 2 }),
      products: store.mutate('products', { update: 2 }),
    };
    store.clearRequestLog();

    const result = await runSyncInProcess(env, testConfig(data.dir, url), {});

    for (const name of RESOURCE_NAMES) {
      const requests = pageRequests(store.requestLog, name);
      const since = searchedSince(requests[0]);
      expect(since).toBeDefined();
      expect(requests.map(searchedSince)).toEqual(requests.map(() => since));
      // Exactly what the store holds from the watermark's lookback on: the changes, and nothing older.
      const expected = [...store.records(name)].filter((r) => Date.parse(r.updated_at as string) >= Date.parse(since!));
      const changedIds = [...changed[name].updated, ...changed[name].created];
      expect(expected.map((r) => r.id)).toEqual(expect.arrayContaining(changedIds));
      expect(expected.length).toBeLessThan(changedIds.length + 5);
      expect(result.resources[name].records).toBe(expected.length);
      expect(requests).toHaveLength(Math.ceil(expected.length / perPage(name)));
    }
    expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 1, customers: 1, orders: 1 });
    expectEqualToStore();
  });

  it('an incremental run with nothing changed asks Shopify twice: every count in one request, then destroy events', async () => {
    // The run before may have started in the very second its records were changed: then its watermarks stayed
    // before that second (an edit again within it would otherwise be missed) and one more run reads them again.
    await runSyncInProcess(env, testConfig(data.dir, url), {});
    store.clearRequestLog();
    const result = await runSyncInProcess(env, testConfig(data.dir, url), {});

    const asked = store.requestLog.filter((r) => r.kind === 'graphql').map((r) => r.graphql!.fields.join(','));
    // The shop's time zone is asked once per worker process (this test starts one per run).
    expect(asked.filter((fields) => fields !== 'shop')).toEqual([
      'productsCount,productsCount,customersCount,customersCount,ordersCount,ordersCount',
      'events',
    ]);
    for (const name of RESOURCE_NAMES) {
      expect(result.resources[name]).toMatchObject({ pages: 0, records: 0, unchanged: true });
    }
    expect(result.stages.map((s) => s.name)).toEqual(expect.arrayContaining(['csv', 'analytics']));
    expectEqualToStore();

    // One change later, only its resource is paged (one page), the others still not.
    store.mutate('customers', { update: 1 });
    store.clearRequestLog();
    const next = await runSyncInProcess(env, testConfig(data.dir, url), {});
    expect(pageRequests(store.requestLog, 'customers')).toHaveLength(1);
    expect(pageRequests(store.requestLog, 'orders')).toEqual([]);
    expect(pageRequests(store.requestLog, 'products')).toEqual([]);
    expect(next.resources.customers.records).toBeGreaterThanOrEqual(1);
    expect(next.resources.orders).toMatchObject({ pages: 0, unchanged: true });
    expectEqualToStore();
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
    const rejected = store.requestLog.filter((r) => r.status === 401);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected.length).toBeLessThanOrEqual(3);
    // Nothing stored was damaged.
    expectEqualToStore();
  });
});

describe('long syncs continue as new', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  const data = tempDir();

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    // Paged orders come 10 to a query (each order's nested connections cost most of the 1,000 points): a Plus plan's
    // bucket (1,000 points/s) keeps 25 pages of them quick.
    store = createShopifyStore({
      seed: 9,
      products: 30,
      customers: 300,
      orders: 250,
      graphql: { costLimit: { maximumAvailable: 10_000, restoreRate: 1_000 } },
    });
    await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('carries the cursors across continue-as-new: every page fetched once, the database equals the store', async () => {
    // A first sync (no watermarks) pages every resource; `--full` would run bulk operations instead.
    // Two pages per activity: enough activities for the small history limit, each one with a page it prefetched.
    const config = { ...testConfig(data.dir, store.url), pageBudget: { pages: 2, ms: 60_000 } };
    const result = await runSyncInProcess(env, config, { historyLimit: 20 });
    expect(result.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(result.resources.orders).toMatchObject({ records: 250, pages: Math.ceil(250 / perPage('orders')) });
    const pages = RESOURCE_NAMES.flatMap((name) =>
      servedPages(store.requestLog, name).map((r) => `${name}:${pageKey(r)}`),
    );
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(250 / perPage('orders')));
    expect(new Set(pages).size).toBe(pages.length);
    expect(pageRequests(store.requestLog, 'orders')).toHaveLength(servedPages(store.requestLog, 'orders').length);
    const db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    db.close();
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
  });
});
