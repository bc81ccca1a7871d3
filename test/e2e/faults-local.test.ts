/**
 * Fault injection, local: the database locked by another process, deleted between runs, corrupt; DATA_DIR not
 * writable; the disk filling up while the CSVs are written. Runs as root in CI, where permission bits do not stop
 * anything: "not writable" is a path under a regular file (ENOTDIR) and a read-only tmpfs (EROFS), and "disk full"
 * is a small tmpfs (both need mount, i.e. root or CAP_SYS_ADMIN). Every case ends by comparing with the store.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CSV_EXPORTS, exportCsvs } from '../../activities/exports/csv-export';
import { DATABASE_FILE, openDatabase } from '../../activities/store/database';
import { SyncResult, syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createSyncWorker } from '../../worker/create-worker';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { EQUAL } from '../helpers/compare';
import { compareDir } from '../helpers/faults-inspect';
import { pageRequests, searchedSince } from '../helpers/graphql-log';
import { expectExactOutputs, fingerprints, recordFigures, sha256, tempFiles } from '../helpers/faults-outputs';
import { activityAttempts, runBounded } from '../helpers/faults-runs';
import { PROJECT_ROOT, waitFor } from '../helpers/processes';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const CSV_FILES = CSV_EXPORTS.map((e) => e.file);

function removeDatabase(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, DATABASE_FILE + suffix), { force: true });
}

/** Another process holding `BEGIN EXCLUSIVE` on the database for `holdMs`; resolves once it holds the lock. */
async function lockDatabase(file: string, holdMs: number): Promise<{ released: Promise<number> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, ${holdMs});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  await waitFor('the other process to hold the lock', () => output.includes('locked'), 20_000);
  const released = exited.then((code) => {
    if (!output.includes('released')) throw new Error(`the locking process exited (${code}) without releasing`);
    return code;
  });
  return { released };
}

/** Mounts a tmpfs (root or CAP_SYS_ADMIN needed); unmounted by the returned function. */
function mountTmpfs(dir: string, options: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `This test mounts a tmpfs at ${dir} (-o ${options}) and needs root or CAP_SYS_ADMIN: ` +
        `${(error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`,
    );
  }
  return () => {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
  };
}

describe('local faults: locked, deleted and corrupt database, unwritable DATA_DIR, disk full', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  const scratch = tempDir('faults-local-');
  const unmounts: Array<() => void> = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    // A run without watermarks pages everything, orders 10 to a query, paced by the cost bucket Shopify reports (a
    // store without limits still reports one): a small store on a Plus plan's bucket keeps that quick.
    store = createShopifyStore({
      seed: 21,
      products: 40,
      customers: 400,
      orders: 250,
      graphql: { costLimit: { maximumAvailable: 10_000, restoreRate: 1_000 } },
    });
    await store.listen(0);
  });
  afterAll(async () => {
    for (const unmount of unmounts.reverse()) unmount();
    await store?.close();
    await env?.teardown();
    scratch.cleanup();
  });

  let dirCount = 0;
  const dataDir = (name: string) => path.join(scratch.dir, `${++dirCount}-${name}`);
  /** Each case its own store name, so its own workflow id: a case that failed never blocks the next one. */
  const config = (dir: string, name: string) => testConfig(dir, store.url, { store: name }, name);

  it('database locked by another process for 5 s (under the 10 s busy timeout): the sync waits, no retry, exact', async () => {
    const dir = dataDir('locked');
    await runSyncInProcess(env, config(dir, 'faults-lock'), { full: true, sheets: false });
    store.mutate('orders', { update: 20, create: 5 });

    const lock = await lockDatabase(path.join(dir, DATABASE_FILE), 5_000);
    const run = await runBounded(env, config(dir, 'faults-lock'), { sheets: false }, 60_000);
    await lock.released;
    expect(run.message).toBe('');
    // Unlocked, this run takes a second or two: it waited for the lock.
    expect(run.ms).toBeGreaterThanOrEqual(4_000);
    const attempts = await activityAttempts(run.handle);
    expect(attempts.filter((a) => a.attempt > 1)).toEqual([]);

    const comparison = expectExactOutputs(dir, store);
    recordFigures('db-locked-5s', { faults: 1, runMs: run.ms, retries: 0, runsCompleted: 2, ...comparison });
  }, 90_000);

  it('database locked for 14 s (past the busy timeout): the activity fails with "database is locked", is retried, the sync completes exact', async () => {
    const dir = dataDir('locked-long');
    await runSyncInProcess(env, config(dir, 'faults-lock-long'), { full: true, sheets: false });
    store.mutate('customers', { update: 10 });

    const lock = await lockDatabase(path.join(dir, DATABASE_FILE), 14_000);
    const run = await runBounded(env, config(dir, 'faults-lock-long'), { sheets: false }, 60_000);
    await lock.released;
    expect(run.message).toBe('');
    const retried = (await activityAttempts(run.handle)).filter((a) => a.attempt > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const a of retried) expect(a.lastFailure).toMatch(/database is locked/);

    const comparison = expectExactOutputs(dir, store);
    recordFigures('db-locked-14s', {
      faults: 1,
      runMs: run.ms,
      retried: retried.map((a) => `${a.type}#${a.attempt}`),
      runsCompleted: 2,
      ...comparison,
    });
  }, 90_000);

  it('database deleted between runs: the next (incremental) run finds no watermarks, fetches everything, exact', async () => {
    const dir = dataDir('deleted');
    await runSyncInProcess(env, config(dir, 'faults-deleted'), { full: true, sheets: false });
    removeDatabase(dir);
    store.clearRequestLog();

    const result = await runSyncInProcess(env, config(dir, 'faults-deleted'), { sheets: false });
    expect(result.mode).toBe('incremental');
    // The watermarks lived in the deleted file: every resource was paged from the start, without an updated_at search.
    for (const name of ['products', 'customers', 'orders'] as const) {
      const pages = pageRequests(store.requestLog, name);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.filter((r) => searchedSince(r) !== undefined)).toEqual([]);
    }
    for (const name of ['products', 'customers', 'orders'] as const) {
      expect(result.resources[name].records).toBe(store.count(name));
    }
    const comparison = expectExactOutputs(dir, store);
    recordFigures('db-deleted-new-worker', { faults: 1, runsCompleted: 2, ...comparison });
  }, 90_000);

  it('database deleted between two runs of the same long-lived worker: the next run recreates it, exact', async () => {
    const dir = dataDir('deleted-live-worker');
    const cfg = config(dir, 'faults-deleted-live');
    const { worker, close } = await createSyncWorker({
      ...cfg,
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
    });
    const run = (input: object) =>
      env.client.workflow.execute(shopifySync, {
        workflowId: syncWorkflowId('faults-deleted-live'),
        taskQueue: 'faults-deleted-live',
        args: [input],
        workflowExecutionTimeout: '45 seconds',
      });
    let second: SyncResult | WorkflowFailedError;
    try {
      second = await worker.runUntil(async () => {
        await run({ full: true, sheets: false });
        removeDatabase(dir);
        return run({ sheets: false }).catch((error: WorkflowFailedError) => error);
      });
    } finally {
      close();
    }
    // The run's own message when it failed, so a failure here says what the worker did.
    expect(second instanceof Error ? `${second.message}: ${second.cause?.message}` : 'completed').toBe('completed');
    expect(fs.existsSync(path.join(dir, DATABASE_FILE))).toBe(true);
    const comparison = expectExactOutputs(dir, store);
    recordFigures('db-deleted-live-worker', { faults: 1, runsCompleted: 2, ...comparison });
  }, 120_000);

  it('a file that is not a database: clear message, non-retryable failure, the file left byte for byte', async () => {
    const dir = dataDir('not-a-db');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    fs.writeFileSync(file, Buffer.concat([Buffer.from('not a database\n'), randomBytes(64 * 1024)]));
    const before = sha256(file);

    const run = await runBounded(env, config(dir, 'faults-notadb'), { full: true, sheets: false }, 30_000);
    expect(run.message).toMatch(new RegExp(`${DATABASE_FILE} is not a readable SQLite database`));
    expect(run.message).toMatch(/left as it is/);
    expect(run.ms).toBeLessThan(15_000);
    const attempts = await activityAttempts(run.handle);
    expect(attempts).toEqual([expect.objectContaining({ type: 'planSync', attempt: 1, outcome: 'failed' })]);
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual([DATABASE_FILE]);
    recordFigures('db-not-sqlite', { faults: 1, runMs: run.ms, attempts: 1, runsCompleted: 0 });
  }, 60_000);

  /**
   * A real database, checkpointed and closed, then random bytes over its pages from `fromFraction` of the file to
   * its end: the header and page 1 stay valid, so SQLite opens it and finds the damage only where it reads.
   */
  async function damagedDatabase(name: string, fromFraction: number): Promise<{ dir: string; file: string }> {
    const dir = dataDir(name);
    await runSyncInProcess(env, config(dir, name), { full: true, sheets: false });
    const file = path.join(dir, DATABASE_FILE);
    const db = openDatabase(dir);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const size = fs.statSync(file).size;
    const at = Math.max(8 * 4096, Math.floor((size * fromFraction) / 4096) * 4096);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, randomBytes(size - at), 0, size - at, at);
    fs.closeSync(fd);
    return { dir, file };
  }

  it.each([
    ['from page 9 on', 'faults-damaged-head', 0],
    ['in its last tenth (pages a sync would not read before writing)', 'faults-damaged-tail', 0.9],
  ])(
    'a database damaged %s: found by the background check before the writer opens it, non-retryable, never rewritten',
    async (_where, name, from) => {
      const { dir, file } = await damagedDatabase(name, from);
      const before = sha256(file);
      store.mutate('orders', { update: 30 });

      const run = await runBounded(env, config(dir, name), { full: true, sheets: false }, 30_000);
      expect(run.message).toMatch(new RegExp(`${DATABASE_FILE} is not a readable SQLite database`));
      expect(run.message).toMatch(/left as it is/);
      const attempts = await activityAttempts(run.handle);
      expect(attempts.filter((a) => a.attempt > 1)).toEqual([]);
      expect(attempts.filter((a) => a.outcome === 'failed')).toHaveLength(1);
      expect(sha256(file)).toBe(before);
      recordFigures(name, { faults: 1, runMs: run.ms, message: run.message, attempts, runsCompleted: 1 });
    },
    60_000,
  );

  it('DATA_DIR under a regular file (ENOTDIR; as root, permission bits stop nothing): clear message, fails fast', async () => {
    const file = path.join(scratch.dir, 'afile');
    fs.writeFileSync(file, 'a regular file\n');
    const dir = path.join(file, 'data');
    const run = await runBounded(env, config(dir, 'faults-enotdir'), { full: true, sheets: false }, 30_000);
    expect(run.message).toMatch(new RegExp(`DATA_DIR "${dir}" cannot be created \\(ENOTDIR`));
    expect(run.message).toMatch(/Point DATA_DIR at a writable folder/);
    expect(run.ms).toBeLessThan(15_000);
    expect(await activityAttempts(run.handle)).toEqual([
      expect.objectContaining({ type: 'planSync', attempt: 1, outcome: 'failed' }),
    ]);
    recordFigures('data-dir-enotdir', { faults: 1, runMs: run.ms, attempts: 1, runsCompleted: 0 });
  }, 60_000);

  it('DATA_DIR on a read-only file system (EROFS): clear message, fails fast; read-only after a sync: the same', async () => {
    const mount = path.join(scratch.dir, 'readonly');
    unmounts.push(mountTmpfs(mount, 'size=64m'));
    const dir = path.join(mount, 'data');
    fs.mkdirSync(dir);
    execFileSync('mount', ['-o', 'remount,ro', mount]);

    const empty = await runBounded(env, config(dir, 'faults-erofs'), { full: true, sheets: false }, 30_000);
    expect(empty.message).toMatch(/cannot be opened for writing .*Check DATA_DIR's permissions/);
    expect(empty.ms).toBeLessThan(15_000);
    expect(await activityAttempts(empty.handle)).toEqual([
      expect.objectContaining({ type: 'planSync', attempt: 1, outcome: 'failed' }),
    ]);

    // A folder that was writable for the first sync and became read-only before the next.
    execFileSync('mount', ['-o', 'remount,rw', mount]);
    await runSyncInProcess(env, config(dir, 'faults-erofs'), { full: true, sheets: false });
    const csvs = fingerprints(dir, CSV_FILES);
    execFileSync('mount', ['-o', 'remount,ro', mount]);
    const after = await runBounded(env, config(dir, 'faults-erofs'), { sheets: false }, 30_000);
    expect(after.message).toMatch(/cannot be opened for writing|readonly|read-only/i);
    expect(after.ms).toBeLessThan(15_000);
    expect((await activityAttempts(after.handle)).filter((a) => a.attempt > 1)).toEqual([]);
    expect(fingerprints(dir, CSV_FILES)).toEqual(csvs);
    execFileSync('mount', ['-o', 'remount,rw', mount]);
    recordFigures('data-dir-erofs', {
      faults: 2,
      messages: [empty.message, after.message],
      runsCompleted: 1,
      ...compareDir(dir, store),
    });
  }, 90_000);

  it('disk full while writing the CSVs: temp files removed, previous CSVs intact, a clear failure; space freed: next run exact', async () => {
    // A store of its own: no other case's changes, so the incremental run below stores only a handful of records.
    const own = createShopifyStore({ seed: 22, products: 40, customers: 400, orders: 1_500, rateLimit: false });
    await own.listen(0);
    const cfg = testConfig(
      path.join(scratch.dir, 'small-disk', 'data'),
      own.url,
      { store: 'faults-enospc' },
      'faults-enospc',
    );
    try {
      await diskFull(own, cfg);
    } finally {
      await own.close();
    }
  }, 150_000);

  async function diskFull(own: ShopifyStore, cfg: ReturnType<typeof testConfig>): Promise<void> {
    const mount = path.join(scratch.dir, 'small-disk');
    unmounts.push(mountTmpfs(mount, 'size=64m'));
    const dir = cfg.app.dataDir;
    await runSyncInProcess(env, cfg, { full: true, sheets: false });
    const previous = fingerprints(dir, [...CSV_FILES, 'analytics_summary.json']);
    const csvBytes = CSV_FILES.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);

    // Leave room for the database's growth in an incremental run (WAL frames) but not for a new set of CSVs.
    const leave = 512 * 1024;
    expect(csvBytes).toBeGreaterThan(2 * leave);
    const { bavail, bsize } = fs.statfsSync(mount);
    const ballast = path.join(mount, 'ballast');
    fs.writeFileSync(ballast, Buffer.alloc(Math.max(0, bavail * bsize - leave)));
    own.mutate('orders', { update: 4, create: 1 });

    const full = await runBounded(env, cfg, { sheets: false }, 60_000);
    expect(full.message).toMatch(/ENOSPC|no space left on device/i);
    expect(full.message).toMatch(/disk holding DATA_DIR .* is full .*Free some space there/);
    const attempts = await activityAttempts(full.handle);
    const exportAttempt = attempts.find((a) => a.type === 'exportCsv');
    expect(exportAttempt).toMatchObject({ outcome: 'failed' });
    expect(attempts.filter((a) => a.type === 'syncPage').every((a) => a.outcome === 'completed')).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
    expect(fingerprints(dir, [...CSV_FILES, 'analytics_summary.json'])).toEqual(previous);
    // The pages were stored before the export failed: SQLite already equals the store.
    const stored = compareDir(dir, own);
    expect(stored).toMatchObject(EQUAL);

    fs.rmSync(ballast);
    await runSyncInProcess(env, cfg, { sheets: false });
    recordFigures('disk-full-csv', {
      faults: 1,
      exportAttempts: exportAttempt?.attempt,
      message: full.message,
      runsCompleted: 2,
      ...expectExactOutputs(dir, own),
    });
  }

  it('unit level: ENOSPC from the file system mid-export removes the temp files and keeps the previous CSVs', async () => {
    const dir = dataDir('unit-enospc');
    await runSyncInProcess(env, config(dir, 'faults-unit-enospc'), { full: true, sheets: false });
    const previous = fingerprints(dir, CSV_FILES);
    const db = openReadOnly(dir);
    const original = fs.createWriteStream;
    let written = 0;
    // Every temp file's stream fails with ENOSPC once the export has written 200 kB in all, as a full disk would.
    const spy = jest.spyOn(fs, 'createWriteStream').mockImplementation(((file: string, options: object) => {
      const stream = original(file, options);
      const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const write = stream._write.bind(stream);
      stream._write = (chunk, encoding, callback) => {
        written += chunk.length;
        if (written > 200_000) callback(full());
        else write(chunk, encoding, callback);
      };
      stream._writev = (chunks, callback) => {
        written += chunks.reduce((sum, c) => sum + (c.chunk as Buffer).length, 0);
        if (written > 200_000) callback(full());
        else write(Buffer.concat(chunks.map((c) => c.chunk as Buffer)), 'buffer' as BufferEncoding, callback);
      };
      return stream;
    }) as typeof fs.createWriteStream);
    try {
      await expect(exportCsvs(db, dir)).rejects.toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
      db.close();
    }
    expect(tempFiles(dir)).toEqual([]);
    expect(fingerprints(dir, CSV_FILES)).toEqual(previous);
  }, 60_000);
});
