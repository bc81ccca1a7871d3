/**
 * 3. Incremental syncs after a full one: with no changes (one request per resource, under 2 s end to end), and with
 * 1% of every resource changed through the emulator's `mutate`.
 */
import type { BenchContext } from '../context';
import { info, ScenarioResult, target } from '../figures';
import { median } from '../stats';
import { Session, withSession } from '../session';
import { storeShape } from '../store-process';

const RESOURCES = ['products', 'customers', 'orders'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function incrementalRun(session: Session) {
  await session.store.clearLog();
  const sync = await session.sync({ full: false, sheets: false });
  const log = await session.store.log();
  return { requests: log.requests, records: sync.records, wallSeconds: sync.wallSeconds, throttled: log.throttled };
}

export async function incremental(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = storeShape(ctx.quick ? 2_000 : 10_000);
  const runs = ctx.quick ? 1 : 3;
  const result = await withSession(ctx, shape, { bucketSize: 40, leakPerSecond: 2 }, async (session) => {
    ctx.log(`incremental: full sync of ${shape.orders} orders first`);
    const full = await session.sync({ full: true, sheets: false });
    // A scheduled run comes minutes later, with the bucket drained: let it drain (40 at 2/s) before measuring.
    await sleep(21_000);
    const unchanged = [];
    for (let run = 1; run <= runs; run += 1) {
      ctx.log(`incremental: no changes, run ${run}/${runs}`);
      unchanged.push(await incrementalRun(session));
      await sleep(2_000);
    }
    const changed = [];
    for (let run = 1; run <= runs; run += 1) {
      ctx.log(`incremental: 1% changed, run ${run}/${runs}`);
      let mutated = 0;
      for (const resource of RESOURCES) {
        const n = Math.max(1, Math.round(shape[resource] / 100));
        mutated += (await session.store.mutate(resource, n)).updated;
      }
      // Mutations are stamped with the current second; the next sync must start after it.
      await sleep(1_100);
      changed.push({ ...(await incrementalRun(session)), mutated });
      await sleep(2_000);
    }
    return { fullWallSeconds: full.wallSeconds, unchanged, changed };
  });
  const m = <T extends Record<string, number>>(rows: T[], key: keyof T) => median(rows.map((r) => r[key]));
  const { unchanged, changed } = result;
  return {
    id: 'incremental',
    title: 'Incremental syncs',
    setup:
      `${shape.orders.toLocaleString('en-US')} orders, ${shape.customers.toLocaleString('en-US')} customers, ` +
      `${shape.products} products; bucket 40, leak 2/s (drained before measuring); after one full sync; ` +
      `median of ${runs} run${runs > 1 ? 's' : ''} each`,
    figures: [
      target('No changes: requests sent', m(unchanged, 'requests'), '', '3 (one per resource)', (v) => v <= 3),
      target('No changes: wall time, workflow start → result', m(unchanged, 'wallSeconds'), 's', '< 2', (v) => v < 2),
      info('No changes: records fetched again', m(unchanged, 'records'), 'records'),
      info('1% changed: records changed (mutate)', m(changed, 'mutated'), 'records'),
      // Each run asks for updated_at >= watermark − 60 s, and the watermark is the newest updated_at it saw: the
      // previous run's changes (all stamped in one second by mutate) are read again, by design.
      info(
        "1% changed: records fetched (this run's changes, plus the previous run's: within the watermark's 60 s look-back)",
        m(changed, 'records'),
        'records',
      ),
      info('1% changed: requests sent', m(changed, 'requests'), ''),
      info('1% changed: wall time, workflow start → result', m(changed, 'wallSeconds'), 's'),
      info(
        '429 responses (all incremental runs)',
        [...unchanged, ...changed].reduce((s, r) => s + r.throttled, 0),
        '',
      ),
    ],
    details: { shape, ...result },
  };
}
