/**
 * The analytics summary (`writeAnalytics`) of `<dir>/shopify_data.db`, alone in this process.
 *   npx tsx bench/stages/analytics.ts --dir D
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { writeAnalytics } from '../../activities/exports/analytics';
import { DATABASE_FILE } from '../../activities/store/database';
import { markBaseline, report, runMain } from './report';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });

runMain(async () => {
  const db = new Database(path.join(values.dir!, DATABASE_FILE), { readonly: true });
  markBaseline();
  const started = performance.now();
  const { summary } = await writeAnalytics(db, values.dir!);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  report(seconds, { orders: summary.total_orders });
});
