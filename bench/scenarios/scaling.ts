/**
 * 5. How cost grows with the store: the worker's peak RSS and CPU per record at 10k vs 100k orders (and 1M with
 * --large), and the peak RSS of exporting 1,000,000 vs 10,000 line items: in the worker (an incremental run with
 * nothing new, so its output stages run over the whole database) and alone in a child process.
 */
import fs from 'node:fs';
import type { BenchContext } from '../context';
import { Figure, info, ScenarioResult, target } from '../figures';
import { runStage } from '../stage-runner';
import type { StageOutput } from '../stages/report';
import { withSession } from '../session';
import { storeShape } from '../store-process';
import { derive, medianRun, unthrottledSyncs } from './unthrottled';
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
  const bySize = new Map<number, ReturnType<typeof medianRun>>();
  for (const orders of sizes) {
    bySize.set(orders, medianRun((await unthrottledSyncs(ctx, orders)).map((pair) => derive(pair.warm, cores))));
  }
  const [small, big] = [bySize.get(sizes[0])!, bySize.get(sizes[1])!];
  const label = (orders: number) => `${orders >= 1e6 ? `${orders / 1e6}M` : `${orders / 1000}k`}`;
  const figures: Figure[] = [];
  for (const [orders, m] of bySize) {
    figures.push(
      info(`Worker peak RSS, ${label(orders)} orders`, m.workerPeakRssMb, 'MB'),
      info(`Worker CPU per 10,000 records, ${label(orders)} orders`, m.cpuPer10k, 's'),
    );
  }
  const ratio = big.workerPeakRssMb / small.workerPeakRssMb;
  figures.push(
    target(`Peak RSS ${label(sizes[1])} / ${label(sizes[0])}`, ratio, '×', '≤ 1.20', (v) => v <= 1.2),
    target(`Peak RSS at ${label(sizes[1])} orders`, big.workerPeakRssMb, 'MB', '< 300', (v) => v < 300),
    info(`CPU per record ${label(sizes[1])} / ${label(sizes[0])}`, big.cpuPer10k / small.cpuPer10k, '×'),
  );
  const last = sizes[sizes.length - 1];
  if (last !== sizes[1]) {
    const huge = bySize.get(last)!;
    figures.push(
      info(`Peak RSS ${label(last)} / ${label(sizes[0])}`, huge.workerPeakRssMb / small.workerPeakRssMb, '×'),
      info(`CPU per record ${label(last)} / ${label(sizes[0])}`, huge.cpuPer10k / small.cpuPer10k, '×'),
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
      `unthrottled full syncs at ${sizes.map(label).join(', ')} orders (shared with scenario 2 when both run); ` +
      `databases holding ${items(few.lineItems)} and ${items(many.lineItems)} line items (watermarks set to now), ` +
      `exported by the worker in an incremental run with nothing new (CSV, analytics and dashboard over the whole ` +
      `database; peak RSS from the run's start), and by exportCsvs alone in a child process (peak RSS = its maxRSS)`,
    figures,
    details: { sizes: Object.fromEntries(bySize), exports: { few, many } },
  };
}
