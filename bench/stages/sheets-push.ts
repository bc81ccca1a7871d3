/**
 * The Sheets push (`pushTables` + `sheetTables`) of some worksheets of `<dir>/shopify_data.db` to a Sheets emulator,
 * unpaced (`minIntervalMs: 0`: the emulator has no quota).
 *   npx tsx bench/stages/sheets-push.ts --dir D --root-url URL --credentials FILE --spreadsheet ID --tables Orders[,LineItems]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sheetsClient } from '../../activities/sheets/client';
import { loadServiceAccount } from '../../activities/sheets/credentials';
import { pushTables } from '../../activities/sheets/push';
import { sheetTables } from '../../activities/sheets/tables';
import { DATABASE_FILE } from '../../activities/store/database';
import { markBaseline, report, runMain } from './report';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'root-url': { type: 'string' },
    credentials: { type: 'string' },
    spreadsheet: { type: 'string' },
    tables: { type: 'string', default: 'Orders' },
  },
});

runMain(async () => {
  const db = new Database(path.join(values.dir!, DATABASE_FILE), { readonly: true });
  const api = sheetsClient(loadServiceAccount(values.credentials!), values['root-url']);
  const wanted = new Set(values.tables!.split(','));
  const tables = sheetTables(db).filter((t) => wanted.has(t.title));
  markBaseline();
  const started = performance.now();
  const pushed = await pushTables(api, values.spreadsheet!, tables, { minIntervalMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  db.close();
  report(seconds, {
    rows: pushed.reduce((sum, p) => sum + p.rows, 0),
    cells: pushed.reduce((sum, p) => sum + p.cells, 0),
    requests: pushed.reduce((sum, p) => sum + p.requests, 0),
    sheets: pushed,
  });
});
