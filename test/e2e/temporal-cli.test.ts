import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { syncWorkflowId, type SyncResult } from '../../common/contract';
import type { shopifySync } from '../../workflows';
import { createSyncWorker } from '../../worker/create-worker';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { processEnv, PROJECT_ROOT, spawnTs, waitFor } from '../helpers/processes';
import { openReadOnly, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);

const README = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
/** The README's example store (`SHOPIFY_STORE=acme`). */
const README_STORE = 'acme';

/** The `npm run temporal -- workflow start` lines exactly as the README shows them. */
function readmeCommands(): { full: string; cron: string; tctl: string } {
  const lines = README.split('\n');
  const starts = lines.filter((line) => line.startsWith('npm run temporal -- workflow start '));
  const full = starts.find((line) => !line.includes('--cron'));
  const cron = starts.find((line) => line.includes('--cron'));
  const tctl = lines.find((line) => line.startsWith('tctl workflow start '));
  if (!full || !cron || !tctl) throw new Error('README.md lost its `npm run temporal -- workflow start` examples');
  return { full, cron, tctl };
}

/**
 * Runs a README line as written, from the project root, against the test server: the wrapper takes the address
 * from TEMPORAL_ADDRESS as it would from `.env`. PATH without `temporal` on it, as on a fresh clone.
 */
async function runReadmeLine(line: string, address: string): Promise<string> {
  const nodeDir = path.dirname(process.execPath);
  const { stdout } = await run('sh', ['-c', line], {
    cwd: PROJECT_ROOT,
    env: { PATH: `${nodeDir}:/usr/bin:/bin`, HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: address },
  });
  return stdout;
}

/** A failure's chain of causes (the workflow's failure wraps the activity's, which wraps what it threw). */
function causes(error: unknown): Array<{ type: unknown; message: string }> {
  const chain = [];
  for (let e = error; e instanceof Error; e = e.cause)
    chain.push({ type: (e as { type?: unknown }).type, message: e.message });
  return chain;
}

const workflowIdOf = (line: string) => /--workflow[-_]id (\S+)/.exec(line)![1];

describe("starting syncs with Temporal's own command line, as the README shows", () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let worker: Worker;
  let running: Promise<void>;
  let close: () => void;
  const data = tempDir();
  const other = tempDir();

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
    other.cleanup();
  });

  it("every README example uses the store's workflow id, tctl the same as the CLI", () => {
    const { full, cron, tctl } = readmeCommands();
    const id = syncWorkflowId(README_STORE);
    expect([full, cron, tctl].map(workflowIdOf)).toEqual([id, id, id]);
    expect(README).toContain(`--workflow-id ${id} --type FirstWorkflowTask`);
  });

  it('`npm run temporal -- workflow start … --input \'{"full": true}\'` runs a full sync to completion', async () => {
    const { full } = readmeCommands();
    await runReadmeLine(full, env.address);
    const workflowId = workflowIdOf(full);
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
    const workflowId = workflowIdOf(cron);
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

  it('one sync per store, whatever starts it: the second run stops naming the first, npm run sync follows the first', async () => {
    const { full } = readmeCommands();
    const queue = 'one-per-store';
    const onQueue = (line: string, id: string) =>
      line.replace('--task-queue shopify-sync', `--task-queue ${queue}`).replace(workflowIdOf(line), id);
    // Both open before any worker polls the queue, so the first step of both runs comes at the same moment.
    await runReadmeLine(onQueue(full, 'shopify-sync-full-manual'), env.address);
    await runReadmeLine(onQueue(full, 'another-id-same-store'), env.address);
    const cliEnv = processEnv({
      storeUrl: store.url,
      dataDir: other.dir,
      temporalAddress: env.address,
      taskQueue: queue,
    });

    const status = spawnTs('client/sync.ts', ['--status'], cliEnv);
    expect(await status.exited).toBe(0);
    expect(status.output()).toMatch(/RUNNING .* another-id-same-store\n/);
    expect(status.output()).toMatch(/RUNNING .* shopify-sync-full-manual\n/);

    const sync = spawnTs('client/sync.ts', ['--once'], cliEnv);
    await waitFor('npm run sync to find the open run', () => /following it/.test(sync.output()), 30_000);
    expect(sync.output()).toContain('A sync of e2e-store is already running (workflow shopify-sync-full-manual)');

    const second = await createSyncWorker({
      ...testConfig(other.dir, store.url, {}, queue),
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    });
    await second.worker.runUntil(async () => {
      const first = (await env.client.workflow.getHandle('shopify-sync-full-manual').result()) as SyncResult;
      expect(first.resources.orders.records).toBe(400);
      const refused = await env.client.workflow
        .getHandle('another-id-same-store')
        .result()
        .then(() => null, causes);
      expect(refused).toContainEqual({
        type: 'SyncAlreadyRunning',
        message: expect.stringMatching(
          /^Another sync of e2e-store is already running: workflow shopify-sync-full-manual \(run [-0-9a-f]+, started /,
        ),
      });
      expect({ exit: await sync.exited, output: sync.output() }).toMatchObject({ exit: 0 });
    });
    second.close();
    expect(sync.output()).toMatch(/Sync finished \(full\)/);
    // npm run sync started nothing of its own.
    await expect(env.client.workflow.getHandle(syncWorkflowId('e2e-store')).describe()).rejects.toThrow(/not found/);
  }, 150_000);
});
