/**
 * 5. How cost grows with the store: the worker's peak RSS while it stores a full sync's bulk results (the JSONL
 * files, before the output stages) and its CPU per record at 10k vs 100k orders (and 1M with --large, the issue's
 * figure), and the peak RSS of exporting 1,000,000 vs 10,000 line items: in the worker (an incremental run with
 * nothing new, so its output stages run over the whole database) and alone in a child process.
 */
import fs from 'node:fs';
import type { BenchContext } from '../context';
import { Figure, info, ScenarioResult, target } from '../figures';
import { runStage } from '../stage-runner';
import type { StageOutput } from '../stages/report';
import { withSession } from '../session';
import { storeShape } from '../store-process';

/** Worker peak RSS while storing: the largest store within this factor of the smallest, and under this (issue 13). */
const RSS_GROWTH = 1.2;
const RSS_LIMIT_MB = 300;
import { derive, fullSyncs, medianRun, sizeLabel, steady } from './full-sync';
import { buildDatabase } from './stages';

const LINE_ITEMS_PER_ORDER = 2.55;

type Exported = StageOutput & { rows: number; tables: Record<string, { rows: number }> };

async function exportAt(ctx: BenchContext, lineItems: number) {
  const orders = Math.round(lineItems / LINE_ITEMS_PER_ORDER);
  const { dir } = await buildDatabase(ctx, `export-${lineItems}`, orders, { watermarkNow: true });
  try {
    ctx.log(`scaling: exporting ~${lineItems} line items in a child process`);
    const exported = await runStage<Exported>('export', { dir });
    ctx.log(`scaling: the same export in the worker (an incremental run with nothing new)`);
    const inWorker = await withSession(ctx, storeShape(orders), false, (session) => session.sync({ sheets: false }), {
      dataDir: dir,
    });
    const fetched = Object.values(inWorker.result.resources).reduce((sum, r) => sum + r.records, 0);
    if (fetched > 3) throw new Error(`The incremental run fetched ${fetched} records; expected nothing new`);
    const csvStage = inWorker.result.stages.find((stage) => stage.name === 'csv');
    return {
      orders,
      lineItems: exported.tables.line_items.rows,
      exported,
      worker: {
        peakRssMb: inWorker.workerPeakRssMb,
        startRssMb: inWorker.workerStartRssMb,
        csvMs: csvStage?.durationMs,
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function scaling(ctx: BenchContext, cores: number): Promise<ScenarioResult> {
  const sizes = ctx.quick ? [2_000, 10_000] : [10_000, 100_000, ...(ctx.large ? [1_000_000] : [])];
  const bySize = new Map<number, { storingPeakRssMb: number; peakRssMb: number; cpuPer10k: number }>();
  for (const orders of sizes) {
    const runs = await fullSyncs(ctx, orders);
    // Peak RSS from every worker's first sync (the only one at 1M): like with like at every size.
    const first = medianRun(runs.map((run) => derive(run.first, cores)));
    bySize.set(orders, {
      storingPeakRssMb: first.workerStoringPeakRssMb,
      peakRssMb: first.workerPeakRssMb,
      cpuPer10k: medianRun(runs.map((run) => derive(steady(run), cores))).cpuPer10k,
    });
  }
  const small = bySize.get(sizes[0])!;
  const figures: Figure[] = [];
  for (const [orders, m] of bySize) {
    figures.push(
      info(
        `Worker peak RSS while storing the bulk results (whole sync), ${sizeLabel(orders)} orders`,
        m.storingPeakRssMb,
        'MB',
        `${m.storingPeakRssMb.toFixed(0)} MB (${m.peakRssMb.toFixed(0)} MB)`,
      ),
      info(`Worker CPU per 10,000 records, ${sizeLabel(orders)} orders`, m.cpuPer10k, 's'),
    );
  }
  for (const orders of sizes.slice(1)) {
    const big = bySize.get(orders)!;
    const n = sizeLabel(orders);
    figures.push(
      target(
        `Peak RSS while storing, ${n} / ${sizeLabel(sizes[0])}`,
        big.storingPeakRssMb / small.storingPeakRssMb,
        '×',
        `≤ ${RSS_GROWTH}`,
        (v) => v <= RSS_GROWTH,
      ),
      target(
        `Peak RSS while storing, ${n} orders`,
        big.storingPeakRssMb,
        'MB',
        `< ${RSS_LIMIT_MB}`,
        (v) => v < RSS_LIMIT_MB,
      ),
      info(`CPU per record ${n} / ${sizeLabel(sizes[0])}`, big.cpuPer10k / small.cpuPer10k, '×'),
    );
  }

  const [fewItems, manyItems] = ctx.quick ? [10_000, 100_000] : [10_000, 1_000_000];
  const few = await exportAt(ctx, fewItems);
  const many = await exportAt(ctx, manyItems);
  const items = (n: number) => n.toLocaleString('en-US');
  const workerRun = (e: typeof few) =>
    `${e.worker.peakRssMb.toFixed(0)} MB (at the start ${e.worker.startRssMb.toFixed(0)} MB; CSV stage ${e.worker.csvMs} ms)`;
  figures.push(
    info(
      `Worker peak RSS, run exporting ${items(few.lineItems)} line items`,
      few.worker.peakRssMb,
      'MB',
      workerRun(few),
    ),
    info(
      `Worker peak RSS, run exporting ${items(many.lineItems)} line items`,
      many.worker.peakRssMb,
      'MB',
      workerRun(many),
    ),
    target(
      `Worker peak RSS ${items(many.lineItems)} / ${items(few.lineItems)} line items`,
      many.worker.peakRssMb / few.worker.peakRssMb,
      '×',
      '≤ 1.20',
      (v) => v <= 1.2,
    ),
    info(`Export alone in a process: peak RSS, ${items(few.lineItems)} line items`, few.exported.peakRssMb, 'MB'),
    info(
      `Export alone in a process: peak RSS, ${items(many.lineItems)} line items`,
      many.exported.peakRssMb,
      'MB',
      `${many.exported.peakRssMb.toFixed(0)} MB (${Math.round(many.exported.rows / many.exported.seconds).toLocaleString('en-US')} rows/s)`,
    ),
    info(
      `Export alone: peak RSS ${items(many.lineItems)} / ${items(few.lineItems)} line items`,
      many.exported.peakRssMb / few.exported.peakRssMb,
      '×',
    ),
  );
  return {
    id: 'scaling',
    title: 'Scaling',
    setup:
      `full syncs through bulk at ${sizes.map(sizeLabel).join(', ')} orders (shared with the full-sync scenario ` +
      `when both run; "while storing" = polled VmRSS until the output stages began, in each worker's first sync); ` +
      `databases holding ${items(few.lineItems)} and ${items(many.lineItems)} line items (watermarks set to now), ` +
      `exported by the worker in an incremental run with nothing new (CSV, analytics and dashboard over the whole ` +
      `database; peak RSS from the run's start), and by exportCsvs alone in a child process (peak RSS = its maxRSS)`,
    figures,
    details: { sizes: Object.fromEntries(bySize), exports: { few, many } },
  };
}
