/**
 * 4. Each stage alone, in a process of its own without Temporal: SQLite upsert, CSV export, analytics, Sheets push.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnScript } from '../../test/helpers/processes';
import type { BenchContext } from '../context';
import { info, ScenarioResult } from '../figures';
import { median } from '../stats';
import { runStage } from '../stage-runner';
import type { StageOutput } from '../stages/report';
import { storeShape } from '../store-process';

type Built = StageOutput & { records: number; childRows: number; rows: number; totalSeconds: number };
type Exported = StageOutput & { rows: number };
type Pushed = StageOutput & { rows: number; cells: number; requests: number };

export async function buildDatabase(
  ctx: BenchContext,
  name: string,
  orders: number,
  options: { watermarkNow?: boolean } = {},
): Promise<{ dir: string; built: Built }> {
  const dir = path.join(ctx.workDir, name);
  fs.mkdirSync(dir, { recursive: true });
  ctx.log(`stages: building a database of ${orders} orders in ${dir}`);
  const args: Record<string, string | number> = { dir, ...storeShape(orders) };
  if (options.watermarkNow) args.watermark = 'now';
  const built = await runStage<Built>('build-db', args);
  return { dir, built };
}

async function sheetsPush(ctx: BenchContext, dir: string, runs: number): Promise<Pushed[]> {
  const credentials = path.join(ctx.workDir, 'sheets-key.json');
  const emulator = spawnScript('bench/sheets-launcher.ts', [`--credentials=${credentials}`]);
  try {
    const { url, spreadsheet } = JSON.parse(await emulator.firstLine()) as { url: string; spreadsheet: string };
    const pushed: Pushed[] = [];
    for (let run = 1; run <= runs; run += 1) {
      ctx.log(`stages: Sheets push, run ${run}/${runs}`);
      pushed.push(
        await runStage<Pushed>('sheets-push', { dir, 'root-url': url, credentials, spreadsheet, tables: 'Orders' }),
      );
    }
    return pushed;
  } finally {
    await emulator.stop(5_000);
  }
}

export async function stages(ctx: BenchContext): Promise<ScenarioResult> {
  const orders = ctx.quick ? 10_000 : 100_000;
  const runs = ctx.quick ? 1 : 3;
  const { dir, built } = await buildDatabase(ctx, 'stages-db', orders);
  const exports: Exported[] = [];
  const analytics: StageOutput[] = [];
  for (let run = 1; run <= runs; run += 1) {
    ctx.log(`stages: CSV export and analytics, run ${run}/${runs}`);
    exports.push(await runStage<Exported>('export', { dir }));
    analytics.push(await runStage('analytics', { dir }));
  }
  const pushed = await sheetsPush(ctx, dir, runs);
  const exportRows = exports[0].rows;
  const exportSeconds = median(exports.map((e) => e.seconds))!;
  const pushSeconds = median(pushed.map((p) => p.seconds))!;
  const n = `${orders / 1000}k orders`;
  const mid = runs > 1 ? ` (median of ${runs})` : '';
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    id: 'stages',
    title: 'Stages alone (no Temporal)',
    setup:
      `${orders.toLocaleString('en-US')} orders from the emulator (${built.records.toLocaleString('en-US')} records, ` +
      `${built.childRows.toLocaleString('en-US')} child rows); each stage in its own Node process`,
    figures: [
      info(
        `SQLite upsert (upsertRecords, 250 per transaction), ${n}`,
        built.rows / built.seconds,
        'rows/s',
        `${Math.round(built.rows / built.seconds).toLocaleString('en-US')} rows/s ` +
          `(${Math.round(built.records / built.seconds).toLocaleString('en-US')} records/s, ${built.seconds.toFixed(2)} s)`,
      ),
      info(
        `CSV export (exportCsvs), ${n}${mid}`,
        exportRows / exportSeconds,
        'rows/s',
        `${Math.round(exportRows / exportSeconds).toLocaleString('en-US')} rows/s ` +
          `(${exportRows.toLocaleString('en-US')} rows in ${exportSeconds.toFixed(2)} s)`,
      ),
      info(`CSV export peak RSS, ${n}`, median(exports.map((e) => e.peakRssMb)), 'MB'),
      info(`Analytics (writeAnalytics), ${n}${mid}`, median(analytics.map((a) => a.seconds)), 's'),
      info(
        `Sheets push of the Orders worksheet (${pushed[0].rows.toLocaleString('en-US')} rows, ` +
          `${pushed[0].cells.toLocaleString('en-US')} cells) to the emulator${mid}`,
        pushSeconds,
        's',
        `${pushSeconds.toFixed(2)} s (${pushed[0].requests} requests, ` +
          `${Math.round(pushed[0].rows / pushSeconds).toLocaleString('en-US')} rows/s)`,
      ),
      info('Sheets push peak RSS', median(pushed.map((p) => p.peakRssMb)), 'MB'),
    ],
    details: { orders, built, exports, analytics, pushed },
  };
}
