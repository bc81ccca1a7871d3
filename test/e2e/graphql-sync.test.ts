import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RESOURCE_NAMES } from '../../common/contract';
import { getMetadata, watermarkKey } from '../../activities/store/metadata';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { updatedAtMinFrom } from '../../activities/shopify/watermark';
import { resourceSpec } from '../../activities/store/resources';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

/**
 * SHOPIFY_API=graphql end to end: the unchanged workflow on a real Temporal dev server, the emulator's GraphQL Admin
 * API at its default cost limit (Standard plan: 100 points/s), a real SQLite file.
 */
describe('sync through the GraphQL Admin API by cursor-paged queries (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let url: string;
  const data = tempDir('gql-e2e-');
  const config = () => testConfig(data.dir, url, {}, 'e2e-graphql');

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({
      seed: 7,
      products: 20,
      customers: 60,
      // Under the 30 orders above which a Standard-plan window goes through a bulk operation (sync-method.ts).
      orders: 25,
      large: { productVariants: [130], orderLineItems: [300] },
    });
    url = await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const throttled = () => store.requestLog.filter((r) => r.graphql?.code === 'THROTTLED');
  const graphqlRequests = (field: string) => store.requestLog.filter((r) => r.graphql?.fields.includes(field));

  // A first sync (no watermark yet) of a window this small pages; `--full` and large windows go through bulk
  // operations (test/e2e/bulk.test.ts).
  it('a first sync pages the database equal to the store, the 130-variant product and the 300-item order whole', async () => {
    const result = await runSyncInProcess(env, config(), {});

    expect(result.resources.orders.records).toBe(25);
    expect(result.resources.customers.records).toBe(60);
    expect(result.resources.products.records).toBe(20);
    const db = openReadOnly(data.dir);
    const comparison = compareWithStore(db, store);
    const largest = (table: string, parent: string) =>
      (
        db.prepare(`SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM ${table} GROUP BY ${parent})`).get() as {
          n: number;
        }
      ).n;
    const variants = largest('product_variants', 'product_id');
    const lineItems = largest('line_items', 'order_id');
    db.close();
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
    expect(variants).toBe(130);
    expect(lineItems).toBe(300);

    // The large records' nested pages were drained by follow-up queries.
    expect(graphqlRequests('product').length).toBeGreaterThanOrEqual(Math.ceil((130 - 20) / 250));
    expect(graphqlRequests('order').length).toBe(Math.ceil((300 - 10) / 142));
    // One count per resource: the plan's choice between pages and a bulk operation.
    for (const name of RESOURCE_NAMES) expect(graphqlRequests(`${name}Count`)).toHaveLength(1);
    // Paced from throttleStatus: never THROTTLED, every query within Shopify's 1,000 points.
    expect(throttled()).toEqual([]);
    expect(store.requestLog.every((r) => (r.graphql?.requestedCost ?? 0) <= 1_000)).toBe(true);
  });

  it('an incremental run after changes fetches only the changed records and ends equal again', async () => {
    // The 300-item order and the 130-variant product change too: paged again, their nested connections drained again.
    const largest = (name: 'orders' | 'products', key: string) =>
      [...store.records(name)].reduce((a, b) => ((b[key] as unknown[]).length > (a[key] as unknown[]).length ? b : a))
        .id as number;
    const changed = {
      orders: store.mutate('orders', { update: 7, create: 3, ids: [largest('orders', 'line_items')] }),
      customers: store.mutate('customers', { update: 4, create: 2 }),
      products: store.mutate('products', { update: 2, ids: [largest('products', 'variants')] }),
    };
    const db = openReadOnly(data.dir);
    const since = Object.fromEntries(
      RESOURCE_NAMES.map((name) => [name, updatedAtMinFrom(getMetadata(db, watermarkKey(name)))!]),
    );
    db.close();
    store.clearRequestLog();

    const result = await runSyncInProcess(env, config(), {});

    for (const name of RESOURCE_NAMES) {
      // Exactly what the store holds from the watermark's lookback on: the changes, and nothing older.
      const expected = [...store.records(name)].filter(
        (r) => Date.parse(r.updated_at as string) >= Date.parse(since[name]),
      );
      const changedIds = [...changed[name].updated, ...changed[name].created];
      expect(expected.map((r) => r.id)).toEqual(expect.arrayContaining(changedIds));
      expect(expected.length).toBeLessThan(changedIds.length + 5);
      expect(result.resources[name].records).toBe(expected.length);
      // Only the pages the changes fill, after the window's one count.
      const perPage = pageQuery(resourceSpec(name).graphql).first;
      expect(graphqlRequests(name)).toHaveLength(Math.max(1, Math.ceil(expected.length / perPage)));
      expect(graphqlRequests(`${name}Count`)).toHaveLength(1);
    }
    expect(graphqlRequests('order').length).toBe(Math.ceil((300 - 10) / 142));
    expect(graphqlRequests('product').length).toBeGreaterThanOrEqual(1);
    const after = openReadOnly(data.dir);
    const comparison = compareWithStore(after, store);
    after.close();
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
    expect(throttled()).toEqual([]);
  });
});
