/**
 * 2. Unthrottled full sync (`rateLimit: false`): how fast the pipeline itself is, end to end through Temporal, and
 * what it costs the worker. Below the target, the worker is profiled and the top self-time functions reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchContext } from '../context';
import { runsFor } from '../context';
import { Figure, info, ProfileSummary, ScenarioResult, target } from '../figures';
import type { SyncMeasure } from '../measured-sync';
import { monotonicMicros, summarizeProfiles } from '../profile-summary';
import { median } from '../stats';
import { Session, withSession } from '../session';
import { storeShape } from '../store-process';

export const TARGET_ORDERS_PER_SECOND = 5_000;

export interface UnthrottledRun {
  cold: SyncMeasure;
  warm: SyncMeasure;
}

export interface DerivedRun {
  ordersPerSecond: number;
  recordsPerSecond: number;
  wallSeconds: number;
  shopifySeconds: number;
  outputsSeconds: number;
  cpuPer10k: number;
  storeCpuPer10k: number;
  temporalCpuPer10k: number;
  /** All three processes' CPU over wall time and cores: 1 means the machine was saturated. */
  machineBusy: number;
  /** Orders/s if the three processes' CPU time were spread perfectly over every core: this machine's ceiling. */
  cpuCeilingOrdersPerSecond: number;
  workerStartRssMb: number;
  workerPeakRssMb: number;
  eventsPer1k: number;
  workflowRuns: number;
  /** Mean per orders page: in the activity (fetch + store), reaching the worker, the workflow deciding the next one. */
  pageActivityMs: number;
  pageDispatchMs: number;
  pageWorkflowMs: number;
  /** CPU other programs used during the sync, as a share of the machine (they slow the figures down). */
  otherBusy: number;
  records: number;
  childRecords: number;
}

export function derive(sync: SyncMeasure, cores: number): DerivedRun {
  const per10k = (cpu: number) => (cpu / sync.records) * 10_000;
  return {
    ordersPerSecond: sync.orders / sync.wallSeconds,
    recordsPerSecond: sync.records / sync.wallSeconds,
    wallSeconds: sync.wallSeconds,
    shopifySeconds: sync.shopifySeconds,
    outputsSeconds: sync.outputsSeconds,
    cpuPer10k: per10k(sync.workerCpuSeconds),
    storeCpuPer10k: per10k(sync.storeCpuSeconds),
    temporalCpuPer10k: per10k(sync.temporalCpuSeconds),
    machineBusy: (sync.workerCpuSeconds + sync.storeCpuSeconds + sync.temporalCpuSeconds) / sync.wallSeconds / cores,
    cpuCeilingOrdersPerSecond:
      sync.orders / ((sync.workerCpuSeconds + sync.storeCpuSeconds + sync.temporalCpuSeconds) / cores),
    workerStartRssMb: sync.workerStartRssMb,
    workerPeakRssMb: sync.workerPeakRssMb,
    eventsPer1k: (sync.historyEvents / sync.records) * 1_000,
    workflowRuns: sync.workflowRuns,
    pageActivityMs: sync.pages.orders?.activityMs ?? 0,
    pageDispatchMs: sync.pages.orders?.dispatchMs ?? 0,
    pageWorkflowMs: sync.pages.orders?.workflowMs ?? 0,
    otherBusy: sync.otherCpuSeconds / sync.wallSeconds / cores,
    records: sync.records,
    childRecords: sync.childRecords,
  };
}

export function medianRun(runs: DerivedRun[]): DerivedRun {
  const out = {} as Record<keyof DerivedRun, number>;
  for (const key of Object.keys(runs[0]) as Array<keyof DerivedRun>) out[key] = median(runs.map((r) => r[key]))!;
  return out;
}

/**
 * Two full syncs of the same store on one new worker: the first right after the worker started (JIT cold, modules
 * loaded on first use), the second into a new, empty database — the steady state of a long-lived worker, which the
 * target is measured on.
 */
async function coldThenWarm(session: Session): Promise<UnthrottledRun> {
  const cold = await session.sync({ full: true, sheets: false });
  emptyDataDir(session.dataDir);
  const warm = await session.sync({ full: true, sheets: false });
  return { cold, warm };
}

/** Deletes the database and the outputs (not the logs): the worker notices and creates a new database. */
function emptyDataDir(dir: string): void {
  for (const entry of fs.readdirSync(dir)) {
    if (entry !== 'logs') fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** Per run a fresh store and worker, a cold sync and a warm one; cached for the scaling scenario. */
export async function unthrottledSyncs(ctx: BenchContext, orders: number): Promise<UnthrottledRun[]> {
  const cached = ctx.unthrottled.get(orders);
  if (cached) return cached;
  const runs = runsFor(ctx, orders);
  const measured: UnthrottledRun[] = [];
  for (let run = 1; run <= runs; run += 1) {
    ctx.log(`unthrottled: ${orders} orders, run ${run}/${runs} (cold, then warm)`);
    measured.push(await withSession(ctx, storeShape(orders), false, coldThenWarm));
  }
  ctx.unthrottled.set(orders, measured);
  return measured;
}

/** One more (warm) sync with `node --cpu-prof`; only the samples taken during that sync are summarized. */
export async function profiledSync(ctx: BenchContext, orders: number): Promise<ProfileSummary> {
  const dir = path.join(ctx.workDir, `cpu-profile-${orders}`);
  fs.mkdirSync(dir, { recursive: true });
  ctx.log(`unthrottled: profiling the worker on a ${orders}-order sync`);
  let window = { from: 0, to: 0 };
  await withSession(
    ctx,
    storeShape(orders),
    false,
    async (session) => {
      await session.sync({ full: true, sheets: false }); // warms the worker up, as in the measured runs
      emptyDataDir(session.dataDir);
      const from = monotonicMicros();
      await session.sync({ full: true, sheets: false });
      window = { from, to: monotonicMicros() };
    },
    { cpuProfDir: dir },
  );
  const what = `worker, ${orders.toLocaleString('en-US')}-order unthrottled full sync (samples during the sync only)`;
  const summary = summarizeProfiles(dir, { fromMicros: window.from, toMicros: window.to, what });
  // If the clocks disagree (no sample inside the window), fall back to the whole life of the worker.
  if (summary.sampledMs > 0) return summary;
  return summarizeProfiles(dir, { what: `worker, ${orders}-order unthrottled full sync (whole process life)` });
}

function sizeFigures(orders: number, m: DerivedRun, cold: DerivedRun, runs: number, cores: number): Figure[] {
  const n = `${orders / 1000}k`;
  const suffix = runs > 1 ? ` (median of ${runs})` : '';
  return [
    target(
      `${n}: orders/s end to end, warm worker, new database${suffix}`,
      m.ordersPerSecond,
      'orders/s',
      `≥ ${TARGET_ORDERS_PER_SECOND}`,
      (v) => v >= TARGET_ORDERS_PER_SECOND,
    ),
    info(
      `${n}: orders/s end to end, first sync after the worker started${suffix}`,
      cold.ordersPerSecond,
      'orders/s',
      `${Math.round(cold.ordersPerSecond).toLocaleString('en-US')} orders/s (${cold.wallSeconds.toFixed(2)} s)`,
    ),
    info(`${n}: records/s end to end (orders + customers + products)`, m.recordsPerSecond, 'records/s'),
    info(
      `${n}: wall time (Shopify paging + output stages)`,
      m.wallSeconds,
      's',
      `${m.wallSeconds.toFixed(2)} s (${m.shopifySeconds.toFixed(2)} + ${m.outputsSeconds.toFixed(2)})`,
    ),
    info(`${n}: worker CPU per 10,000 records`, m.cpuPer10k, 's'),
    info(
      `${n}: emulator / Temporal server CPU per 10,000 records`,
      m.storeCpuPer10k,
      's',
      `${m.storeCpuPer10k.toFixed(2)} s / ${m.temporalCpuPer10k.toFixed(2)} s`,
    ),
    info(
      `${n}: per orders syncPage activity: activity (fetch + store) / dispatch to worker / workflow task, ms`,
      m.pageActivityMs,
      'ms',
      `${m.pageActivityMs.toFixed(0)} / ${m.pageDispatchMs.toFixed(0)} / ${m.pageWorkflowMs.toFixed(0)}`,
    ),
    info(
      `${n}: CPU ceiling: orders/s if worker + emulator + Temporal CPU were spread over all ${cores} cores`,
      m.cpuCeilingOrdersPerSecond,
      'orders/s',
    ),
    info(
      `${n}: machine busy: our three processes (other programs)`,
      m.machineBusy * 100,
      '%',
      `${(m.machineBusy * 100).toFixed(0)} % (${(m.otherBusy * 100).toFixed(0)} %)`,
    ),
    info(
      `${n}: worker peak RSS (RSS at start of sync)`,
      m.workerPeakRssMb,
      'MB',
      `${m.workerPeakRssMb.toFixed(0)} MB (${m.workerStartRssMb.toFixed(0)} MB)`,
    ),
    info(
      `${n}: Temporal history events per 1,000 records (workflow runs)`,
      m.eventsPer1k,
      'events',
      `${m.eventsPer1k.toFixed(1)} (${m.workflowRuns} run${m.workflowRuns > 1 ? 's' : ''})`,
    ),
  ];
}

export async function unthrottled(ctx: BenchContext, cores: number): Promise<ScenarioResult> {
  const sizes = ctx.quick ? [2_000, 10_000] : [10_000, 100_000];
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const shortOf: number[] = [];
  for (const orders of sizes) {
    const pairs = await unthrottledSyncs(ctx, orders);
    const runs = pairs.map((pair) => derive(pair.warm, cores));
    const coldRuns = pairs.map((pair) => derive(pair.cold, cores));
    const m = medianRun(runs);
    figures.push(...sizeFigures(orders, m, medianRun(coldRuns), runs.length, cores));
    details[orders] = { shape: storeShape(orders), runs, coldRuns };
    if (m.ordersPerSecond < TARGET_ORDERS_PER_SECOND) shortOf.push(orders);
  }
  // Where a size falls short of the target, a profile of it says where the time goes (the largest such size).
  const profile = shortOf.length > 0 ? await profiledSync(ctx, shortOf[shortOf.length - 1]) : undefined;
  return {
    id: 'unthrottled',
    title: 'Unthrottled full sync',
    setup:
      `${sizes.map((s) => s.toLocaleString('en-US')).join(' and ')} orders (customers = orders / 5, ` +
      `products = orders / 50, ~2.55 line items per order); rateLimit: false; CSV, analytics and dashboard included, ` +
      `Sheets skipped; per run a new store and worker, whose first sync is reported as "first sync" and whose ` +
      `second sync, into a new empty database, gives the other figures; medians of 3 runs up to 20k orders, 1 above`,
    figures,
    ...(profile ? { profile } : {}),
    details,
  };
}
