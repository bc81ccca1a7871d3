/**
 * The workflow against stubbed activities on a local Temporal dev server: the orchestration (continue-as-new, resume,
 * failure reporting) in seconds, without Shopify, SQLite or Sheets. The activities themselves are tested in
 * test/unit, the whole chain in test/e2e.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, WorkflowBundlePath } from '@temporalio/worker';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { RESOURCE_NAMES, SyncInput, SyncState } from '../../common/contract';
import { progressQuery, shopifySync } from '../../workflows';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { pageUpdatedAt, RECORDS_PER_PAGE, ShopPages, stubActivities } from './stub-activities';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundlePath;
let runs = 0;

beforeAll(async () => {
  [env, bundle] = await Promise.all([startTemporal(), workflowBundle()]);
});
afterAll(async () => {
  await env?.teardown();
});

/** Starts a sync on a worker with `activities`, then runs `check` while that worker still answers queries. */
async function withSync<T>(
  activities: ReturnType<typeof stubActivities>['activities'],
  input: SyncInput,
  check: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof shopifySync>>>) => Promise<T>,
): Promise<T> {
  const taskQueue = `workflow-test-${++runs}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: `${taskQueue}-sync`,
      taskQueue,
      args: [input],
      // A workflow task that keeps failing (a bug) fails the test in seconds instead of retrying until the timeout.
      workflowExecutionTimeout: '30 seconds',
    });
    return check(handle);
  });
}

const shop: ShopPages = { products: 3, customers: 2, orders: 7 };

describe('shopifySync with stubbed activities', () => {
  it('continues as new with its state: every page fetched once, in order, planned once, one watermark per resource', async () => {
    const { activities, calls } = stubActivities(shop);
    const { result, firstRun } = await withSync(activities, { historyLimit: 25 }, async (handle) => ({
      result: await handle.result(),
      firstRun: await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).query(progressQuery),
    }));

    expect(result.continuedAsNew).toBeGreaterThanOrEqual(1);
    expect(firstRun.continuedAsNew).toBe(1);
    expect(calls.plans).toEqual([{ full: false, resources: [...RESOURCE_NAMES] }]);
    for (const name of RESOURCE_NAMES) {
      const expectedCursors = [null, ...Array.from({ length: shop[name] - 1 }, (_, i) => `${name}:${i + 2}`)];
      expect({ name, cursors: calls.pages.filter((p) => p.resource === name).map((p) => p.cursor) }).toEqual({
        name,
        cursors: expectedCursors,
      });
      expect(result.resources[name]).toEqual({
        pages: shop[name],
        records: shop[name] * RECORDS_PER_PAGE,
        childRecords: 0,
        requests: shop[name],
        throttledMs: 0,
        method: 'pages',
      });
    }
    // The watermark is the highest updated_at over all runs of the chain, committed with the first run's start.
    expect(calls.watermarks.map((w) => [w.resource, w.maxUpdatedAt]).sort()).toEqual(
      RESOURCE_NAMES.map((name) => [name, pageUpdatedAt(shop[name])]).sort(),
    );
    const orders = calls.watermarks.find((w) => w.resource === 'orders')!;
    expect(orders.startedAt).toBe(firstRun.resources.orders.startedAt);
    expect(result.startedAt).toBe(firstRun.startedAt);
    expect(result.stages.map((s) => s.name)).toEqual(['csv', 'analytics', 'dashboard', 'sheets']);
  });

  it('applies destroy events once, after every resource’s watermark and before the outputs; reports the counts', async () => {
    const { activities, calls } = stubActivities(shop);
    const { result, details } = await withSync(activities, { historyLimit: 25 }, async (handle) => ({
      result: await handle.result(),
      details: (await handle.query(workflowMetadataQuery)).currentDetails,
    }));
    const order = calls.order;
    expect(order.filter((name) => name === 'deletionEvents')).toHaveLength(1);
    expect(order.indexOf('deletionEvents')).toBeGreaterThan(order.lastIndexOf('commitWatermark'));
    expect(order.indexOf('deletionEvents')).toBeLessThan(order.indexOf('csv'));
    expect(result.deletions).toMatchObject({ applied: true, removed: { orders: 1, products: 1 } });
    expect(details).toContain('- deletions: 2 destroy events; removed 1 orders, 1 products');
  });

  it('does not page a resource whose window the plan found unchanged; its watermark stays, the summary reports it', async () => {
    const { activities, calls } = stubActivities(shop, { unchanged: ['products', 'orders'] });
    const { result, details, history } = await withSync(activities, {}, async (handle) => ({
      result: await handle.result(),
      details: (await handle.query(workflowMetadataQuery)).currentDetails,
      history: await handle.fetchHistory(),
    }));
    expect(calls.pages.map((p) => p.resource)).toEqual(Array(shop.customers).fill('customers'));
    expect(calls.watermarks.map((w) => w.resource)).toEqual(['customers']);
    for (const name of ['products', 'orders'] as const) {
      expect(result.resources[name]).toEqual({
        pages: 0,
        records: 0,
        childRecords: 0,
        requests: 0,
        throttledMs: 0,
        method: 'pages',
        unchanged: true,
      });
      expect(details).toContain(`- ${name}: nothing updated since the last sync, not read`);
    }
    expect(result.resources.customers).toMatchObject({ pages: shop.customers, records: shop.customers * 10 });
    // The rest of the run as before: destroy events, then the outputs.
    const later = ['deletionEvents', 'csv', 'analytics', 'dashboard', 'sheets'];
    expect(calls.order.filter((name) => later.includes(name))).toEqual(later);
    // Behind patched(): runs recorded before it replay without the marker (test/replay).
    const markers = (history.events ?? []).flatMap(
      (e) =>
        e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.map((p) =>
          Buffer.from(p.data!).toString(),
        ) ?? [],
    );
    expect(markers.some((m) => m.includes('skip-unchanged-resources'))).toBe(true);
  });

  it('a run that continued as new shows its paging progress in the Web UI, not "stage: failed"', async () => {
    const { activities } = stubActivities(shop);
    const { details, progress } = await withSync(activities, { historyLimit: 25 }, async (handle) => {
      await handle.result();
      const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
      return {
        details: (await firstRun.query(workflowMetadataQuery)).currentDetails,
        progress: await firstRun.query(progressQuery),
      };
    });
    expect(progress.stage).toBe('shopify');
    expect(details).toContain('stage: shopify');
    expect(details).not.toContain('failed');
    // How far each resource got before the run continued as new depends on timing: one page reads "1 page".
    expect(details).toMatch(/- orders: \d+ records, \d+ pages? \((syncing|done)\)/);
    expect(details).toMatch(/\((syncing|waiting)\)/); // it continued as new because a resource was not done
  });

  it('a failed Sheets push fails the run after the local outputs, which stay reported as done', async () => {
    const { activities, calls } = stubActivities(shop, {
      sheetsFailure: ApplicationFailure.nonRetryable(
        'The service account cannot edit spreadsheet abc: share it with sync@example.iam.gserviceaccount.com.',
        'SheetsPermissionDenied',
      ),
    });
    const { error, progress, details } = await withSync(activities, {}, async (handle) => ({
      error: await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      ),
      progress: await handle.query(progressQuery),
      details: (await handle.query(workflowMetadataQuery)).currentDetails,
    }));

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('SheetsPushFailed');
    expect(cause?.message).toBe(
      'Google Sheets push failed: The service account cannot edit spreadsheet abc: share it with ' +
        'sync@example.iam.gserviceaccount.com. (SQLite, CSVs and analytics are complete.)',
    );
    // Not retried (the failure type is non-retryable), and only after every local output.
    expect(calls.order.slice(-4)).toEqual(['csv', 'analytics', 'dashboard', 'sheets']);
    expect(progress.stage).toBe('failed');
    expect(progress.stages.map((s) => [s.name, s.status])).toEqual([
      ['csv', 'done'],
      ['analytics', 'done'],
      ['dashboard', 'done'],
      ['sheets', 'failed'],
    ]);
    expect(details).toContain('stage: failed');
    expect(details).toContain('- sheets: failed (The service account cannot edit spreadsheet abc');
  });

  it('resuming a state that lacks a resource (added since the chain started) plans and pages only that resource', async () => {
    // A state carried over by continue-as-new from a version without orders: products and customers done.
    const { activities: first } = stubActivities({ ...shop, orders: 1 });
    const carried: SyncState = await withSync(first, {}, async (handle) => {
      await handle.result();
      return handle.query(progressQuery);
    });
    const resume = structuredClone(carried);
    resume.stage = 'shopify';
    resume.stages = [];
    delete (resume.resources as Partial<SyncState['resources']>).orders;

    const { activities, calls } = stubActivities(shop);
    const result = await withSync(activities, { resume }, (handle) => handle.result());

    expect(calls.plans).toEqual([{ full: false, resources: ['orders'] }]);
    expect(calls.pages.map((p) => p.resource)).toEqual(Array(shop.orders).fill('orders'));
    expect(calls.pages[0]).toMatchObject({ cursor: null, updatedAtMin: '2026-10-31T00:00:00.000Z', page: 1 });
    expect(calls.watermarks.map((w) => w.resource)).toEqual(['orders']);
    expect(result.resources.products).toEqual({
      pages: shop.products,
      records: shop.products * RECORDS_PER_PAGE,
      childRecords: 0,
      requests: shop.products,
      throttledMs: 0,
      method: 'pages',
    });
    expect(result.resources.orders.pages).toBe(shop.orders);
    expect(result.startedAt).toBe(carried.startedAt);
  });
});
