/**
 * 1. Rate-limited full sync: the emulator with Shopify's standard bucket (40, leaking 2/s). The sync cannot beat
 * (requests − 40) / 2 seconds; a good client stays within 5% of that without a single 429, one request per page.
 */
import type { BenchContext } from '../context';
import { info, ScenarioResult, target } from '../figures';
import { median } from '../stats';
import { withSession } from '../session';
import { storeShape } from '../store-process';

const PAGE = 250;
const BUCKET = { bucketSize: 40, leakPerSecond: 2 };

interface RunFigures {
  wallSeconds: number;
  shopifySeconds: number;
  boundSeconds: number;
  ratio: number;
  shopifyRatio: number;
  requests: number;
  listRequests: number;
  countRequests: number;
  minimumPages: number;
  throttled: number;
  records: number;
  throttledMsReported: number;
  workerCpuSeconds: number;
}

export async function rateLimited(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = storeShape(ctx.quick ? 12_000 : 20_000);
  const runs = ctx.quick ? 1 : 3;
  const measured: RunFigures[] = [];
  for (let run = 1; run <= runs; run += 1) {
    ctx.log(`rate-limited: run ${run}/${runs}, ${shape.orders} orders`);
    // A fresh store per run: its bucket starts empty, as the bound assumes.
    measured.push(
      await withSession(ctx, shape, BUCKET, async (session) => {
        const sync = await session.sync({ full: true, sheets: false });
        const log = await session.store.log();
        const resources = Object.values(log.byResource);
        const listRequests = resources.reduce((sum, r) => sum + r.list, 0);
        const minimumPages = Object.values(sync.result.resources).reduce(
          (sum, r) => sum + Math.max(1, Math.ceil(r.records / PAGE)),
          0,
        );
        const boundSeconds = (log.requests - BUCKET.bucketSize) / BUCKET.leakPerSecond;
        return {
          wallSeconds: sync.wallSeconds,
          shopifySeconds: sync.shopifySeconds,
          boundSeconds,
          ratio: sync.wallSeconds / boundSeconds,
          shopifyRatio: sync.shopifySeconds / boundSeconds,
          requests: log.requests,
          listRequests,
          countRequests: resources.reduce((sum, r) => sum + r.count, 0),
          minimumPages,
          throttled: log.throttled,
          records: sync.records,
          throttledMsReported: Object.values(sync.result.resources).reduce((sum, r) => sum + r.throttledMs, 0),
          workerCpuSeconds: sync.workerCpuSeconds,
        };
      }),
    );
  }
  const m = (key: keyof RunFigures) => median(measured.map((r) => r[key]));
  const list = m('listRequests');
  const minimum = m('minimumPages');
  return {
    id: 'rate-limited',
    title: 'Rate-limited full sync',
    setup:
      `${shape.orders.toLocaleString('en-US')} orders, ${shape.customers.toLocaleString('en-US')} customers, ` +
      `${shape.products} products; bucket 40, leak 2/s; worker, store and Temporal in separate processes; ` +
      `median of ${runs} run${runs > 1 ? 's' : ''}`,
    figures: [
      info('Wall time, workflow start → result', m('wallSeconds'), 's'),
      info('API bound (requests − 40) / 2', m('boundSeconds'), 's'),
      target('Wall time / API bound', m('ratio'), '×', '≤ 1.05', (v) => v <= 1.05),
      info('Shopify paging only (wall − output stages) / bound', m('shopifyRatio'), '×'),
      target('429 responses', m('throttled'), '', '0', (v) => v === 0),
      info('Requests (list + count.json)', m('requests'), ''),
      target(
        'List requests vs one per 250 records (per resource, rounded up)',
        list,
        '',
        '= minimum',
        (v) => minimum !== null && v <= minimum,
        `${list} (minimum ${minimum})`,
      ),
      info('Records per request, all requests', m('records')! / m('requests')!, 'records'),
      info('Time the client waited for the bucket (reported)', m('throttledMsReported')! / 1000, 's'),
    ],
    details: { shape, runs: measured },
  };
}
