/**
 * The bulk ingest on its own: the emulator exports N orders with their line items (ungrouped JSONL, Shopify's
 * part), then a separate process — so the emulator's memory and CPU never count — downloads, stages, assembles and
 * stores them into a fresh database, and reports orders/s and its peak RSS.
 *
 *   npx tsx bench/bulk-ingest.ts [--orders 10000,100000] [--store upsert|none] [--profile DIR]
 *
 * `--store upsert` (default) hands each batch to upsertRecords with the REST-era orders declaration through a small
 * stand-in mapping (until resources.ts declares the GraphQL side); `none` measures the ingest alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestBulkResult, type BulkRecord } from '../activities/store/bulk-ingest';
import { openDatabase } from '../activities/store/database';
import { resourceSpec } from '../activities/store/resources';
import { upsertRecords } from '../activities/store/upsert';
import { createShopifyStore } from '../emulators/shopify';
import { startBulk, waitForBulk } from '../emulators/shopify/graphql/test-gql';
import { WORKER_RUNTIME_ENV } from '../worker/runtime-settings';

const ORDERS_BULK = `{ orders { edges { node { id legacyResourceId name email updatedAt createdAt displayFinancialStatus
  displayFulfillmentStatus currencyCode totalPriceSet { shopMoney { amount } } subtotalPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } } customer { id } fulfillments { id createdAt status }
  refunds { id createdAt totalRefundedSet { shopMoney { amount } } } discountCodes tags
  lineItems { edges { node { id title quantity sku variant { id } originalUnitPriceSet { shopMoney { amount } } } } } } } } }`;

interface ChildReport {
  orders: number;
  lines: number;
  bytes: number;
  seconds: number;
  stagingSeconds: number;
  maxRssMb: number;
  stagingMaxRssMb: number;
  /** Dropping the staged lines after the last batch. */
  finishSeconds: number;
}

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const legacy = (gid: unknown) => Number(String(gid).slice(String(gid).lastIndexOf('/') + 1));

/** Stand-in for the GraphQL declaration another change adds: the REST-era orders table and its line items. */
function asRestOrder(order: BulkRecord): BulkRecord {
  const o = order as Record<string, never>;
  const money = (set: { shopMoney?: { amount?: string } } | null) => set?.shopMoney?.amount ?? null;
  return {
    id: Number(o.legacyResourceId),
    name: o.name,
    email: o.email,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    financial_status: o.displayFinancialStatus,
    currency: o.currencyCode,
    total_price: money(o.totalPriceSet),
    subtotal_price: money(o.subtotalPriceSet),
    total_tax: money(o.totalTaxSet),
    line_items: (o.lineItems as { nodes: Record<string, never>[] }).nodes.map((li) => ({
      id: legacy(li.id),
      title: li.title,
      quantity: li.quantity,
      sku: li.sku,
      price: money(li.originalUnitPriceSet),
    })),
  };
}

async function child(url: string, operationId: string, storeMode: string): Promise<void> {
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
    childFields: { Order: { LineItem: 'lineItems' } },
    // Tuning runs: BULK_BENCH_BATCH=1000 BULK_BENCH_CHUNK=10000 npx tsx bench/bulk-ingest.ts
    batchRecords: Number(process.env.BULK_BENCH_BATCH) || undefined,
    chunkLines: Number(process.env.BULK_BENCH_CHUNK) || undefined,
    store: storeMode === 'none' ? () => undefined : (records) => upsertRecords(db, orders, records.map(asRestOrder)),
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
  const seconds = (ended - started) / 1000;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const report: ChildReport = {
    orders: result.records,
    lines: result.lines,
    bytes: result.bytes,
    seconds,
    stagingSeconds: (stagedAt - started) / 1000,
    finishSeconds: (ended - assembledAt) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    stagingMaxRssMb: stagingMaxRss / 1024,
  };
  process.stdout.write(JSON.stringify(report));
}

function runChild(url: string, operationId: string, storeMode: string, profileDir?: string): Promise<ChildReport> {
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...nodeArgs, '--import', 'tsx', __filename, '--child', url, operationId, storeMode];
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

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], process.argv[5]);
  const sizes = arg('orders', '10000,100000').split(',').map(Number);
  const storeMode = arg('store', 'upsert');
  const profileDir = process.argv.includes('--profile')
    ? path.resolve(arg('profile', 'bulk-ingest-profile'))
    : undefined;
  console.log(
    `store: ${storeMode}; ingest in its own process under tsx with the worker's NODE_OPTIONS and MALLOC_ARENA_MAX; ${os.cpus().length} cores`,
  );
  console.log('orders  | lines     | MB     | export s | ingest s | staging / drop s | orders/s | peak RSS MB');
  for (const size of sizes) {
    const shop = createShopifyStore({ orders: size, customers: Math.max(50, size / 10), products: 200 });
    try {
      const base = await shop.listen(0);
      const exportStarted = performance.now();
      const op = await waitForBulk(base, (await startBulk(base, ORDERS_BULK)).bulkOperation.id, 3_600_000);
      if (op.status !== 'COMPLETED') throw new Error(`the export of ${size} orders ended ${op.status}`);
      const exportSeconds = (performance.now() - exportStarted) / 1000;
      const r = await runChild(op.url, op.id, storeMode, profileDir);
      console.log(
        [
          String(r.orders).padEnd(7),
          String(r.lines).padEnd(9),
          (r.bytes / 1e6).toFixed(1).padEnd(6),
          exportSeconds.toFixed(1).padEnd(8),
          r.seconds.toFixed(2).padEnd(8),
          `${r.stagingSeconds.toFixed(2)} / ${r.finishSeconds.toFixed(2)}`.padEnd(11),
          Math.round(r.orders / r.seconds)
            .toString()
            .padEnd(8),
          `${r.maxRssMb.toFixed(0)} (staging ${r.stagingMaxRssMb.toFixed(0)})`,
        ].join(' | '),
      );
    } finally {
      await shop.close();
    }
  }
  if (profileDir) console.log(`CPU profiles in ${profileDir}: npx tsx bench/profile-summary.ts ${profileDir}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
