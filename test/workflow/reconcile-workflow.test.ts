/**
 * Reconciliation's place in the workflow, against stubbed activities on a local Temporal dev server: it runs when the
 * run asks (`--reconcile`, with `--force`) or when RECONCILE_INTERVAL has passed, after the destroy events and before
 * the outputs, and not otherwise. What it removes is tested in test/unit/reconcile.test.ts and test/e2e/reconcile.test.ts.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, WorkflowBundlePath } from '@temporalio/worker';
import { workflowMetadataQuery } from '@temporalio/workflow';
import type { SyncInput } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { ShopPages, stubActivities } from './stub-activities';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundlePath;
let runs = 0;

beforeAll(async () => {
  [env, bundle] = await Promise.all([startTemporal(), workflowBundle()]);
});
afterAll(async () => {
  await env?.teardown();
});

const shop: ShopPages = { products: 1, customers: 1, orders: 2 };

async function run(
  stub: ReturnType<typeof stubActivities>,
  input: SyncInput,
  during?: (handle: WorkflowHandle<typeof shopifySync>) => Promise<void>,
) {
  const taskQueue = `reconcile-workflow-test-${++runs}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: stub.activities,
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: `${taskQueue}-sync`,
      taskQueue,
      args: [input],
      workflowExecutionTimeout: '30 seconds',
    });
    await during?.(handle);
    const result = await handle.result();
    const details = (await handle.query(workflowMetadataQuery)).currentDetails;
    return { result, details };
  });
}

const listings = (order: string[]) => order.filter((name) => name.startsWith('startReconcileListing'));

describe('reconciliation in shopifySync (stubbed activities)', () => {
  it('does not list anything when neither asked nor due, and says so', async () => {
    const stub = stubActivities(shop);
    const { result, details } = await run(stub, {});
    expect(stub.calls.reconcilePlans).toEqual([{ requested: false }]);
    expect(listings(stub.calls.order)).toEqual([]);
    expect(stub.calls.reconciles).toEqual([]);
    expect(result.reconciliation).toEqual({ ran: false, detail: 'not due', tables: [] });
    expect(details).toContain('- reconciliation: not due');
    expect(result.stages.map((s) => s.name)).toEqual(['csv', 'analytics', 'dashboard', 'sheets']);
  });

  it('--reconcile --force lists and reconciles every resource after the destroy events, before the outputs', async () => {
    const stub = stubActivities(shop, { bulk: { runningPolls: 2 } });
    const { result, details } = await run(stub, { reconcile: true, force: true, bulkPollMs: 10 });
    const { order } = stub.calls;
    expect(stub.calls.reconcilePlans).toEqual([{ requested: true }]);
    expect(listings(order).sort()).toEqual([
      'startReconcileListing:customers',
      'startReconcileListing:orders',
      'startReconcileListing:products',
    ]);
    expect(stub.calls.reconciles.map((r) => [r.resource, r.force, r.operationId]).sort()).toEqual([
      ['customers', true, 'customers/ids'],
      ['orders', true, 'orders/ids'],
      ['products', true, 'products/ids'],
    ]);
    // Each listing was checked until it finished (two RUNNING answers, timers in between), then compared once.
    const polls = stub.calls.bulkPolls.filter((p) => p.operationId.endsWith('/ids'));
    expect(polls).toHaveLength(9);
    expect(order.indexOf('planReconciliation')).toBeGreaterThan(order.indexOf('deletionEvents'));
    const lastApply = Math.max(
      ...['products', 'customers', 'orders'].map((r) => order.indexOf(`applyReconciliation:${r}`)),
    );
    expect(lastApply).toBeLessThan(order.indexOf('csv'));
    expect(result.reconciliation?.ran).toBe(true);
    expect(result.reconciliation?.tables.map((t) => t.message).sort()).toEqual([
      'Reconciliation of customers: 1 removed.',
      'Reconciliation of orders: 1 removed.',
      'Reconciliation of products: 1 removed.',
    ]);
    expect(details).toContain('- reconciliation: requested (--reconcile)');
    expect(details).toContain('  - Reconciliation of orders: 1 removed.');
  });

  it('a run cancelled while Shopify lists the ids cancels the listings there, and reconciles nothing', async () => {
    const stub = stubActivities(shop, { bulk: { runningPolls: 1_000 } });
    const outcome = run(stub, { reconcile: true, bulkPollMs: 10 }, async (handle) => {
      const deadline = Date.now() + 20_000;
      const listingPolls = () => stub.calls.bulkPolls.filter((p) => p.operationId.endsWith('/ids')).length;
      while (listingPolls() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await handle.cancel();
    });
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(stub.calls.bulkCancels.map((c) => c.operationId).sort()).toEqual([
      'customers/ids',
      'orders/ids',
      'products/ids',
    ]);
    expect(stub.calls.reconciles).toEqual([]);
  });

  it('a scheduled run reconciles only the resources whose interval passed, without force', async () => {
    const stub = stubActivities(shop, { reconcileDue: ['orders'] });
    const { result } = await run(stub, {});
    expect(stub.calls.reconcilePlans).toEqual([{ requested: false }]);
    expect(listings(stub.calls.order)).toEqual(['startReconcileListing:orders']);
    expect(stub.calls.reconciles.map((r) => [r.resource, r.force])).toEqual([['orders', false]]);
    expect(result.reconciliation).toMatchObject({ ran: true, detail: 'due' });
  });
});
