import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DEFAULT_API_VERSION } from '../../common/config';
import type { BulkPollInput, BulkStartInput } from '../../common/contract';
import { createBulkSyncActivities } from '../../activities/bulk-sync-activities';
import { accessTokenSource } from '../../activities/shopify/access-token';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { GraphqlPagedSource } from '../../activities/shopify/graphql/paged-source';
import { openDatabase, type Db } from '../../activities/store/database';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { TEST_TOKEN } from '../helpers/sync-harness';
import { quietLogger } from '../helpers/quiet-logger';

/** The bulk activities against the emulator: what the workflow gets back, and what a retried ingest does. */
describe('bulk sync activities', () => {
  let store: ShopifyStore;
  let db: Db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-activities-'));
  type Bulk = ReturnType<typeof createBulkSyncActivities>;
  const env = () => new MockActivityEnvironment({ activityId: 'bulk' }, { logger: quietLogger });
  const start = (bulk: Bulk, input: BulkStartInput): ReturnType<Bulk['startBulkSync']> =>
    env().run(bulk.startBulkSync, input) as ReturnType<Bulk['startBulkSync']>;
  const poll = (bulk: Bulk, input: BulkPollInput): ReturnType<Bulk['pollBulkSync']> =>
    env().run(bulk.pollBulkSync, input) as ReturnType<Bulk['pollBulkSync']>;
  const ingest = (bulk: Bulk, input: BulkPollInput): ReturnType<Bulk['ingestBulkSync']> =>
    env().run(bulk.ingestBulkSync, input) as ReturnType<Bulk['ingestBulkSync']>;

  beforeAll(async () => {
    store = createShopifyStore({ seed: 4, products: 5, customers: 6, orders: 9, rateLimit: false });
    await store.listen(0);
    db = openDatabase(dir);
  });
  afterAll(async () => {
    db?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function activities() {
    const config = { store: 'unit-store', baseUrl: store.url, apiVersion: DEFAULT_API_VERSION, timeoutMs: 10_000 };
    const client = new GraphqlClient({
      ...config,
      tokens: accessTokenSource({ ...config, apiToken: TEST_TOKEN }),
      pacer: new CostPacer(),
    });
    const source = new GraphqlPagedSource(client);
    return createBulkSyncActivities({ db: () => db, graphql: () => client, source: () => source, store: 'unit-store' });
  }

  async function completed(resource: 'orders' | 'customers') {
    const bulk = activities();
    const { operationId } = await start(bulk, { resource, updatedAtMin: null });
    for (let i = 0; i < 200; i += 1) {
      const status = await poll(bulk, { resource, operationId });
      if (status.state !== 'running') return { bulk, operationId, status };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`bulk operation ${operationId} did not finish`);
  }

  it('stores a completed operation once: a retried ingest reports the same counts and newest updated_at', async () => {
    const { bulk, operationId, status } = await completed('orders');
    expect(status).toEqual({ state: 'completed', objectCount: expect.any(Number) });

    const first = await ingest(bulk, { resource: 'orders', operationId });
    const newest = [...store.records('orders')]
      .map((r) => Date.parse(r.updated_at as string))
      .reduce((a, b) => Math.max(a, b));
    expect(first).toMatchObject({ state: 'stored', records: 9, orphans: 0 });
    expect(first.state === 'stored' && Date.parse(first.maxUpdatedAt!)).toBe(newest);

    const again = await ingest(bulk, { resource: 'orders', operationId });
    expect(again).toEqual(first);
    expect(store.graphql.bulkOperations().find((op) => op.id === operationId)?.downloads).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 9 });
  });

  it('an expired result asks the workflow to run the operation again, from the check and from the ingest', async () => {
    const { bulk, operationId } = await completed('customers');
    store.graphql.expireBulkResults();

    expect(await poll(bulk, { resource: 'customers', operationId })).toMatchObject({
      state: 'rerun',
      reason: 'EXPIRED',
    });
    expect(await ingest(bulk, { resource: 'customers', operationId })).toMatchObject({
      state: 'rerun',
      reason: 'EXPIRED',
    });
  });
});
