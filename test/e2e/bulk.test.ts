import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RESOURCE_NAMES, syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { resultWithin, startWorker } from '../helpers/faults-processes';
import { processEnv, waitFor } from '../helpers/processes';
import { expectDatabaseEqualsStore } from '../helpers/faults-outputs';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

/**
 * SHOPIFY_API=graphql full syncs through bulk operations, on a real Temporal dev server against the emulator: one
 * operation per resource, waited for with workflow timers, its JSONL stored; and a worker SIGKILLed while Shopify
 * runs the operations, after which a new worker waits for the same operations instead of starting others.
 */
describe('full sync through bulk operations (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const largest = (dataDir: string, table: string, parent: string) => {
    const db = openReadOnly(dataDir);
    try {
      const sql = `SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM ${table} GROUP BY ${parent})`;
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const expectEqualToStore = expectDatabaseEqualsStore;
  const onePerResource = { products: 1, customers: 1, orders: 1 };

  describe('in one worker', () => {
    let store: ShopifyStore;
    const data = tempDir('bulk-e2e-');
    beforeAll(async () => {
      store = createShopifyStore({
        seed: 5,
        products: 25,
        customers: 70,
        orders: 60,
        large: { productVariants: [130], orderLineItems: [300] },
      });
      await store.listen(0);
    });
    afterAll(async () => {
      await store?.close();
      data.cleanup();
    });

    it('equals the store row for row, through exactly one downloaded operation per resource and no paging', async () => {
      const config = testConfig(data.dir, store.url, {}, 'e2e-bulk');
      const result = await runSyncInProcess(env, config, { full: true });

      expect(result.resources.products.records).toBe(25);
      expect(result.resources.customers.records).toBe(70);
      expect(result.resources.orders.records).toBe(60);
      expectEqualToStore(data.dir, store);
      expect(largest(data.dir, 'product_variants', 'product_id')).toBe(130);
      expect(largest(data.dir, 'line_items', 'order_id')).toBe(300);

      expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource);
      const operations = store.graphql.bulkOperations();
      expect(operations.map((op) => [op.resource, op.status, op.downloads]).sort()).toEqual(
        RESOURCE_NAMES.map((name) => [name, 'COMPLETED', 1]).sort(),
      );
      // Records came from the files, not from paged queries.
      for (const name of RESOURCE_NAMES) {
        expect(store.requestLog.filter((r) => r.graphql?.fields.includes(name))).toEqual([]);
      }
    });
  });

  describe('a worker process killed while Shopify runs the operations', () => {
    let store: ShopifyStore;
    const data = tempDir('bulk-kill-');
    beforeAll(async () => {
      store = createShopifyStore({
        seed: 9,
        products: 20,
        customers: 40,
        orders: 50,
        large: { productVariants: [130], orderLineItems: [300] },
        // Long enough for the kill to land while every operation is still RUNNING.
        graphql: { bulk: { durationMs: 12_000 } },
      });
      await store.listen(0);
    });
    afterAll(async () => {
      await store?.close();
      data.cleanup();
    });

    it('a new worker waits for the same operations: one per resource, each downloaded once, database exact', async () => {
      const workerEnv = {
        ...processEnv({
          storeUrl: store.url,
          dataDir: data.dir,
          temporalAddress: env.address,
          taskQueue: 'bulk-kill',
        }),
        SHOPIFY_API: 'graphql',
      };
      const first = await startWorker(workerEnv);
      const handle = await env.client.workflow.start(shopifySync, {
        workflowId: syncWorkflowId('e2e-store'),
        taskQueue: 'bulk-kill',
        args: [{ full: true }],
      });
      await waitFor(
        'a bulk operation started for every resource',
        () => Object.values(store.graphql.bulkOperationsStarted()).every((n) => n === 1),
        60_000,
      );
      expect(await first.kill9()).toBe('SIGKILL');
      expect(store.graphql.bulkOperations().map((op) => op.status)).not.toContain('COMPLETED');

      const second = await startWorker(workerEnv);
      try {
        const result = await resultWithin(handle, 120_000, 'the run resumed by the second worker');
        expect(result.resources.orders.records).toBe(50);
      } finally {
        await second.stop();
      }

      expect(store.graphql.bulkOperationsStarted()).toEqual(onePerResource);
      expect(
        store.graphql
          .bulkOperations()
          .map((op) => [op.resource, op.status, op.downloads])
          .sort(),
      ).toEqual(RESOURCE_NAMES.map((name) => [name, 'COMPLETED', 1]).sort());
      expectEqualToStore(data.dir, store);
      expect(largest(data.dir, 'line_items', 'order_id')).toBe(300);
    }, 300_000);
  });
});
