import type Database from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { syncWorkflowId } from '../../common/contract';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { resourceSpec } from '../../activities/store/resources';
import { shopifySync } from '../../workflows';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { resultWithin, startWorker } from '../helpers/faults-processes';
import { pageKey, servedPages } from '../helpers/graphql-log';
import { processEnv, waitFor } from '../helpers/processes';
import { openReadOnly } from '../helpers/sync-harness';
import { startTemporal } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

/** A Plus plan's cost bucket (1,000 points/s): paged orders come 10 to a query, and these tests are about kills. */
const PLUS_PLAN = { maximumAvailable: 10_000, restoreRate: 1_000 };

describe('durability: the worker is killed mid-sync', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const expectEqualToStore = (db: Database.Database, store: ShopifyStore) => {
    const comparison = compareWithStore(db, store);
    expect(comparison.firstDifferences).toEqual([]);
    expect(comparison).toMatchObject(EQUAL);
  };

  describe('while paging', () => {
    let store: ShopifyStore;
    const data = tempDir('durability-paging-');
    const orders = 200;
    beforeAll(async () => {
      // Slow order pages so the kill lands in the middle of the orders.
      store = createShopifyStore({
        seed: 3,
        products: 30,
        customers: 200,
        orders,
        graphql: { costLimit: PLUS_PLAN },
        faults: [{ kind: 'latency', latencyMs: 300, field: 'orders' }],
      });
      await store.listen(0);
    });
    afterAll(async () => {
      await store?.close();
      data.cleanup();
    });

    it('SIGKILL after 3+ order pages: a new worker finishes the run, exact, fetching at most two pages again', async () => {
      const workerEnv = processEnv({
        storeUrl: store.url,
        dataDir: data.dir,
        temporalAddress: env.address,
        taskQueue: 'durability-paging',
      });
      const first = await startWorker(workerEnv);
      // A first sync (no watermarks) pages every resource; `--full` runs bulk operations (below).
      const handle = await env.client.workflow.start(shopifySync, {
        workflowId: syncWorkflowId('e2e-store'),
        taskQueue: 'durability-paging',
        args: [{}],
      });

      // An activity stores several pages and the progress query moves once per activity: the store's request log
      // shows the pages as they are served.
      const servedOrderPages = () => servedPages(store.requestLog, 'orders');
      await waitFor('three served pages of orders', () => servedOrderPages().length >= 3, 90_000);
      expect(await first.kill9()).toBe('SIGKILL');
      const servedAtKill = servedOrderPages().length;

      const second = await startWorker(workerEnv);
      try {
        const result = await resultWithin(handle, 120_000, 'the run resumed by the second worker');
        expect(result.resources.orders.records).toBe(orders);
      } finally {
        await second.stop();
      }

      const db = openReadOnly(data.dir);
      expectEqualToStore(db, store);
      // The committed watermarks took the page checkpoints with them.
      expect(db.prepare('SELECT COUNT(*) AS n FROM page_checkpoints').get()).toEqual({ n: 0 });
      db.close();

      // Every order page was requested once, except at most the two in flight at the kill: the page being stored and
      // the next one, prefetched meanwhile. The retried activity continued from its checkpoint in SQLite.
      const orderPages = servedOrderPages();
      const timesFetched = new Map<string, number>();
      for (const request of orderPages)
        timesFetched.set(pageKey(request), (timesFetched.get(pageKey(request)) ?? 0) + 1);
      expect(timesFetched.size).toBe(Math.ceil(orders / pageQuery(resourceSpec('orders').graphql).first));
      const refetched = [...timesFetched.values()].filter((n) => n > 1);
      expect(refetched.length).toBeLessThanOrEqual(2);
      expect(refetched.every((n) => n === 2)).toBe(true);
      // The pages stored before the kill (all served ones but the last two) were not fetched again.
      const storedBeforeKill = orderPages.slice(0, servedAtKill - 2).map(pageKey);
      expect(storedBeforeKill).toContain('first');
      for (const key of storedBeforeKill) expect(timesFetched.get(key)).toBe(1);
    }, 240_000);
  });

  describe('while storing a bulk result', () => {
    let store: ShopifyStore;
    const data = tempDir('durability-bulk-');
    const orders = 6_000;
    beforeAll(async () => {
      // The result files come down a slow link, so the kill lands while the orders' file is being staged.
      store = createShopifyStore({
        seed: 4,
        products: 20,
        customers: 100,
        orders,
        graphql: { costLimit: PLUS_PLAN, resultBytesPerSecond: 1_000_000 },
      });
      await store.listen(0);
    });
    afterAll(async () => {
      await store?.close();
      data.cleanup();
    });

    const ingestOf = (operationId: string) => {
      const db = openReadOnly(data.dir);
      try {
        return db
          .prepare('SELECT phase, byte_offset AS byteOffset, lines, chunks FROM bulk_ingests WHERE operation_id = ?')
          .get(operationId) as { phase: string; byteOffset: number; lines: number; chunks: number } | undefined;
      } catch {
        return undefined; // the worker has not created the table yet
      } finally {
        db.close();
      }
    };

    it('SIGKILL after a staged chunk: the new worker resumes the download where the last chunk ended, exact', async () => {
      const workerEnv = processEnv({
        storeUrl: store.url,
        dataDir: data.dir,
        temporalAddress: env.address,
        taskQueue: 'durability-bulk',
      });
      const first = await startWorker(workerEnv);
      const handle = await env.client.workflow.start(shopifySync, {
        workflowId: syncWorkflowId('e2e-store'),
        taskQueue: 'durability-bulk',
        args: [{ full: true }],
      });
      const ordersOperation = await waitFor(
        'the orders bulk operation to complete',
        () => store.graphql.bulkOperations().find((op) => op.resource === 'orders' && op.status === 'COMPLETED'),
        90_000,
      );
      const atKill = await waitFor(
        'a staged chunk of the orders result',
        () => {
          const ingest = ingestOf(ordersOperation.id);
          return ingest && ingest.phase === 'staging' && ingest.chunks >= 1 ? ingest : undefined;
        },
        90_000,
      );
      expect(await first.kill9()).toBe('SIGKILL');
      // Nothing more was committed between the probe and the kill.
      const committed = ingestOf(ordersOperation.id)!;
      expect(committed.phase).toBe('staging');
      expect(committed.byteOffset).toBeGreaterThanOrEqual(atKill.byteOffset);
      expect(committed.byteOffset).toBeLessThan(ordersOperation.fileSize!);

      const second = await startWorker(workerEnv);
      try {
        const result = await resultWithin(handle, 180_000, 'the run resumed by the second worker');
        expect(result.resources.orders.records).toBe(orders);
      } finally {
        await second.stop();
      }

      const db = openReadOnly(data.dir);
      expectEqualToStore(db, store);
      db.close();

      // The orders' file was downloaded twice: from the start, then from the end of the last chunk committed before
      // the kill. So the lines re-read are at most the chunk that was being staged.
      const downloads = store.requestLog.filter(
        (r) => r.kind === 'bulk-result' && r.path.includes(numericId(ordersOperation.id)),
      );
      expect(downloads.map((r) => r.download?.from)).toEqual([0, committed.byteOffset]);
      expect(downloads[1].status).toBe(206);
      expect(downloads[1].download!.from + downloads[1].download!.bytesSent).toBe(ordersOperation.fileSize);
      expect(store.graphql.bulkOperationsStarted()).toEqual({ products: 1, customers: 1, orders: 1 });
    }, 300_000);
  });
});

function numericId(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}
