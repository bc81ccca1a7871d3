/**
 * The CSV export (`exportCsvs`) of `<dir>/shopify_data.db` into `<dir>`, alone in this process: its time and peak RSS.
 *   npx tsx bench/stages/export.ts --dir D
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { exportCsvs } from '../../activities/exports/csv-export';
import { DATABASE_FILE } from '../../activities/store/database';
import { markBaseline, report, runMain } from './report';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });

runMain(async () => {
  const db = new Database(path.join(values.dir!, DATABASE_FILE), { readonly: true });
  markBaseline();
  const started = performance.now();
  const files = await exportCsvs(db, values.dir!);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  const tables = Object.fromEntries(files.map((f) => [f.table, { rows: f.rows, bytes: f.bytes }]));
  report(seconds, { rows: files.reduce((sum, f) => sum + f.rows, 0), tables });
});
