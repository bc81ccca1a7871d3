import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { describeSchedule } from '../../client/schedule';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { processEnv, spawnTs, waitFor } from '../helpers/processes';
import { testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';
import { createSyncWorker } from '../../worker/create-worker';

const STORE = 'e2e-store';

describe('schedules: npm run sync -- --daemon / --status / --pause / --resume / --trigger / --unschedule', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let worker: Worker;
  let running: Promise<void>;
  let closeActivities: () => void;
  const data = tempDir();
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 2, products: 10, customers: 40, orders: 120 });
    await store.listen(0);
    ({ worker, close: closeActivities } = await createSyncWorker({
      ...testConfig(data.dir, store.url, {}, 'schedules'),
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    }));
    running = worker.run();
    cliEnv = {
      ...processEnv({ storeUrl: store.url, dataDir: data.dir, temporalAddress: env.address, taskQueue: 'schedules' }),
      SYNC_INTERVAL: '3s',
    };
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    closeActivities?.();
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const cli = async (...args: string[]) => {
    const run = spawnTs('client/sync.ts', args, cliEnv);
    const code = await run.exited;
    return { code, output: run.output() };
  };

  it('--daemon creates a schedule that the server runs, and a second --daemon updates it in place', async () => {
    const created = await cli('--daemon', '--no-sheets');
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toMatch(
      /Created schedule shopify-sync-schedule-e2e-store \(every 3s, incremental, no Sheets/,
    );

    const firstRun = await waitFor(
      'a scheduled run',
      async () => (await describeSchedule(env.client, STORE))?.info.recentActions[0],
      30_000,
    );
    const handle = env.client.workflow.getHandle(
      firstRun.action.workflow.workflowId,
      firstRun.action.workflow.firstExecutionRunId,
    );
    const result = await handle.result();
    expect(result.resources.orders.records).toBe(120);

    const updated = await cli('--daemon', '--full');
    expect(updated).toMatchObject({ code: 0 });
    expect(updated.output).toMatch(/Updated schedule .* \(every 3s, full;/);
    const description = await describeSchedule(env.client, STORE);
    expect(description?.action).toMatchObject({ type: 'startWorkflow', args: [{ full: true, sheets: true }] });
  });

  it('a run still going makes the next scheduled one skip, never two at once', async () => {
    store.setFaults([{ kind: 'latency', latencyMs: 2_500 }]);
    const skippedBefore = (await describeSchedule(env.client, STORE))!.info.numActionsSkippedOverlap;
    let mostAtOnce = 0;
    await waitFor(
      'a scheduled run in flight',
      async () => (await describeSchedule(env.client, STORE))!.info.runningActions.length > 0,
      15_000,
    );
    // A one-off sync meanwhile follows the scheduled run instead of starting a second one.
    const once = spawnTs('client/sync.ts', ['--once'], cliEnv);
    const deadline = Date.now() + 14_000;
    while (Date.now() < deadline) {
      const info = (await describeSchedule(env.client, STORE))!.info;
      mostAtOnce = Math.max(mostAtOnce, info.runningActions.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    store.setFaults([]);
    expect(await once.exited).toBe(0);
    expect(once.output()).toMatch(
      /A sync of e2e-store is already running \(workflow shopify-sync-e2e-store-.+\); following it/,
    );
    const after = (await describeSchedule(env.client, STORE))!.info;
    expect(after.numActionsSkippedOverlap).toBeGreaterThan(skippedBefore);
    expect(mostAtOnce).toBe(1);
  });

  it('--status, --pause, --resume, --trigger and --unschedule', async () => {
    const status = await cli('--status');
    expect(status.code).toBe(0);
    expect(status.output).toMatch(/Schedule shopify-sync-schedule-e2e-store: active — Syncs e2e-store every 3s/);
    expect(status.output).toMatch(/Last runs:\n.*(COMPLETED|RUNNING)/);

    expect((await cli('--pause')).code).toBe(0);
    expect((await describeSchedule(env.client, STORE))?.state.paused).toBe(true);
    // Paused keeps the note saying what the schedule does, and promises no next run.
    const paused = (await cli('--status')).output;
    expect(paused).toMatch(/Schedule shopify-sync-schedule-e2e-store: PAUSED — Syncs e2e-store every 3s\n/);
    expect(paused).toMatch(/ {2}next run: none while paused\n/);
    expect((await cli('--resume')).code).toBe(0);
    expect((await describeSchedule(env.client, STORE))?.state).toMatchObject({
      paused: false,
      note: 'Syncs e2e-store every 3s',
    });
    expect((await cli('--status')).output).toMatch(/ {2}next run: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n/);

    const taken = (await describeSchedule(env.client, STORE))!.info.numActionsTaken;
    await waitFor(
      'runs to finish',
      async () => (await describeSchedule(env.client, STORE))!.info.runningActions.length === 0,
      30_000,
    );
    expect((await cli('--pause')).code).toBe(0);
    expect((await cli('--trigger')).code).toBe(0);
    await waitFor(
      'the triggered run',
      async () => (await describeSchedule(env.client, STORE))!.info.numActionsTaken > taken,
      10_000,
    );

    const removed = await cli('--unschedule');
    expect(removed).toMatchObject({ code: 0 });
    expect(await describeSchedule(env.client, STORE)).toBeNull();
    const again = await cli('--pause');
    expect(again.code).toBe(2);
    expect(again.output).toMatch(/no schedule for store "e2e-store"; create it with `npm run sync -- --daemon`/);
  });

  it.each([
    [
      { SYNC_CRON: '99 * * * *' },
      /SYNC_CRON "99 \* \* \* \*" is not a cron expression Temporal accepts \(its minute field: "99" is not in 0-59\)\. .*e\.g\. SYNC_CRON='\*\/10 \* \* \* \*'/,
    ],
    [{ SYNC_CRON: '*/10 * * *' }, /SYNC_CRON .* \(it has 4 fields, a cron expression has 5\)/],
    [
      { SYNC_INTERVAL: '0s' },
      /SYNC_INTERVAL must be a whole number of seconds, minutes or hours, e\.g\. SYNC_INTERVAL=15m .*got "0s"/,
    ],
    [{ SYNC_INTERVAL: '10 minutes' }, /SYNC_INTERVAL .* got "10 minutes"/],
  ])('a bad schedule setting (%j) exits 2 naming it with a good example, no stack trace', async (setting, message) => {
    const run = spawnTs('client/sync.ts', ['--daemon'], { ...cliEnv, SYNC_INTERVAL: '', ...setting });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(new RegExp(`^Configuration error: ${message.source}`));
    expect(run.output()).not.toMatch(/\n\s+at /);
    expect(await describeSchedule(env.client, STORE)).toBeNull();
  });
});
