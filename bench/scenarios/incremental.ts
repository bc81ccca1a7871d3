/**
 * 4. Incremental syncs after a full one: with no changes (at most one request per resource, under 2 s end to end;
 * the plan's counts of every resource are one request of their own, then no page for a resource with nothing new),
 * and with 1% of every resource changed through the emulator's `mutate`. Requests are counted at the emulator.
 */
import type { BenchContext } from '../context';
import { info, ScenarioResult, target } from '../figures';
import { median } from '../stats';
import { Session, withSession } from '../session';
import { STANDARD_PLAN, storeShape } from '../store-process';
import type { LogSummary } from '../store-log';

const RESOURCES = ['products', 'customers', 'orders'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests that read no one resource (all counts, the shop's time zone, destroy events…), by their fields. */
function otherFields(log: LogSummary): string {
  const perResource = Object.values(log.byResource).reduce((sum, n) => sum + n, 0);
  const other = Object.entries(log.byField).filter(([field]) => !RESOURCE_FIELDS.has(field));
  return other.length === 0 || log.graphql === perResource ? '' : other.map(([f, n]) => `${f} ${n}`).join(', ');
}

const RESOURCE_FIELDS = new Set(['products', 'product', 'customers', 'customer', 'orders', 'order']);

async function incrementalRun(session: Session) {
  await session.store.clearLog();
  const sync = await session.sync({ full: false, sheets: false });
  const log = await session.store.log();
  const perResource = RESOURCES.map((r) => log.byResource[r] ?? 0);
  return {
    requests: log.graphql,
    maxPerResource: Math.max(...perResource),
    resourceRequests: perResource.reduce((a, b) => a + b, 0),
    otherRequests: log.graphql - perResource.reduce((a, b) => a + b, 0),
    other: otherFields(log),
    records: sync.records,
    wallSeconds: sync.wallSeconds,
    throttled: log.throttled,
  };
}

export async function incremental(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = storeShape(ctx.quick ? 2_000 : 10_000);
  const runs = ctx.quick ? 1 : 3;
  const result = await withSession(ctx, shape, STANDARD_PLAN, async (session) => {
    ctx.log(`incremental: full sync of ${shape.orders} orders first`);
    const full = await session.sync({ full: true, sheets: false });
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
  const m = <T>(rows: T[], key: keyof T) => median(rows.map((r) => Number(r[key])));
  const { unchanged, changed } = result;
  return {
    id: 'incremental',
    title: 'Incremental syncs',
    setup:
      `${shape.orders.toLocaleString('en-US')} orders, ${shape.customers.toLocaleString('en-US')} customers, ` +
      `${shape.products} products; Shopify's standard plan (GraphQL cost bucket 2,000 points, 100/s); after one ` +
      `full sync (bulk operations); incremental runs page; ` +
      `median of ${runs} run${runs > 1 ? 's' : ''} each`,
    figures: [
      target('No changes: most requests for one resource', m(unchanged, 'maxPerResource'), '', '≤ 1', (v) => v <= 1),
      info(
        'No changes: GraphQL requests: for resources + other',
        m(unchanged, 'requests'),
        '',
        `${m(unchanged, 'resourceRequests')} + ${m(unchanged, 'otherRequests')}${unchanged[0].other ? ` (${unchanged[0].other})` : ''}`,
      ),
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
      info('1% changed: GraphQL requests', m(changed, 'requests'), ''),
      info('1% changed: wall time, workflow start → result', m(changed, 'wallSeconds'), 's'),
      target(
        'THROTTLED answers (all incremental runs)',
        [...unchanged, ...changed].reduce((s, r) => s + r.throttled, 0),
        '',
        '0',
        (v) => v === 0,
      ),
    ],
    details: { shape, ...result },
  };
}
