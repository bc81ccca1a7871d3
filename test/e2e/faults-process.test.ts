/**
 * Fault injection, processes: the worker killed (SIGKILL) inside each output stage, the Temporal server killed and
 * restarted on its database, two workers at once, and a page activity whose report is lost after it committed.
 * Every case ends by comparing SQLite (and the CSVs and worksheets where they were written) with the store.
 *
 * Covered elsewhere, not repeated here: SIGKILL in the middle of a Shopify page or of a bulk result's download
 * (test/e2e/durability.test.ts), while Shopify runs a bulk operation (test/e2e/bulk.test.ts), and a schedule firing
 * while a run is still going (test/e2e/schedule.test.ts, overlap policy SKIP).
 *
 * Full syncs run as bulk operations; the cases about pages (two workers, a lost report, the server killed between
 * pages) run a first sync on an empty database, which pages. Paged orders come 10 to a query, so those stores are
 * small and have a Plus plan's cost bucket: small enough, too, that a plan choosing bulk for windows paging would
 * take longer than a bulk operation (about 300 orders at 1,000 points/s) still pages them.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { DATABASE_FILE } from '../../activities/store/database';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { sheetTitle } from '../../activities/sheets/tables';
import { SyncPageInput, SyncResult } from '../../common/contract';
import { shopifySync } from '../../workflows';
import type { SheetsEmulator } from '../../emulators/google-sheets';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { resourceSpec } from '../../activities/store/resources';
import { checkSheets, expectExactOutputs, recordFigures, tempFiles } from '../helpers/faults-outputs';
import { pageKey, servedPages, throttledRequests } from '../helpers/graphql-log';
import { DevServer, resultWithin, startWorker, workerEnv, WorkerProcess } from '../helpers/faults-processes';
import { waitFor } from '../helpers/processes';
import { startSheets } from '../helpers/sheets-fixture';
import { openReadOnly, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const SHEET_ID = 'faults-sheet';
const ACCOUNT = 'faults@e2e-project.iam.gserviceaccount.com';
/** How long a restarted worker may take to finish a run whose worker was killed (it includes the retry delay). */
const RECOVERY_MS = 60_000;
const PLUS_PLAN = { maximumAvailable: 10_000, restoreRate: 1_000 };
const ordersPerPage = pageQuery(resourceSpec('orders').graphql).first;

/**
 * SIGSTOPs the worker at a moment it holds no SQLite write lock. Paused inside a page's transaction it would keep the
 * lock for as long as it stays paused, and every other process's write would wait for it (SQLite has one writer per
 * file): that is what a hung worker does to one shared database, not the hand-over this test is about. The lock is
 * probed from here with BEGIN IMMEDIATE and no busy timeout; if it is held, the worker runs on a moment and is paused
 * again.
 */
async function pauseOutsideWriteTransaction(worker: WorkerProcess, dataDir: string): Promise<void> {
  const probe = new Database(path.join(dataDir, DATABASE_FILE), { timeout: 0 });
  try {
    for (let attempt = 1; attempt <= 100; attempt++) {
      worker.child.kill('SIGSTOP');
      try {
        probe.prepare('BEGIN IMMEDIATE').run();
        probe.prepare('ROLLBACK').run();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      }
      worker.child.kill('SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
    throw new Error('The worker held the database write lock at each of 100 pauses');
  } finally {
    probe.close();
  }
}

describe('process faults: workers SIGKILLed inside the output stages, two workers, a lost activity report', () => {
  let env: TestWorkflowEnvironment;
  let sheets: SheetsEmulator;
  const secrets = tempDir('faults-secrets-');
  const credentials = path.join(secrets.dir, 'service-account.json');
  const stores: ShopifyStore[] = [];
  const workers: WorkerProcess[] = [];
  const dirs: Array<{ cleanup: () => void }> = [secrets];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    sheets = (await startSheets({ credentials, account: ACCOUNT, spreadsheetId: SHEET_ID })).emulator;
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sheets?.close();
    await Promise.all(stores.map((s) => s.close()));
    await env?.teardown();
    for (const dir of dirs) dir.cleanup();
  });

  async function newStore(options: Parameters<typeof createShopifyStore>[0]): Promise<ShopifyStore> {
    const store = createShopifyStore(options);
    await store.listen(0);
    stores.push(store);
    return store;
  }
  function newDataDir(): string {
    const data = tempDir('faults-data-');
    dirs.push(data);
    return data.dir;
  }
  async function worker(workerEnvironment: Record<string, string>): Promise<WorkerProcess> {
    const started = await startWorker(workerEnvironment);
    workers.push(started);
    return started;
  }

  it('SIGKILL inside the CSV export: a new worker finishes the run; no temp file is left, the CSVs equal SQLite', async () => {
    const store = await newStore({ seed: 11, products: 50, customers: 1_000, orders: 10_000, rateLimit: false });
    const dataDir = newDataDir();
    const workerEnvironment = workerEnv({
      storeUrl: store.url,
      dataDir,
      temporalAddress: env.address,
      taskQueue: 'faults-csv',
    });
    const first = await worker(workerEnvironment);

    // inotify on DATA_DIR: the first temp CSV appearing means the export has begun and renamed nothing yet.
    let killedAfter = '';
    const watcher = fs.watch(dataDir, (_event, name) => {
      if (!name || !/\.csv\.tmp-/.test(name) || killedAfter) return;
      first.child.kill('SIGKILL');
      killedAfter = name;
    });
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: 'faults-csv-kill',
      taskQueue: 'faults-csv',
      args: [{ full: true, sheets: false }],
    });
    try {
      await waitFor('a temp CSV in DATA_DIR (the export has begun)', () => killedAfter, 90_000);
    } finally {
      watcher.close();
    }
    expect(await first.exited).toBe('SIGKILL');

    // The kill landed inside the export: temp files exist and no CSV was renamed into place.
    const leftByKill = tempFiles(dataDir);
    expect(leftByKill.length).toBeGreaterThan(0);
    for (const { file } of CSV_EXPORTS) expect(fs.existsSync(path.join(dataDir, file))).toBe(false);

    await worker(workerEnvironment);
    const result = await resultWithin(handle, RECOVERY_MS, 'the run after the kill in the CSV export');
    expect(result.stages.map((s) => [s.name, s.status])).toEqual(
      expect.arrayContaining([
        ['csv', 'done'],
        ['analytics', 'done'],
        ['sheets', 'skipped'],
      ]),
    );

    const outputs = expectExactOutputs(dataDir, store);
    recordFigures('sigkill-csv-export', {
      faults: 1,
      killedAfter,
      runsCompleted: 1,
      ...outputs,
    });
  }, 150_000);

  it('SIGKILL inside the Sheets push: a new worker finishes it; no staging sheet is left, worksheets equal SQLite', async () => {
    const store = await newStore({ seed: 12, products: 40, customers: 300, orders: 1_500, rateLimit: false });
    const dataDir = newDataDir();
    const workerEnvironment = workerEnv({
      storeUrl: store.url,
      dataDir,
      temporalAddress: env.address,
      taskQueue: 'faults-sheets',
      // 120 requests a minute: half a second between Sheets requests, so the kill lands between two of them.
      sheets: { sheetId: SHEET_ID, credentialsFile: credentials, rootUrl: sheets.url, requestsPerMinute: 120 },
    });
    const first = await worker(workerEnvironment);
    const logStart = sheets.requestLog.length;
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: 'faults-sheets-kill',
      taskQueue: 'faults-sheets',
      args: [{ full: true }],
    });
    await waitFor(
      'the first values PUT of the push',
      () => sheets.requestLog.slice(logStart).some((r) => r.method === 'PUT' && r.status === 200),
      90_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // The kill landed inside the push: a staging worksheet is half done.
    const stagingAtKill = sheets.sheetTitles(SHEET_ID).filter((t) => t.endsWith('(updating)'));
    expect(stagingAtKill.length).toBe(1);

    await worker(workerEnvironment);
    const result = await resultWithin(handle, RECOVERY_MS, 'the run after the kill in the Sheets push');
    expect(result.stages.map((s) => [s.name, s.status])).toEqual(
      expect.arrayContaining([
        ['csv', 'done'],
        ['analytics', 'done'],
        ['sheets', 'done'],
      ]),
    );

    const outputs = expectExactOutputs(dataDir, store);
    const pushed = checkSheets(sheets, SHEET_ID, dataDir);
    expect(pushed.problems).toEqual([]);
    // A reader never saw a managed worksheet half written: each state has a worksheet complete or not yet there.
    const complete = Object.fromEntries(
      CSV_EXPORTS.map(({ table }) => {
        const title = sheetTitle(table);
        return [title, sheets.values(SHEET_ID, title).length];
      }),
    );
    for (const state of sheets.historyOf(SHEET_ID)) {
      for (const [title, rows] of Object.entries(complete)) {
        if (state[title] !== undefined) expect(state[title]).toBe(rows);
      }
    }
    recordFigures('sigkill-sheets-push', {
      faults: 1,
      stagingAtKill,
      runsCompleted: 1,
      sheetRowsCompared: pushed.rowsCompared,
      ...outputs,
    });
  }, 150_000);

  it('two worker processes on one task queue and one database: the run moves between them, a first (paged) sync is exact', async () => {
    // The store's cost bucket is shared by two workers that each pace only themselves (from throttleStatus).
    const orders = 250;
    const store = await newStore({
      seed: 13,
      products: 60,
      customers: 600,
      orders,
      graphql: { costLimit: PLUS_PLAN },
      faults: [{ kind: 'latency', latencyMs: 300, resource: 'orders' }],
    });
    const dataDir = newDataDir();
    const workerEnvironment = workerEnv({
      storeUrl: store.url,
      dataDir,
      temporalAddress: env.address,
      taskQueue: 'faults-two',
    });
    const both = await Promise.all([worker(workerEnvironment), worker(workerEnvironment)]);
    const pagesLogged = (w: WorkerProcess) =>
      (w.output().match(/ (products|customers|orders) page \d+:/g) ?? []).length;
    const handle = await env.client.workflow.start(shopifySync, {
      workflowId: 'faults-two-workers',
      taskQueue: 'faults-two',
      args: [{ sheets: false }],
    });
    // Sticky workflow tasks and eager activities keep a run on the worker that took it first. Pausing that worker
    // (SIGSTOP) hands the run to the other one; resumed (SIGCONT), it finishes its in-flight page while the other
    // worker writes too: two processes writing one database at once.
    const owner = await waitFor('a worker storing pages', () => both.find((w) => pagesLogged(w) >= 2), 60_000);
    const other = both.find((w) => w !== owner)!;
    await pauseOutsideWriteTransaction(owner, dataDir);
    try {
      // The paused worker's open polls stay registered at the server until they expire (about a minute), so
      // retries are still handed to it, each lost for the 10 s heartbeat timeout, while the retry backoff grows to
      // its 1-minute cap: 37 s measured, over 120 s seen; after the polls expire the next attempt goes to the other.
      await waitFor('the other worker taking the run over', () => pagesLogged(other) > 0, 240_000);
    } finally {
      owner.child.kill('SIGCONT');
    }
    const result = await resultWithin(handle, 90_000, 'the run on two workers');
    expect(result.resources.orders.records).toBe(orders);

    const pages = both.map(pagesLogged);
    const totalPages =
      result.resources.products.pages + result.resources.customers.pages + result.resources.orders.pages;
    expect(pages[0] + pages[1]).toBeGreaterThanOrEqual(totalPages);
    expect(Math.min(...pages)).toBeGreaterThan(0);
    for (const w of both) expect(w.child.exitCode).toBeNull();

    const outputs = expectExactOutputs(dataDir, store);
    recordFigures('two-workers', {
      faults: 1,
      pagesPerWorker: pages,
      throttled: throttledRequests(store.requestLog).length,
      runsCompleted: 1,
      ...outputs,
    });
  }, 420_000);

  it('a page activity that committed its pages but failed before reporting resumes from its checkpoint: nothing fetched twice, exact', async () => {
    const store = await newStore({
      seed: 14,
      products: 30,
      customers: 300,
      orders: 60,
      graphql: { costLimit: PLUS_PLAN },
    });
    const dataDir = newDataDir();
    // Two pages per activity: orders take three activities, so a middle one and the last one can lose their report.
    const config = {
      ...testConfig(dataDir, store.url, {}, 'faults-lost-report'),
      pageBudget: { pages: 2, ms: 60_000 },
    };
    const { activities, close } = createActivities(config);
    // After the real activity committed its pages: throw once, as if the worker died before reporting.
    const lost: string[] = [];
    const afterCommit = (input: SyncPageInput, last: boolean) =>
      (input.resource === 'orders' && (input.page === 3 || last)) ||
      (input.resource === 'products' && input.page === 1);
    const wrapped = {
      ...activities,
      async syncPage(input: SyncPageInput) {
        const result = await activities.syncPage(input);
        const key = `${input.resource}:${input.cursor ?? 'first'}`;
        if (afterCommit(input, result.nextCursor === null) && !lost.includes(key)) {
          lost.push(key);
          throw new Error(
            `simulated: the worker lost the report of ${input.resource} pages from ${input.page} after they committed`,
          );
        }
        return result;
      },
    };
    const inProcess = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'faults-lost-report',
      activities: wrapped,
      workflowBundle: await workflowBundle(),
    });
    let result: SyncResult;
    try {
      result = await inProcess.runUntil(
        env.client.workflow.execute(shopifySync, {
          workflowId: 'faults-lost-report',
          taskQueue: 'faults-lost-report',
          args: [{ sheets: false }],
        }),
      );
    } finally {
      close();
    }
    expect(lost).toHaveLength(3);
    // The retries reported the checkpoints' totals: the workflow counted each page once.
    expect(result.resources.orders).toMatchObject({ records: 60, pages: 6, requests: 6 });
    expect(result.resources.products).toMatchObject({ records: 30, pages: 2, requests: 2 });

    // The retries found their pages stored: every page was fetched once.
    const fetched = new Map<string, number>();
    for (const resource of ['products', 'customers', 'orders'] as const) {
      for (const r of servedPages(store.requestLog, resource)) {
        const key = `${resource}:${pageKey(r)}`;
        fetched.set(key, (fetched.get(key) ?? 0) + 1);
      }
    }
    expect(fetched.size).toBe(2 + 2 + 6);
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);

    const outputs = expectExactOutputs(dataDir, store);
    const db = openReadOnly(dataDir);
    const lineItems = (db.prepare('SELECT COUNT(*) AS n FROM line_items').get() as { n: number }).n;
    db.close();
    let storeLineItems = 0;
    for (const order of store.records('orders')) storeLineItems += (order.line_items as unknown[]).length;
    expect(lineItems).toBe(storeLineItems);
    recordFigures('lost-report-after-commit', {
      faults: lost.length,
      runsCompleted: 1,
      ...outputs,
    });
  }, 120_000);
});

describe('process faults: the Temporal server SIGKILLed mid-sync and restarted on the same database', () => {
  const data = tempDir('faults-server-');
  let server: DevServer;
  let store: ShopifyStore;
  let worker: WorkerProcess | undefined;
  const connections: Connection[] = [];

  beforeAll(async () => {
    server = await DevServer.create(path.join(data.dir, 'temporal', 'temporal.db'));
    store = createShopifyStore({
      seed: 15,
      products: 30,
      customers: 200,
      orders: 250,
      graphql: { costLimit: PLUS_PLAN },
      faults: [{ kind: 'latency', latencyMs: 400, field: 'orders' }],
    });
    await Promise.all([server.start(), store.listen(0)]);
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all(connections.map((c) => c.close()));
    await server?.stop();
    await store?.close();
    data.cleanup();
  });

  async function client(): Promise<Client> {
    const connection = await Connection.connect({ address: server.address });
    connections.push(connection);
    return new Client({ connection });
  }

  it('kill -9 of the server after 3+ order pages, restart on the same --db-filename and port: the run completes exact', async () => {
    const dataDir = path.join(data.dir, 'sync');
    worker = await startWorker(
      workerEnv({ storeUrl: store.url, dataDir, temporalAddress: server.address, taskQueue: 'faults-server' }),
    );
    const before = await client();
    const handle = await before.workflow.start(shopifySync, {
      workflowId: 'faults-server-kill',
      taskQueue: 'faults-server',
      args: [{ sheets: false }],
    });
    // Pages are counted in the store's request log: the progress query moves once per page activity (several pages).
    const servedOrderPages = () => servedPages(store.requestLog, 'orders').length;
    await waitFor('three served pages of orders', () => servedOrderPages() >= 3, 60_000);
    await server.kill9();
    const killedAt = Date.now();
    // Every served page but the last two (the one being stored and the one prefetched meanwhile) is stored.
    const storedAtKill = servedOrderPages() - 2;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    let workerExit: number | string | undefined;
    void worker.exited.then((code) => (workerExit = code));
    await server.start();
    const downMs = Date.now() - killedAt;

    const after = await client();
    const resumed = after.workflow.getHandle<typeof shopifySync>('faults-server-kill', handle.firstExecutionRunId);
    const result = await resultWithin(resumed, 90_000, 'the run after the server restart');
    // The worker process outlived the server and reconnected by itself.
    expect(workerExit).toBeUndefined();
    expect(result.resources.orders.records).toBe(250);
    expect(result.continuedAsNew).toBe(0);

    const outputs = expectExactOutputs(dataDir, store);
    // Order pages stored before the kill were not fetched again: the cursors survived in the server's database and
    // in the page activity's checkpoint.
    const keys = servedPages(store.requestLog, 'orders').map(pageKey);
    for (const key of keys.slice(0, storedAtKill)) expect(keys.filter((k) => k === key)).toHaveLength(1);
    expect(new Set(keys).size).toBe(Math.ceil(250 / ordersPerPage));
    recordFigures('sigkill-temporal-server', {
      faults: 1,
      orderPagesStoredAtKill: storedAtKill,
      serverDownMs: downMs,
      orderPagesFetchedTwice: keys.length - new Set(keys).size,
      runsCompleted: 1,
      ...outputs,
    });
  }, 180_000);
});
