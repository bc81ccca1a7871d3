import { activityInfo, heartbeat, log } from '@temporalio/activity';
import type { StageReport } from '../common/contract';
import type { AppConfig } from '../common/config';
import { renderDashboard as writeDashboard } from './dashboard/render';
import { writeAnalytics } from './exports/analytics';
import { exportCsvs } from './exports/csv-export';
import { sheetsClient } from './sheets/client';
import { loadServiceAccount } from './sheets/credentials';
import { pushTables } from './sheets/push';
import { sheetsFailure } from './sheets/sheets-errors';
import { sheetTables } from './sheets/tables';
import type { Db } from './store/database';

export interface OutputDeps {
  app: AppConfig;
  /** A connection of its own: a streaming export holds its connection for the whole export. */
  openReader: () => Db;
}

function withReader<T>(deps: OutputDeps, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = deps.openReader();
  return fn(db).finally(() => db.close());
}

/** Heartbeats every second while `work` runs, so a killed worker's stage is retried after the heartbeat timeout. */
async function heartbeating<T>(work: () => Promise<T>, details: () => unknown = () => undefined): Promise<T> {
  heartbeat(details());
  const beat = setInterval(() => heartbeat(details()), 1_000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** The local outputs and the Sheets push: each its own activity, so each is a step in the Web UI. */
export function createOutputActivities(deps: OutputDeps) {
  return {
    async exportCsv(): Promise<StageReport> {
      const files = await heartbeating(() =>
        withReader(deps, (db) =>
          exportCsvs(db, deps.app.dataDir, {
            neutralizeFormulas: deps.app.csvNeutralizeFormulas,
            fileMode: deps.app.outputFileMode,
          }),
        ),
      );
      const rows = files.reduce((sum, f) => sum + f.rows, 0);
      log.info(`Exported ${files.length} CSV files (${rows} rows) to ${deps.app.dataDir}`, { files });
      return {
        name: 'csv',
        status: 'done',
        detail: `${files.length} files, ${rows} rows`,
        outputs: files.map((f) => f.file),
      };
    },

    async computeAnalytics(): Promise<StageReport> {
      const { file, summary } = await heartbeating(() =>
        withReader(deps, (db) => writeAnalytics(db, deps.app.dataDir, { fileMode: deps.app.outputFileMode })),
      );
      log.info(`Analytics written to ${file}`, {
        total_orders: summary.total_orders,
        total_sales: summary.total_sales,
      });
      return {
        name: 'analytics',
        status: 'done',
        detail: `${summary.total_orders} orders, sales ${summary.total_sales}`,
        outputs: [file],
      };
    },

    async renderDashboard(): Promise<StageReport> {
      const dashboard = await heartbeating(() =>
        withReader(deps, (db) => writeDashboard(db, deps.app.dataDir, { fileMode: deps.app.outputFileMode })),
      );
      log.info(`Dashboard written to ${dashboard.dir}`, { orders: dashboard.orders, dataBytes: dashboard.dataBytes });
      return {
        name: 'dashboard',
        status: 'done',
        detail: `4 pages, ${dashboard.orders} orders, data.js ${Math.round(dashboard.dataBytes / 1024)} KB`,
        outputs: [dashboard.file],
      };
    },

    async pushToSheets(input: { requested: boolean }): Promise<StageReport> {
      if (!input.requested) return { name: 'sheets', status: 'skipped', detail: 'not requested for this run' };
      const spreadsheetId = deps.app.googleSheetId;
      if (!spreadsheetId) return { name: 'sheets', status: 'skipped', detail: 'GOOGLE_SHEET_ID is not set' };
      const account = loadServiceAccount(deps.app.googleCredentialsFile);
      const api = sheetsClient(account, deps.app.googleSheetsRootUrl ?? undefined);
      // A retried push skips the worksheets an earlier attempt already swapped in.
      const done = new Set<string>((activityInfo().heartbeatDetails as { done?: string[] } | undefined)?.done ?? []);
      const pushed = await heartbeating(
        () =>
          withReader(deps, async (db) => {
            const tables = sheetTables(db).filter((t) => !done.has(t.title));
            try {
              return await pushTables(api, spreadsheetId, tables, {
                minIntervalMs: 60_000 / deps.app.sheetsRequestsPerMinute,
                onProgress: (title, rows) => heartbeat({ done: [...done], table: title, rows }),
                onTableDone: (title) => {
                  done.add(title);
                  heartbeat({ done: [...done] });
                },
              });
            } catch (error) {
              throw sheetsFailure(error, { spreadsheetId, serviceAccount: account.client_email });
            }
          }),
        () => ({ done: [...done] }),
      );
      const rows = pushed.reduce((sum, p) => sum + p.rows, 0);
      log.info(`Pushed ${pushed.length} worksheets (${rows} rows) to spreadsheet ${spreadsheetId}`, { pushed });
      return { name: 'sheets', status: 'done', detail: `${done.size} worksheets refreshed, ${rows} rows` };
    },
  };
}
