/**
 * Full syncs through bulk operations, against stubbed activities on a local Temporal dev server: the workflow starts
 * one operation per resource, waits with timers between short checks, stores the result once, and keeps the
 * operation id across continue-as-new. The activities themselves are tested in test/unit, the chain in test/e2e.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, WorkflowBundlePath } from '@temporalio/worker';
import { RESOURCE_NAMES, type BulkStartInput, type SyncInput } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { BULK_UPDATED_AT, type BulkScript, RECORDS_PER_PAGE, ShopPages, stubActivities } from './stub-activities';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundlePath;
let runs = 0;

beforeAll(async () => {
  [env, bundle] = await Promise.all([startTemporal(), workflowBundle()]);
});
afterAll(async () => {
  await env?.teardown();
});

const shop: ShopPages = { products: 3, customers: 2, orders: 7 };

type Calls = ReturnType<typeof stubActivities>['calls'];

async function runBulkSync(
  bulk: BulkScript,
  input: SyncInput = {},
  during?: (handle: WorkflowHandle<typeof shopifySync>, calls: Calls) => Promise<void>,
) {
  const { activities, calls } = stubActivities(shop, { bulk });
  const taskQueue = `bulk-workflow-test-${++runs}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  const outcome = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: `${taskQueue}-sync`,
      taskQueue,
      args: [{ full: true, bulkPollMs: 50, ...input }],
      workflowExecutionTimeout: '60 seconds',
    });
    await during?.(handle, calls);
    return handle.result().then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
  });
  return { ...outcome, calls };
}

const forResource = <T extends { resource: string }>(list: T[], name: string) =>
  list.filter((x) => x.resource === name);

describe('shopifySync full through bulk operations (stubbed activities)', () => {
  it('starts one operation per resource, checks it until COMPLETED, stores it once, commits its watermark', async () => {
    const { result, error, calls } = await runBulkSync({ runningPolls: 3 });
    expect(error).toBeUndefined();

    expect(calls.pages).toEqual([]);
    for (const name of RESOURCE_NAMES) {
      expect(forResource(calls.bulkStarts, name)).toEqual([{ resource: name, updatedAtMin: expect.any(String) }]);
      // Three RUNNING answers, then COMPLETED: four checks of the same operation, with timers in between.
      expect(forResource(calls.bulkPolls, name)).toEqual(Array(4).fill({ resource: name, operationId: `${name}/1` }));
      expect(forResource(calls.bulkIngests, name)).toEqual([{ resource: name, operationId: `${name}/1` }]);
      expect(result!.resources[name].records).toBe(shop[name] * RECORDS_PER_PAGE);
    }
    expect(calls.watermarks.map((w) => [w.resource, w.maxUpdatedAt]).sort()).toEqual(
      RESOURCE_NAMES.map((name) => [name, BULK_UPDATED_AT]).sort(),
    );
    // Outputs only after every resource is stored.
    expect(calls.order.indexOf('csv')).toBeGreaterThan(calls.order.lastIndexOf('commitWatermark'));
  });

  it('runs a failed operation again as a new one, and stores only the one that completed', async () => {
    const { error, calls } = await runBulkSync({ runningPolls: 1, failures: { orders: 2 } });
    expect(error).toBeUndefined();

    expect(forResource(calls.bulkStarts, 'orders')).toHaveLength(3);
    expect(forResource(calls.bulkIngests, 'orders')).toEqual([{ resource: 'orders', operationId: 'orders/3' }]);
    expect(forResource(calls.bulkStarts, 'products')).toHaveLength(1);
  });

  it('fails clearly after three reruns instead of starting operations forever', async () => {
    const { error, calls } = await runBulkSync({ runningPolls: 0, failures: { customers: 10 } });

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause?.message).toMatch(/customers bulk operation failed 4 times on Shopify's side/);
    expect(forResource(calls.bulkStarts, 'customers')).toHaveLength(4);
    expect(forResource(calls.bulkIngests, 'customers')).toEqual([]);
  });

  it('continues as new while waiting and the next run waits for the same operation: no second one', async () => {
    const { result, error, calls } = await runBulkSync({ runningPolls: 8 }, { historyLimit: 40 });
    expect(error).toBeUndefined();

    expect(result!.continuedAsNew).toBeGreaterThanOrEqual(1);
    for (const name of RESOURCE_NAMES) {
      expect(forResource(calls.bulkStarts, name)).toHaveLength(1);
      const polled = new Set(forResource(calls.bulkPolls, name).map((p) => p.operationId));
      expect([...polled]).toEqual([`${name}/1`]);
      expect(forResource(calls.bulkPolls, name)).toHaveLength(9);
      expect(forResource(calls.bulkIngests, name)).toHaveLength(1);
    }
  });

  it('cancelled while Shopify runs the operations: each is cancelled at Shopify before the run ends as cancelled', async () => {
    const { error, calls } = await runBulkSync({ runningPolls: 1_000 }, {}, async (handle, calls) => {
      const deadline = Date.now() + 20_000;
      while (calls.bulkPolls.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await handle.cancel();
    });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(calls.bulkCancels.map((c) => c.operationId).sort()).toEqual(RESOURCE_NAMES.map((n) => `${n}/1`).sort());
    expect(calls.bulkIngests).toEqual([]);
  });

  it('one resource failing the run: the operations of the others are cancelled at Shopify, not left running', async () => {
    const { error, calls } = await runBulkSync({ runningPolls: 1_000, deniedAt: { resource: 'orders', poll: 2 } });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toContain('ACCESS_DENIED');
    expect(calls.bulkCancels.map((c) => c.operationId).sort()).toEqual(RESOURCE_NAMES.map((n) => `${n}/1`).sort());
    expect(calls.bulkIngests).toEqual([]);
  });

  it('TIMEOUT: the window is exported in halves, narrower until none times out, in order, then one watermark', async () => {
    const DAY = 86_400_000;
    // Shopify times out any orders operation over more than 8 days (an open-ended one ends now).
    const wide = (start: BulkStartInput) =>
      start.resource === 'orders' &&
      (start.updatedAtMax ? Date.parse(start.updatedAtMax) : Date.now()) - Date.parse(start.updatedAtMin!) > 8 * DAY;
    const { result, error, calls } = await runBulkSync({ runningPolls: 0, timesOut: wide });
    expect((error as WorkflowFailedError | undefined)?.cause?.message).toBeUndefined();

    const starts = forResource(calls.bulkStarts, 'orders');
    const ingested = forResource(calls.bulkIngests, 'orders').map((i) => Number(i.operationId.split('/')[1]));
    const stored = ingested.map((n) => starts[n - 1]);
    expect(starts.length).toBeGreaterThan(stored.length);
    // The windows stored cover the planned range without gap or overlap, oldest first, the last one open-ended.
    expect(stored[0].updatedAtMin).toBe('2026-10-31T00:00:00.000Z');
    for (let k = 1; k < stored.length; k++) expect(stored[k].updatedAtMin).toBe(stored[k - 1].updatedAtMax);
    expect(stored[stored.length - 1].updatedAtMax).toBeNull();
    expect(stored.length).toBeGreaterThan(1);
    expect(result!.resources.orders.records).toBe(stored.length * shop.orders * RECORDS_PER_PAGE);
    expect(forResource(calls.watermarks, 'orders')).toHaveLength(1);
    // Other resources: one operation over the whole range, as before.
    expect(forResource(calls.bulkStarts, 'products')).toEqual([
      { resource: 'products', updatedAtMin: expect.any(String) },
    ]);
  });
});
