import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { processEnv, spawnTs, waitFor } from '../helpers/processes';
import { openReadOnly } from '../helpers/sync-harness';
import { startTemporal } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

describe('durability: the worker is killed mid-sync', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  const data = tempDir();

  beforeAll(async () => {
    env = await startTemporal();
    // Slow order pages so the kill lands in the middle of the orders.
    store = createShopifyStore({
      seed: 3,
      products: 30,
      customers: 200,
      orders: 3_000,
      faults: [{ kind: 'latency', latencyMs: 300, resource: 'orders' }],
    });
    await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('SIGKILL after 3+ order pages: a new worker finishes the run, exact, without re-fetching stored pages', async () => {
    const workerEnv = processEnv({
      storeUrl: store.url,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'durability',
    });
    const first = spawnTs('worker/index.ts', [], workerEnv);
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: syncWorkflowId('e2e-store'),
      taskQueue: 'durability',
      args: [{ full: true }],
    });

    // An activity stores several pages and the progress query moves once per activity: the store's request log
    // shows the pages as they are served.
    const servedOrderPages = () =>
      store.requestLog.filter((r) => r.resource === 'orders' && r.kind === 'list' && r.status === 200);
    await waitFor('three served pages of orders', () => servedOrderPages().length >= 3, 90_000);
    first.child.kill('SIGKILL');
    const servedAtKill = servedOrderPages().length;
    expect(await first.exited).toBe('SIGKILL');

    const second = spawnTs('worker/index.ts', [], workerEnv);
    try {
      const result = await handle.result();
      expect(result.resources.orders.records).toBe(3_000);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    // The committed watermarks took the page checkpoints with them.
    expect(db.prepare('SELECT COUNT(*) AS n FROM page_checkpoints').get()).toEqual({ n: 0 });
    db.close();

    // Every order page was requested once, except at most the two in flight at the kill: the page being stored and
    // the next one, prefetched meanwhile. The retried activity continued from its checkpoint in SQLite.
    const orderPages = servedOrderPages();
    const timesFetched = new Map<string, number>();
    for (const request of orderPages) {
      const key = request.query.page_info ?? 'first';
      timesFetched.set(key, (timesFetched.get(key) ?? 0) + 1);
    }
    expect(timesFetched.size).toBe(Math.ceil(3_000 / 250));
    const refetched = [...timesFetched.values()].filter((n) => n > 1);
    expect(refetched.length).toBeLessThanOrEqual(2);
    expect(refetched.every((n) => n === 2)).toBe(true);
    // The pages stored before the kill (all served ones but the last two) were not fetched again.
    const storedBeforeKill = orderPages.slice(0, servedAtKill - 2).map((r) => r.query.page_info ?? 'first');
    expect(storedBeforeKill).toContain('first');
    for (const key of storedBeforeKill) expect(timesFetched.get(key)).toBe(1);
  });
});
