import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { sheetTitle } from '../../activities/sheets/tables';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import type { SheetsEmulator } from '../../emulators/google-sheets';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { expectedRows, expectExactOutputs } from '../helpers/faults-outputs';
import { startSheets } from '../helpers/sheets-fixture';
import { runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const SHEET_ID = 'sheet-e2e';
const ACCOUNT = 'sync@e2e-project.iam.gserviceaccount.com';

describe('outputs end to end: CSVs, analytics, Google Sheets (emulated)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let sheets: SheetsEmulator;
  const data = tempDir();
  const credentials = path.join(data.dir, 'gspread_credentials.json');

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 5, products: 40, customers: 250, orders: 900 });
    await store.listen(0);
    sheets = (await startSheets({ credentials, account: ACCOUNT, spreadsheetId: SHEET_ID })).emulator;
  });
  afterAll(async () => {
    await sheets?.close();
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  const config = (dataDir = data.dir) =>
    testConfig(dataDir, store.url, {}, 'e2e-outputs', {
      googleSheetId: SHEET_ID,
      googleCredentialsFile: credentials,
      googleSheetsRootUrl: sheets.url,
      sheetsRequestsPerMinute: 6_000,
    });

  it('a sync writes CSVs equal to SQLite, analytics equal to an independent computation, and worksheets equal to the CSVs', async () => {
    const result = await runSyncInProcess(env, config(), { full: true });
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['csv', 'done'],
      ['analytics', 'done'],
      ['dashboard', 'done'],
      ['sheets', 'done'],
    ]);
    expectExactOutputs(data.dir, store);

    let neutralized = 0;
    for (const { file, table, columns } of CSV_EXPORTS) {
      const text = fs.readFileSync(path.join(data.dir, file), 'utf8');
      const [header, ...rows] = parse(text, { relax_column_count: false }) as string[][];
      expect(header).toEqual([...columns]);
      expect(rows).toEqual(expectedRows(data.dir, table, true));
      neutralized += rows.flat().filter((cell) => cell.startsWith("'")).length;
      expect(fs.statSync(path.join(data.dir, file)).mode & 0o777).toBe(0o600);

      // The worksheet holds the same rows, raw (RAW input: formula-like text stays text).
      const sheet = sheets.values(SHEET_ID, sheetTitle(table)) as unknown[][];
      const raw = expectedRows(data.dir, table, false);
      expect(sheet[0]).toEqual([...columns]);
      expect(sheet.length - 1).toBe(raw.length);
      sheet.slice(1).forEach((row, r) => {
        const want = raw[r];
        const got = want.map((_cell, c) => row[c] ?? '');
        expect(
          got.map((cell, c) => (typeof cell === 'number' ? Number(want[c]) === cell : cell === want[c])),
        ).not.toContain(false);
      });
      expect(sheets.grid(SHEET_ID, sheetTitle(table))).toEqual({
        rowCount: raw.length + 1,
        columnCount: columns.length,
      });
    }
    expect(neutralized).toBeGreaterThan(0); // the store has formula-looking names and notes

    const summary = JSON.parse(fs.readFileSync(path.join(data.dir, 'analytics_summary.json'), 'utf8'));
    const { generated_at: _generated, ...computed } = summary;
    expect(computed).toEqual(
      analyticsFromApiRecords(store.records('orders'), store.records('customers'), store.records('products')),
    );
  });

  it('a refresh is never seen half-written: readers see the old worksheet or the new one', async () => {
    store.mutate('orders', { create: 5 });
    const before = sheets.history.length;
    await runSyncInProcess(env, config(), {});
    const states = sheets.history.slice(before);
    for (const title of ['Orders', 'LineItems']) {
      const rowsSeen = states.map((s) => s[title]).filter((n) => n !== undefined);
      expect(Math.min(...rowsSeen)).toBeGreaterThan(900);
    }
    expect(sheets.values(SHEET_ID, 'Orders').length).toBe(906);
  });

  it('Sheets answering 429 is retried and the push then succeeds', async () => {
    sheets.setFaults([{ status: 429, method: 'PUT', nth: 1 }]);
    const result = await runSyncInProcess(env, config(), {});
    expect(result.stages.find((s) => s.name === 'sheets')?.status).toBe('done');
    expect(sheets.requestLog.filter((r) => r.status === 429)).toHaveLength(1);
    sheets.setFaults([]);
  });

  it('Sheets refusing for good fails only that stage, with its message; local outputs are complete', async () => {
    const fresh = tempDir();
    sheets.setFaults([{ status: 403 }]);
    try {
      const failure = await runSyncInProcess(env, config(fresh.dir), { full: true }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const message = (failure as WorkflowFailedError).cause?.message ?? '';
      expect(message).toMatch(/Google Sheets push failed: Google Sheets refused access to spreadsheet sheet-e2e \(403/);
      expect(message).toMatch(new RegExp(`Share the sheet with ${ACCOUNT}`));
      expect(message).toMatch(/SQLite, CSVs and analytics are complete/);
      for (const { file } of CSV_EXPORTS) expect(fs.existsSync(path.join(fresh.dir, file))).toBe(true);
      expect(fs.existsSync(path.join(fresh.dir, 'analytics_summary.json'))).toBe(true);
      expectExactOutputs(fresh.dir, store);
    } finally {
      sheets.setFaults([]);
      fresh.cleanup();
    }
  });
});
