import path from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RESOURCE_NAMES, type ResourceName, type SyncInput, type SyncResult } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createShopifyStore, type ShopifyStore, type ShopifyStoreOptions } from '../../emulators/shopify';
import { createSyncWorker } from '../../worker/create-worker';
import { DevServer, resultWithin, startWorker, workerEnv, type WorkerProcess } from '../helpers/faults-processes';
import { waitFor } from '../helpers/processes';
import { expectDatabaseEqualsStore } from '../helpers/faults-outputs';
import { testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

/**
 * Bulk operations that Shopify fails, expires or someone else cancels, on a real Temporal dev server against the
 * emulator: what the user sees (a finished run with exact data, or a failure that says what happened and what to do)
 * and what the emulator saw (how many operations, in which state).
 */
describe('bulk operation faults (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  let runs = 0;
  const stores: ShopifyStore[] = [];
  const dirs: { cleanup: () => void }[] = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const dir of dirs) dir.cleanup();
    await env?.teardown();
  });

  /** A small store of its own per test, so its operation counts and faults are the test's alone. */
  async function smallStore(options: ShopifyStoreOptions = {}): Promise<ShopifyStore> {
    const store = createShopifyStore({ seed: 13, products: 8, customers: 12, orders: 16, ...options });
    stores.push(store);
    await store.listen(0);
    return store;
  }

  type Outcome = { result?: SyncResult; error?: unknown; dataDir: string; ms: number };

  /** One full GraphQL sync with an in-process worker; `during` acts while the run is under way. */
  async function fullSync(
    store: ShopifyStore,
    during?: (handle: WorkflowHandle<typeof shopifySync>) => Promise<void>,
    input: SyncInput = {},
  ): Promise<Outcome> {
    const data = tempDir('bulk-faults-');
    dirs.push(data);
    const taskQueue = `bulk-faults-${++runs}`;
    const config = testConfig(data.dir, store.url, {}, taskQueue);
    const { worker, close } = await createSyncWorker({
      ...config,
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    });
    const started = Date.now();
    try {
      return await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(shopifySync, {
          workflowId: taskQueue,
          taskQueue,
          args: [{ full: true, bulkPollMs: 100, ...input }],
        });
        await during?.(handle);
        const outcome = await handle.result().then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        return { ...outcome, dataDir: data.dir, ms: Date.now() - started };
      });
    } finally {
      close();
    }
  }

  const expectExact = expectDatabaseEqualsStore;
  /** The run's failure message as the CLI and the Web UI show it. */
  const failureMessage = (error: unknown): string => {
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause?.message ?? '';
  };
  const operations = (store: ShopifyStore, resource: ResourceName) =>
    store.graphql
      .bulkOperations()
      .filter((op) => op.resource === resource)
      .map(({ status, errorCode, downloads }) => ({ status, errorCode, downloads }));
  const onePerResource = (except: Partial<Record<ResourceName, number>>) =>
    Object.fromEntries(RESOURCE_NAMES.map((name) => [name, except[name] ?? 1]));

  it('FAILED INTERNAL_SERVER_ERROR with partial data: a new operation runs, its result alone is stored, data exact', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([
      { errorCode: 'INTERNAL_SERVER_ERROR', resource: 'orders', nth: 1, partialRecords: 5 },
    ]);
    const { result, error, dataDir } = await fullSync(store);
    expect(error).toBeUndefined();
    expect(result!.resources.orders.records).toBe(16);

    expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource({ orders: 2 }));
    // The partial file of the failed operation is never read: the new operation's result has every order.
    expect(operations(store, 'orders')).toEqual([
      { status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR', downloads: 0 },
      { status: 'COMPLETED', errorCode: null, downloads: 1 },
    ]);
    expectExact(dataDir, store);
  });

  it('FAILED TIMEOUT with partial data: retried as two operations over the two halves of the window, data exact', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([{ errorCode: 'TIMEOUT', resource: 'orders', nth: 1, partialRecords: 5 }]);
    const { result, error, dataDir } = await fullSync(store);
    expect(error).toBeUndefined();
    expect(result!.resources.orders.records).toBe(16);

    expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource({ orders: 3 }));
    const [failed, ...halves] = store.graphql.bulkOperations().filter((op) => op.resource === 'orders');
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'TIMEOUT', downloads: 0 });
    expect(halves.map((op) => op.status)).toEqual(['COMPLETED', 'COMPLETED']);
    // Split between the oldest order and the sync's start, not from a date before the store: the first half has data.
    expect(halves[0].rootObjectCount).toBeGreaterThan(0);
    expect(halves.reduce((sum, op) => sum + op.rootObjectCount, 0)).toBe(16);
    expectExact(dataDir, store);
  });

  it('TIMEOUT on every operation wider than 5 orders: narrower windows until none is, data exact', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([{ errorCode: 'TIMEOUT', resource: 'orders', widerThan: 5 }]);
    const { result, error, dataDir } = await fullSync(store);
    expect(error).toBeUndefined();
    expect(result!.resources.orders.records).toBe(16);

    const orders = store.graphql.bulkOperations().filter((op) => op.resource === 'orders');
    const completed = orders.filter((op) => op.status === 'COMPLETED');
    expect(orders.filter((op) => op.status !== 'COMPLETED').map((op) => op.errorCode)).toEqual(
      Array(orders.length - completed.length).fill('TIMEOUT'),
    );
    expect(completed.length).toBeGreaterThanOrEqual(Math.ceil(16 / 5));
    expect(completed.every((op) => op.rootObjectCount <= 5)).toBe(true);
    expect(completed.reduce((sum, op) => sum + op.rootObjectCount, 0)).toBe(16);
    expectExact(dataDir, store);
  });

  it('a result that expired before it was read: the operation runs again and the data is exact', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([{ resultExpired: true, resource: 'products', nth: 1 }]);
    const { result, error, dataDir } = await fullSync(store);
    expect(error).toBeUndefined();
    expect(result!.resources.products.records).toBe(8);
    expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource({ products: 2 }));
    expect(operations(store, 'products')).toEqual([
      { status: 'EXPIRED', errorCode: null, downloads: 0 },
      { status: 'COMPLETED', errorCode: null, downloads: 1 },
    ]);
    expectExact(dataDir, store);
  });

  it('ACCESS_DENIED: the run fails at once, without a second operation, naming the missing scope', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([{ errorCode: 'ACCESS_DENIED', resource: 'customers' }]);
    const { error, ms } = await fullSync(store);
    const message = failureMessage(error);
    expect(message).toContain('denied the customers bulk operation');
    expect(message).toContain('ACCESS_DENIED');
    expect(message).toContain('read_customers access scope');
    expect(store.graphql.bulkOperationsStarted().customers).toBe(1);
    expect(operations(store, 'customers')).toEqual([{ status: 'FAILED', errorCode: 'ACCESS_DENIED', downloads: 0 }]);
    // No retry delays: the first check that saw the denial failed the run.
    expect(ms).toBeLessThan(15_000);
  });

  it('an operation cancelled by someone else while it runs: the run fails saying so, nothing of it stored', async () => {
    const store = await smallStore({ graphql: { bulk: { durationMs: 3_000 } } });
    const { error } = await fullSync(store, async () => {
      const running = await waitFor(
        'the orders bulk operation to run',
        () => store.graphql.bulkOperations().find((op) => op.resource === 'orders' && op.status === 'RUNNING'),
        30_000,
      );
      store.graphql.cancelBulkOperation(running.id);
    });
    const message = failureMessage(error);
    expect(message).toMatch(/The orders bulk operation gid:\/\/shopify\/BulkOperation\/\d+ .* was cancelled outside/);
    expect(message).toContain('start the sync again');
    expect(store.graphql.bulkOperationsStarted().orders).toBe(1);
    expect(operations(store, 'orders')).toEqual([{ status: 'CANCELED', errorCode: null, downloads: 0 }]);
  });

  it('a failure on every attempt: the run fails after 3 reruns with Shopify’s reason, and starts no more', async () => {
    const store = await smallStore();
    store.graphql.setBulkFaults([{ errorCode: 'INTERNAL_SERVER_ERROR', resource: 'orders' }]);
    const { error } = await fullSync(store);
    const message = failureMessage(error);
    expect(message).toContain('The orders bulk operation failed 4 times');
    expect(message).toContain('INTERNAL_SERVER_ERROR');
    expect(store.graphql.bulkOperationsStarted().orders).toBe(4);
    expect(operations(store, 'orders').map((op) => op.status)).toEqual(Array(4).fill('FAILED'));
  });

  it('the sync cancelled while Shopify runs its operations: every one is cancelled at Shopify, none left running', async () => {
    const store = await smallStore({ graphql: { bulk: { durationMs: 20_000 } } });
    const { error, ms } = await fullSync(store, async (handle) => {
      await waitFor(
        'an operation running for every resource',
        () => store.graphql.bulkOperations().filter((op) => op.status === 'RUNNING').length === 3,
        30_000,
      );
      await handle.cancel();
    });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // Cancelled, not waited for: the operations would have run 20 s.
    expect(ms).toBeLessThan(15_000);
    expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource({}));
    await waitFor(
      'every operation CANCELED at the emulator',
      () => store.graphql.bulkOperations().every((op) => op.status === 'CANCELED'),
      5_000,
    );
  });
});

describe('bulk operations across a Temporal server restart (dev server on its own SQLite file)', () => {
  const data = tempDir('bulk-server-');
  let server: DevServer;
  let store: ShopifyStore;
  let worker: WorkerProcess | undefined;
  let connection: Connection | undefined;

  beforeAll(async () => {
    server = await DevServer.create(path.join(data.dir, 'temporal', 'temporal.db'));
    // Long enough for the server to be killed and started again while every operation still runs.
    store = createShopifyStore({
      seed: 21,
      products: 10,
      customers: 14,
      orders: 18,
      graphql: { bulk: { durationMs: 8_000 } },
    });
    await Promise.all([server.start(), store.listen(0)]);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await server?.stop();
    await store?.close();
    data.cleanup();
  });

  it('the server SIGKILLed and restarted mid-operation: the run waits for the same operations, one each, data exact', async () => {
    const dataDir = path.join(data.dir, 'sync');
    worker = await startWorker({
      ...workerEnv({ storeUrl: store.url, dataDir, temporalAddress: server.address, taskQueue: 'bulk-server' }),
      SHOPIFY_API: 'graphql',
    });
    connection = await Connection.connect({ address: server.address });
    const handle = await new Client({ connection }).workflow.start(shopifySync, {
      workflowId: 'bulk-server-restart',
      taskQueue: 'bulk-server',
      args: [{ full: true, bulkPollMs: 500 }],
    });
    await waitFor(
      'an operation running for every resource',
      () => store.graphql.bulkOperations().filter((op) => op.status === 'RUNNING').length === 3,
      60_000,
    );
    await server.kill9();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(store.graphql.bulkOperations().map((op) => op.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    await server.start();

    await connection.close();
    connection = await Connection.connect({ address: server.address });
    const resumed = new Client({ connection }).workflow.getHandle<typeof shopifySync>(
      'bulk-server-restart',
      handle.firstExecutionRunId,
    );
    const result = await resultWithin(resumed, 90_000, 'the run after the server restart');
    expect(result.resources.orders.records).toBe(18);

    // The operations started before the kill were waited for and stored: none started twice, none left behind.
    expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 1, customers: 1, orders: 1 });
    expect(store.graphql.bulkOperations().map((op) => [op.status, op.downloads])).toEqual(
      Array(3).fill(['COMPLETED', 1]),
    );
    expectDatabaseEqualsStore(dataDir, store);
  }, 180_000);
});
