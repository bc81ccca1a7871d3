import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { syncWorkflowId } from '../../common/contract';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { expectExactOutputs } from '../helpers/faults-outputs';
import { startWorker as startWorkerProcess, WorkerProcess } from '../helpers/faults-processes';
import { processEnv, spawnTs, waitFor } from '../helpers/processes';
import { startTemporal } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const KNOWN_TOKEN = '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';
const BAD_TOKEN = 'shpat_00000000000000000000000000000000';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('command line: npm run worker and npm run sync', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  const data = tempDir();
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    env = await startTemporal();
    store = createShopifyStore({ seed: 11, products: 25, customers: 120, orders: 600, accessToken: KNOWN_TOKEN });
    await store.listen(0);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const startWorker = async (config: Record<string, string>) => {
    const worker = await startWorkerProcess(config);
    workers.push(worker);
    return worker;
  };

  it('the worker refuses to start without its Shopify settings, saying which are missing', async () => {
    const config = processEnv({
      storeUrl: store.url,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'cli',
    });
    delete (config as Record<string, string | undefined>).SHOPIFY_STORE;
    const worker = spawnTs('worker/index.ts', [], config);
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toMatch(/Configuration error: SHOPIFY_STORE is not set/);
  });

  it('sync --once --full runs a sync, prints its summary and exits 0; the token appears nowhere', async () => {
    const config = processEnv({
      storeUrl: store.url,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'cli',
      token: KNOWN_TOKEN,
    });
    const worker = await startWorker(config);
    const sync = spawnTs('client/sync.ts', ['--once', '--full', '--no-sheets'], config);
    expect(await sync.exited).toBe(0);
    expect(sync.output()).toMatch(/Sync finished \(full\)/);
    // A full sync reads each resource through one bulk operation: records and child rows, no pages.
    expect(sync.output()).toMatch(/\n {2}orders\s+600\s+\d+\s+bulk\s+-\s+/);
    expectExactOutputs(data.dir, store);

    // The token is in the worker's environment only: not in its output, the CLI's, the log files, the outputs or
    // the workflow's history (inputs, results, failures, progress details).
    const history = await env.client.workflow.getHandle(syncWorkflowId('e2e-store')).fetchHistory();
    const places: Array<[string, string]> = [
      ['worker output', worker.output()],
      ['sync output', sync.output()],
      ['workflow history', JSON.stringify(history)],
      ...filesUnder(data.dir).map((file): [string, string] => [file, fs.readFileSync(file, 'latin1')]),
    ];
    expect(places.length).toBeGreaterThan(8);
    expect(places.filter(([, text]) => text.includes(KNOWN_TOKEN)).map(([where]) => where)).toEqual([]);
    expect(filesUnder(path.join(data.dir, 'logs')).some((f) => /shopify_sync_\d{8}_\d{6}\.log$/.test(f))).toBe(true);
  });

  it('with a bad token, sync exits non-zero within seconds naming the store and the 401', async () => {
    const config = processEnv({
      storeUrl: store.url,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'cli-bad-token',
      token: BAD_TOKEN,
    });
    await startWorker(config);
    const started = Date.now();
    const sync = spawnTs('client/sync.ts', ['--once'], config);
    expect(await sync.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(sync.output()).toMatch(
      /Sync failed: Shopify store "e2e-store" rejected the access token \(401 Unauthorized.* restart the worker after changing it/,
    );
  });

  it('LOG_LEVEL=loud stops the worker at start naming the levels, instead of a silent worker', async () => {
    const config = processEnv({
      storeUrl: store.url,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'cli',
    });
    const worker = spawnTs('worker/index.ts', [], { ...config, LOG_LEVEL: 'loud' });
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toBe(
      'Configuration error: LOG_LEVEL must be one of error, warn, info, verbose, debug (e.g. LOG_LEVEL=debug), got "loud".\n',
    );
  });

  it('while Shopify cannot be reached, sync shows the reason and the next attempt; Ctrl-C says the sync goes on', async () => {
    const closedPort = await freePort();
    const config = processEnv({
      storeUrl: `http://127.0.0.1:${closedPort}`,
      dataDir: data.dir,
      temporalAddress: env.address,
      taskQueue: 'cli-unreachable',
      store: 'unreachable-store',
    });
    const worker = await startWorker(config);
    const sync = spawnTs('client/sync.ts', ['--once', '--full'], config);
    await waitFor(
      'the retry in the progress line',
      () =>
        /retrying planSync: Could not reach Shopify store "unreachable-store" at http:\/\/127\.0\.0\.1:\d+\/.*; will retry\. — attempt \d+ at \d\d:\d\d:\d\dZ \(in \d+ s\)/.test(
          sync.output(),
        ),
      30_000,
    );
    sync.child.kill('SIGINT');
    expect(await sync.exited).toBe(130);
    expect(sync.output()).toContain(
      'Stopped following. The sync goes on in Temporal (workflow shopify-sync-unreachable-store): `npm run sync` ' +
        'follows it again, `npm run sync -- --status` shows it, `npm run temporal -- workflow cancel --workflow-id ' +
        'shopify-sync-unreachable-store` cancels it (or Cancel in the Web UI: http://localhost:8233/namespaces/default/workflows/shopify-sync-unreachable-store).',
    );
    const handle = env.client.workflow.getHandle('shopify-sync-unreachable-store');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // The worker's log says why, with the run's link, not only the failure's type.
    expect(worker.output()).toMatch(
      /warn \[shopify-sync-unreachable-store \S+ planSync\]: Activity failed .*"error":\{"type":"ShopifyUnavailable","message":"Could not reach Shopify store .*"webUi":"http:\/\/localhost:8233\/namespaces\/default\/workflows\/shopify-sync-unreachable-store\//,
    );
    await handle.terminate('test over');
  });

  it('npm run server starts at TEMPORAL_ADDRESS, and fails naming the port when it is taken', async () => {
    const taken = spawnTs('client/server.ts', [], {
      DATA_DIR: data.dir,
      LOG_DIR: data.dir,
      TEMPORAL_ADDRESS: env.address,
    });
    expect(await taken.exited).toBe(2);
    const takenPort = env.address.split(':').pop();
    expect(taken.output()).toMatch(
      new RegExp(
        `^Configuration error: Port ${takenPort} \\(the Temporal port\\) is already in use\\. If a Temporal server`,
      ),
    );

    const [port, uiPort] = [await freePort(), await freePort()];
    const server = spawnTs('client/server.ts', [], {
      DATA_DIR: data.dir,
      LOG_DIR: data.dir,
      TEMPORAL_ADDRESS: `localhost:${port}`,
      TEMPORAL_UI_URL: `http://localhost:${uiPort}`,
    });
    await waitFor('the dev server', () => server.output().includes('press Ctrl-C'), 60_000);
    expect(server.output()).toContain(`Temporal dev server on localhost:${port} `);
    expect(server.output()).toContain(`Web UI: http://localhost:${uiPort} `);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});
