import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Command } from 'commander';
import Database from 'better-sqlite3';
import { NativeConnection } from '@temporalio/worker';
import { DEFAULT_API_VERSION, loadAppConfig } from '../common/config';
import { syncWorkflowId } from '../common/contract';
import { createLogger } from '../common/logger';
import { createShopifyStore, demoStoreOptions } from '../emulators/shopify';
import { DATABASE_FILE } from '../activities/store/database';
import { allTables } from '../activities/store/resources';
import { createSyncWorker } from '../worker/create-worker';
import { installTemporalLogger } from '../worker/temporal-logger';
import { connectClient } from './connect';
import { isListening, startDevServer } from './dev-server';
import { runSync } from './run-sync';

const DEMO_STORE = 'demo-store';
const DEMO_TOKEN = 'shpat_demo_token';

const program = new Command()
  .name('npm run demo --')
  .description('Sync the built-in demo store end to end: Temporal dev server, demo Shopify store, worker, full sync.')
  .option('--orders <n>', 'orders in the demo store', '5000')
  .option('--exit', 'stop right after the sync instead of keeping the Web UI up')
  .parse();

async function main(): Promise<void> {
  const flags = program.opts<{ orders: string; exit?: boolean }>();
  // The demo needs no configuration: its own data folder and task queue keep it apart from a real store's.
  const app = loadAppConfig({
    ...process.env,
    DATA_DIR: process.env.DATA_DIR ?? path.join('data', 'demo'),
    TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? 'shopify-sync-demo',
  });
  const logger = createLogger(app, { file: true, console: false });
  installTemporalLogger(logger);

  // A fresh database each time: the demo store is regenerated, and a full sync does not remove rows that a
  // previous, larger demo store had (deletions are not reconciled yet).
  for (const suffix of ['', '-wal', '-shm'])
    fs.rmSync(path.join(app.dataDir, `${DATABASE_FILE}${suffix}`), { force: true });

  const orders = Number(flags.orders);
  if (!Number.isInteger(orders) || orders < 0)
    throw new Error(`--orders must be a whole number, got "${flags.orders}".`);
  const store = createShopifyStore({ ...demoStoreOptions(orders), accessToken: DEMO_TOKEN });
  const storeUrl = await store.listen(0);
  console.log(`Demo Shopify store: ${storeUrl} (${orders} orders)`);

  let server: ChildProcess | undefined;
  if (await isListening(app.temporal.address)) {
    console.log(`Using the Temporal server already running at ${app.temporal.address}.`);
  } else {
    console.log('Starting a Temporal dev server (localhost:7233, Web UI on :8233)...');
    server = await startDevServer({
      dbFile: path.join(app.dataDir, 'temporal.db'),
      logFile: path.join(app.logDir, 'temporal-dev-server.log'),
    });
  }

  const connection = await NativeConnection.connect({ address: app.temporal.address });
  const shopify = {
    store: DEMO_STORE,
    baseUrl: storeUrl,
    apiVersion: DEFAULT_API_VERSION,
    apiToken: DEMO_TOKEN,
    timeoutMs: 30_000,
  };
  const { worker, close } = await createSyncWorker({ app, shopify, connection });
  const client = await connectClient(app);
  try {
    await worker.runUntil(
      runSync({ client, taskQueue: app.temporal.taskQueue, store: DEMO_STORE, input: { full: true, sheets: false } }),
    );
  } finally {
    close();
    await client.connection.close();
    await connection.close();
    await store.close();
  }

  const dbFile = path.join(app.dataDir, DATABASE_FILE);
  const db = new Database(dbFile, { readonly: true });
  console.log(`\nOutputs in ${app.dataDir}:`);
  console.log(`  ${dbFile}`);
  for (const table of allTables()) {
    const { n } = db.prepare(`SELECT COUNT(*) AS n FROM "${table.name}"`).get() as { n: number };
    console.log(`    ${table.name.padEnd(22)} ${n} rows`);
  }
  db.close();
  console.log(`  CSVs, analytics_summary.json and dashboard/ beside it`);
  console.log(`  Log: ${logger.filePath}`);
  console.log(
    `\nDashboard: npm run dashboard -- --dir ${path.join(app.dataDir, 'dashboard')}  (or open its index.html)`,
  );
  const runUrl = `${app.temporal.uiUrl}/namespaces/${app.temporal.namespace}/workflows/${syncWorkflowId(DEMO_STORE)}`;
  console.log(`\nWeb UI: ${runUrl}`);

  if (server && !flags.exit) {
    console.log('The Temporal dev server keeps running so you can look at the run; press Ctrl-C to stop it.');
    const stop = () => server!.kill('SIGTERM');
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await new Promise((resolve) => server!.once('exit', resolve));
  } else {
    server?.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
