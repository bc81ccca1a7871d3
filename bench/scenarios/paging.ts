/**
 * 3. Incremental paging at Shopify's standard plan (GraphQL cost bucket 2,000 points, restoring 100/s): after a full
 * sync, a share of every resource is changed and an incremental sync pages the changes. No client can finish before
 * (total actual query cost − bucket size) / restore rate: the bucket starts full and only refills that fast. A good
 * client stays within 10% of that without a single THROTTLED answer. Costs and THROTTLED are counted at the emulator.
 */
import type { BenchContext } from '../context';
import { info, ScenarioResult, target } from '../figures';
import { median } from '../stats';
import { Session, withSession } from '../session';
import { STANDARD_PLAN, storeShape } from '../store-process';

const RESOURCES = ['products', 'customers', 'orders'] as const;
/**
 * Records changed before each measured run: about 40 s of cost bound for the first run (an order costs ~25 points,
 * a customer or product less); later runs re-read the previous run's changes too, about twice that.
 */
const CHANGED = { products: 10, customers: 150, orders: 150 };
/** The bucket refills from empty in maximumAvailable / restoreRate seconds: wait that long, so it starts full. */
const REFILL_MS = (STANDARD_PLAN.maximumAvailable / STANDARD_PLAN.restoreRate) * 1000 + 1_000;
export const TARGET_RATIO = 1.1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunFigures {
  changed: number;
  records: number;
  requests: number;
  throttled: number;
  requestedCost: number;
  actualCost: number;
  boundSeconds: number;
  requestedBoundSeconds: number;
  wallSeconds: number;
  shopifySeconds: number;
  ratio: number;
  shopifyRatio: number;
  waitedSeconds: number;
}

async function pagedRun(session: Session): Promise<RunFigures> {
  let changed = 0;
  for (const resource of RESOURCES) changed += (await session.store.mutate(resource, CHANGED[resource])).updated;
  await sleep(REFILL_MS);
  await session.store.clearLog();
  const sync = await session.sync({ full: false, sheets: false });
  const log = await session.store.log();
  const bound = (cost: number) => Math.max(0, (cost - STANDARD_PLAN.maximumAvailable) / STANDARD_PLAN.restoreRate);
  const boundSeconds = bound(log.actualCost);
  return {
    changed,
    records: sync.records,
    requests: log.graphql,
    throttled: log.throttled,
    requestedCost: log.requestedCost,
    actualCost: log.actualCost,
    boundSeconds,
    requestedBoundSeconds: bound(log.requestedCost),
    wallSeconds: sync.wallSeconds,
    shopifySeconds: sync.shopifySeconds,
    ratio: sync.wallSeconds / boundSeconds,
    shopifyRatio: sync.shopifySeconds / boundSeconds,
    waitedSeconds: Object.values(sync.result.resources).reduce((sum, r) => sum + r.throttledMs, 0) / 1000,
  };
}

export async function paging(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = storeShape(ctx.quick ? 4_000 : 10_000);
  const runs = ctx.quick ? 1 : 3;
  const measured = await withSession(ctx, shape, STANDARD_PLAN, async (session) => {
    ctx.log(`paging: full sync of ${shape.orders} orders first`);
    await session.sync({ full: true, sheets: false });
    const out: RunFigures[] = [];
    for (let run = 1; run <= runs; run += 1) {
      ctx.log(`paging: run ${run}/${runs}`);
      out.push(await pagedRun(session));
      ctx.log(
        `paging: ${out[out.length - 1].records} records in ${out[out.length - 1].wallSeconds.toFixed(1)} s, ` +
          `bound ${out[out.length - 1].boundSeconds.toFixed(1)} s`,
      );
    }
    return out;
  });
  const m = (key: keyof RunFigures) => median(measured.map((r) => r[key]));
  return {
    id: 'paging',
    title: 'Incremental paging at 100 points/s',
    setup:
      `${shape.orders.toLocaleString('en-US')} orders, ${shape.customers.toLocaleString('en-US')} customers, ` +
      `${shape.products} products; Shopify's standard plan (GraphQL cost bucket 2,000 points, 100/s; full when each ` +
      `run starts); after one full sync, before each run ${CHANGED.orders} orders, ${CHANGED.customers} customers and ` +
      `${CHANGED.products} products changed; a run also re-reads the previous run's changes (the watermark's 60 s ` +
      `look-back); median of ${runs} run${runs > 1 ? 's' : ''}`,
    figures: [
      info('Wall time, workflow start → result', m('wallSeconds'), 's'),
      info('Cost bound: (total actual query cost − 2,000) / 100', m('boundSeconds'), 's'),
      target('Wall time / cost bound', m('ratio'), '×', `≤ ${TARGET_RATIO}`, (v) => v <= TARGET_RATIO),
      info('Shopify stages only (wall − output stages) / cost bound', m('shopifyRatio'), '×'),
      target('THROTTLED answers (the emulator)', m('throttled'), '', '0', (v) => v === 0),
      info('Records paged', m('records'), 'records', `${m('records')} (${m('changed')} changed before the run)`),
      info('GraphQL requests', m('requests'), ''),
      info(
        'Total query cost: actual / requested (reserved up front)',
        m('actualCost'),
        'points',
        `${m('actualCost')} / ${m('requestedCost')}`,
      ),
      info('Bound from the requested cost instead: (requested − 2,000) / 100', m('requestedBoundSeconds'), 's'),
      info('Time the client waited for the bucket (reported by the worker)', m('waitedSeconds'), 's'),
    ],
    details: { shape, changed: CHANGED, runs: measured },
  };
}
