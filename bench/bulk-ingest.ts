/**
 * The bulk ingest on its own: the emulator exports N orders with their line items (ungrouped JSONL, Shopify's
 * part), then a separate process — so the emulator's memory and CPU never count — downloads, stages, assembles and
 * stores them into a fresh database exactly as the worker's ingestBulkSync activity does (the orders declaration's
 * bulk query and child fields; the rows prepared on the assembler thread, written by writePage), and reports orders/s
 * and its peak RSS.
 *
 *   npx tsx bench/bulk-ingest.ts [--orders 10000,100000] [--store upsert|none] [--profile DIR] [--compiled]
 *
 * `--compiled` runs dist/'s modules (`npm run build` first), as the worker's image does: its threads then start
 * without a TypeScript loader. `npm run bench` builds dist/ and measures it so.
 *
 * `--store none` measures download, staging and assembly (records, not rows) without the SQLite upsert. The benchmark's `bulk` scenario
 * calls `measureBulkIngest` for its "local ingest" figure.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bulkChildFields, bulkQuery } from '../activities/shopify/graphql/bulk-query';
import { ingestBulkResult, type PreparedBatch } from '../activities/store/bulk-ingest';
import { openDatabase } from '../activities/store/database';
import { resourceSpec } from '../activities/store/resources';
import { writePage } from '../activities/store/upsert';
import { createShopifyStore } from '../emulators/shopify';
import { startBulk, waitForBulk } from '../emulators/shopify/graphql/test-gql';
import { WORKER_RUNTIME_ENV } from '../worker/runtime-settings';
import { PROJECT_ROOT } from '../test/helpers/processes';

export interface IngestReport {
  orders: number;
  lines: number;
  bytes: number;
  /** The emulator's export (Shopify's part), measured by the parent: before the ingest starts. */
  exportSeconds: number;
  /** Download, parse, stage, assemble and store: the ingest process's wall time. */
  seconds: number;
  stagingSeconds: number;
  /** Dropping the staged lines after the last batch. */
  finishSeconds: number;
  maxRssMb: number;
  stagingMaxRssMb: number;
  /** CPU time of the ingest process, all its threads (user + system): what a loaded machine does not distort. */
  cpuSeconds: number;
  ordersPerSecond: number;
}

type ChildReport = Omit<IngestReport, 'exportSeconds' | 'ordersPerSecond'>;

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/**
 * The ingest's modules: compiled, from dist/ as the Docker image runs them (its threads then start without a
 * TypeScript loader; `npm run build` first), or the sources through tsx.
 */
function ingestModules(compiled: boolean) {
  const sources = { openDatabase, ingestBulkResult, resourceSpec, writePage, bulkChildFields };
  if (!compiled) return sources;
  const dist = (file: string): Record<string, unknown> => require(path.join(PROJECT_ROOT, 'dist', file));
  return {
    openDatabase: dist('activities/store/database.js').openDatabase,
    ingestBulkResult: dist('activities/store/bulk-ingest.js').ingestBulkResult,
    resourceSpec: dist('activities/store/resources.js').resourceSpec,
    writePage: dist('activities/store/upsert.js').writePage,
    bulkChildFields: dist('activities/shopify/graphql/bulk-query.js').bulkChildFields,
  } as typeof sources;
}

async function child(url: string, operationId: string, storeMode: string, compiled: boolean): Promise<void> {
  const { openDatabase, ingestBulkResult, resourceSpec, writePage, bulkChildFields } = ingestModules(compiled);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-ingest-bench-'));
  const db = openDatabase(dir);
  const orders = resourceSpec('orders');
  const started = performance.now();
  let stagedAt = 0;
  let assembledAt = 0;
  let stagingMaxRss = 0;
  const result = await ingestBulkResult(db, {
    operationId,
    url,
    childFields: bulkChildFields(orders.graphql),
    // Tuning runs: BULK_BENCH_BATCH=1000 BULK_BENCH_CHUNK=10000 npx tsx bench/bulk-ingest.ts
    batchRecords: Number(process.env.BULK_BENCH_BATCH) || undefined,
    chunkLines: Number(process.env.BULK_BENCH_CHUNK) || undefined,
    ...(storeMode === 'none'
      ? { store: () => undefined }
      : {
          prepare: { resource: 'orders' as const, timeZone: null },
          store: ({ pages }: PreparedBatch) => pages.forEach((page) => writePage(db, orders, page)),
        }),
    onProgress: (state) => {
      assembledAt = performance.now();
      if (state.phase !== 'staging' && stagedAt === 0) {
        stagedAt = performance.now();
        stagingMaxRss = process.resourceUsage().maxRSS;
      }
      if (process.env.BULK_BENCH_TRACE) console.error(state.phase, state.lines, state.records, process.memoryUsage());
    },
  });
  const ended = performance.now();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const report: ChildReport = {
    orders: result.records,
    lines: result.lines,
    bytes: result.bytes,
    seconds: (ended - started) / 1000,
    stagingSeconds: (stagedAt - started) / 1000,
    finishSeconds: (ended - assembledAt) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    stagingMaxRssMb: stagingMaxRss / 1024,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
  process.stdout.write(JSON.stringify(report));
}

interface IngestOptions {
  storeMode?: 'upsert' | 'none';
  profileDir?: string;
  /** The compiled modules in dist/ (`npm run build` first), as the worker's image runs them; else the sources. */
  compiled?: boolean;
}

function runChild(url: string, operationId: string, options: IngestOptions): Promise<ChildReport> {
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const modules = options.compiled ? 'compiled' : 'sources';
  const mode = options.storeMode ?? 'upsert';
  const args = [...nodeArgs, '--import', 'tsx', __filename, '--child', url, operationId, mode, modules];
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...WORKER_RUNTIME_ENV };
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`ingest process exited ${code}`)),
    );
  });
}

/** Exports `orders` orders at an in-process emulator, then ingests the file in a child process. */
export async function measureBulkIngest(orders: number, options: IngestOptions = {}): Promise<IngestReport> {
  const shop = createShopifyStore({ orders, customers: Math.max(50, orders / 10), products: 200 });
  try {
    const base = await shop.listen(0);
    const exportStarted = performance.now();
    const inner = bulkQuery(resourceSpec('orders').graphql, null);
    const op = await waitForBulk(base, (await startBulk(base, inner)).bulkOperation.id, 3_600_000);
    if (op.status !== 'COMPLETED') throw new Error(`The emulator's export of ${orders} orders ended ${op.status}`);
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const r = await runChild(op.url, op.id, options);
    return { ...r, exportSeconds, ordersPerSecond: r.orders / r.seconds };
  } finally {
    await shop.close();
  }
}

/**
 * `measureBulkIngest` in a process of its own (this script with `--json`), so the emulator that serves the file is
 * not slowed by the heap of the process that called it (the benchmark's, after its full syncs: measured 8,521
 * against about 10,100 orders/s alone).
 */
export function measureBulkIngestApart(orders: number, options: { compiled?: boolean } = {}): IngestReport {
  const args = ['--import', 'tsx', __filename, '--orders', String(orders), '--json'];
  const run = spawnSync(process.execPath, options.compiled ? [...args, '--compiled'] : args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`bench/bulk-ingest.ts exited ${run.status ?? run.signal}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as IngestReport;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child')
    return child(process.argv[3], process.argv[4], process.argv[5], process.argv[6] === 'compiled');
  const sizes = arg('orders', '10000,100000').split(',').map(Number);
  const storeMode = arg('store', 'upsert') === 'none' ? 'none' : 'upsert';
  const profileDir = process.argv.includes('--profile')
    ? path.resolve(arg('profile', 'bulk-ingest-profile'))
    : undefined;
  const compiled = process.argv.includes('--compiled');
  if (process.argv.includes('--json')) {
    // For the benchmark's full-sync scenario (measureBulkIngestApart): one JSON report per size, nothing else.
    for (const size of sizes)
      console.log(JSON.stringify(await measureBulkIngest(size, { storeMode, profileDir, compiled })));
    return;
  }
  const modules = compiled ? "dist/'s compiled modules (npm run build first)" : 'the sources under tsx';
  console.log(
    `store: ${storeMode}; ingest in its own process with the worker's NODE_OPTIONS and MALLOC_ARENA_MAX, running ` +
      `${modules}; ${os.cpus().length} cores`,
  );
  console.log('orders  | lines     | MB     | export s | ingest s | staging / drop s | CPU s | orders/s | peak RSS MB');
  for (const size of sizes) {
    const r = await measureBulkIngest(size, { storeMode, profileDir, compiled });
    console.log(
      [
        String(r.orders).padEnd(7),
        String(r.lines).padEnd(9),
        (r.bytes / 1e6).toFixed(1).padEnd(6),
        r.exportSeconds.toFixed(1).padEnd(8),
        r.seconds.toFixed(2).padEnd(8),
        `${r.stagingSeconds.toFixed(2)} / ${r.finishSeconds.toFixed(2)}`.padEnd(16),
        r.cpuSeconds.toFixed(1).padEnd(5),
        Math.round(r.ordersPerSecond).toString().padEnd(8),
        `${r.maxRssMb.toFixed(0)} (staging ${r.stagingMaxRssMb.toFixed(0)})`,
      ].join(' | '),
    );
  }
  if (profileDir) console.log(`CPU profiles in ${profileDir}: npx tsx bench/profile-summary.ts ${profileDir}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
