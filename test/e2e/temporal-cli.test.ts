import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { shopifySync } from '../../workflows';
import { requireTemporalCli } from '../../common/temporal-cli';
import { createSyncWorker } from '../../worker/create-worker';
import { createShopifyStore, ShopifyStore } from '../shopify-store';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { PROJECT_ROOT } from '../helpers/processes';
import { openReadOnly, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);

/** The `temporal workflow start` lines exactly as the README shows them. */
function readmeCommands(): { full: string; cron: string } {
  const lines = fs
    .readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('temporal workflow start '));
  const full = lines.find((line) => !line.includes('--cron'));
  const cron = lines.find((line) => line.includes('--cron'));
  if (!full || !cron) throw new Error('README.md lost its `temporal workflow start` examples');
  return { full, cron };
}

/** Runs a README line with the local CLI binary against the test server (the README's lines use the default address). */
async function runReadmeLine(line: string, address: string): Promise<string> {
  const command = `"${requireTemporalCli()}" ${line.slice('temporal '.length)} --address ${address}`;
  const { stdout } = await run('sh', ['-c', command]);
  return stdout;
}

describe("starting syncs with Temporal's own command line, as the README shows", () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let worker: Worker;
  let running: Promise<void>;
  let close: () => void;
  const data = tempDir();

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 4, products: 15, customers: 80, orders: 400 });
    await store.listen(0);
    // The README's task queue: shopify-sync.
    ({ worker, close } = await createSyncWorker({
      ...testConfig(data.dir, store.url, {}, 'shopify-sync'),
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    }));
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    close?.();
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('`temporal workflow start … --input \'{"full": true}\'` runs a full sync to completion', async () => {
    const { full } = readmeCommands();
    await runReadmeLine(full, env.address);
    const workflowId = /--workflow-id (\S+)/.exec(full)![1];
    const result = await env.client.workflow.getHandle<typeof shopifySync>(workflowId).result();
    expect(result).toMatchObject({ mode: 'full', resources: { orders: { records: 400 } } });
    const db = openReadOnly(data.dir);
    expect(compareWithStore(db, store)).toMatchObject(EQUAL);
    db.close();
  });

  it('the classic cron form starts runs that complete', async () => {
    const { cron } = readmeCommands();
    // Every minute instead of every ten, so the first run comes within the test's time.
    await runReadmeLine(cron.replace("--cron '*/10 * * * *'", "--cron '* * * * *'"), env.address);
    const workflowId = /--workflow-id (\S+)/.exec(cron)![1];
    const first = await env.client.workflow.getHandle(workflowId).describe();
    const handle = env.client.workflow.getHandle(workflowId, first.runId);
    try {
      const deadline = Date.now() + 90_000;
      let status = first.status.name;
      while (status === 'RUNNING' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        status = (await handle.describe()).status.name;
      }
      // A cron run that finished is closed as completed (Temporal then schedules the next one).
      expect(status).toBe('COMPLETED');
    } finally {
      await env.client.workflow.getHandle(workflowId).terminate('test over');
    }
  }, 150_000);
});
