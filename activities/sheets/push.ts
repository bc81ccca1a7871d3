import type { sheets_v4 } from '@googleapis/sheets';
import { ApplicationFailure } from '@temporalio/common';

/** A spreadsheet holds at most this many cells, counting every sheet's whole grid. */
export const SPREADSHEET_CELL_LIMIT = 10_000_000;
/** Google recommends payloads of at most 2 MB per request. */
const CHUNK_BYTES = 2_000_000;

export interface SheetTable {
  title: string;
  header: string[];
  rowCount: number;
  rows: () => Iterable<unknown[]>;
}

export interface PushedSheet {
  title: string;
  rows: number;
  cells: number;
  requests: number;
}

type ExistingSheet = { sheetId: number; title: string; index: number; cells: number };

const stagingTitle = (title: string) => `${title} (updating)`;
const quoteSheet = (title: string) => `'${title.replace(/'/g, "''")}'`;

function grid(table: SheetTable): { rowCount: number; columnCount: number; cells: number } {
  const rowCount = table.rowCount + 1;
  const columnCount = Math.max(1, table.header.length);
  return { rowCount, columnCount, cells: rowCount * columnCount };
}

async function existingSheets(api: sheets_v4.Sheets, spreadsheetId: string): Promise<ExistingSheet[]> {
  const { data } = await api.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties' });
  return (data.sheets ?? []).map((s) => {
    const p = s.properties ?? {};
    const g = p.gridProperties ?? {};
    return {
      sheetId: p.sheetId ?? 0,
      title: p.title ?? '',
      index: p.index ?? 0,
      cells: (g.rowCount ?? 0) * (g.columnCount ?? 0),
    };
  });
}

/**
 * Refuses a push that cannot fit, before writing anything: the workbook at its fullest moment (every sheet plus
 * one staging copy of the table being swapped) must stay within Google's cell limit.
 */
export function checkCellLimit(tables: SheetTable[], existing: ExistingSheet[]): void {
  const managed = new Set(tables.flatMap((t) => [t.title, stagingTitle(t.title)]));
  let current = existing.filter((s) => !managed.has(s.title)).reduce((sum, s) => sum + s.cells, 0);
  for (const t of tables) current += existing.find((s) => s.title === t.title)?.cells ?? 0;
  let peak = current;
  for (const table of tables) {
    const old = existing.find((s) => s.title === table.title)?.cells ?? 0;
    peak = Math.max(peak, current + grid(table).cells);
    current += grid(table).cells - old;
  }
  if (peak > SPREADSHEET_CELL_LIMIT) {
    const largest = [...tables].sort((a, b) => grid(b).cells - grid(a).cells)[0];
    throw ApplicationFailure.nonRetryable(
      `The Google Sheets push needs ${peak.toLocaleString('en-US')} cells, over the spreadsheet limit of ` +
        `${SPREADSHEET_CELL_LIMIT.toLocaleString('en-US')}. The largest table is ${largest.title} ` +
        `(${describeSize(largest)}). Nothing was written. Push to a fresh spreadsheet, remove other sheets from it, ` +
        `or skip the push with --no-sheets and load the CSVs instead.`,
      'SheetsTooLarge',
    );
  }
}

function describeSize(table: SheetTable): string {
  const g = grid(table);
  return `${table.rowCount.toLocaleString('en-US')} rows × ${g.columnCount} columns = ${g.cells.toLocaleString('en-US')} cells`;
}

/**
 * Replaces each worksheet atomically for readers: the new content is written to a staging sheet sized exactly to
 * the data, then one batchUpdate (atomic in the Sheets API) deletes the old sheet and renames the staging one.
 * A reader refreshing mid-push sees the old worksheet or the new one, never an empty or half-written one.
 */
export interface PushOptions {
  /** Called after each request that wrote rows, and after each swapped table (heartbeats). */
  onProgress?: (title: string, rowsWritten: number) => void;
  onTableDone?: (title: string) => void;
  /** Requests are spaced to stay within the per-user quota (60 requests/minute by default). */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function pushTables(
  api: sheets_v4.Sheets,
  spreadsheetId: string,
  tables: SheetTable[],
  options: PushOptions = {},
): Promise<PushedSheet[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastRequestAt = 0;
  const pace = async () => {
    const wait = lastRequestAt + (options.minIntervalMs ?? 1_000) - Date.now();
    if (wait > 0) await sleep(wait);
    lastRequestAt = Date.now();
  };
  const onProgress = options.onProgress ?? (() => undefined);
  await pace();
  let sheets = await existingSheets(api, spreadsheetId);
  checkCellLimit(tables, sheets);
  const pushed: PushedSheet[] = [];
  for (const table of tables) {
    const { rowCount, columnCount, cells } = grid(table);
    const staging = stagingTitle(table.title);
    const leftover = sheets.find((s) => s.title === staging);
    await pace();
    const added = await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          // A staging sheet left by an interrupted push is dropped first.
          ...(leftover ? [{ deleteSheet: { sheetId: leftover.sheetId } }] : []),
          { addSheet: { properties: { title: staging, gridProperties: { rowCount, columnCount } } } },
        ],
      },
    });
    const stagingId = added.data.replies?.at(-1)?.addSheet?.properties?.sheetId;
    if (stagingId === undefined || stagingId === null)
      throw new Error(`Google Sheets did not return the id of "${staging}"`);

    let requests = 2;
    let chunk: unknown[][] = [table.header];
    let chunkStart = 1;
    let bytes = 0;
    let written = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await pace();
      await api.spreadsheets.values.update({
        spreadsheetId,
        range: `${quoteSheet(staging)}!A${chunkStart}`,
        valueInputOption: 'RAW', // Text stays text: a customer named "=HYPERLINK(...)" is never a formula.
        requestBody: { majorDimension: 'ROWS', values: chunk },
      });
      requests += 1;
      written += chunk.length;
      onProgress(table.title, written);
      chunkStart += chunk.length;
      chunk = [];
      bytes = 0;
    };
    for (const row of table.rows()) {
      chunk.push(row);
      bytes += JSON.stringify(row).length;
      if (bytes >= CHUNK_BYTES) await flush();
    }
    await flush();

    const old = sheets.find((s) => s.title === table.title);
    await pace();
    await api.spreadsheets.batchUpdate({
      spreadsheetId,
      requestBody: {
        requests: [
          ...(old ? [{ deleteSheet: { sheetId: old.sheetId } }] : []),
          {
            updateSheetProperties: {
              properties: { sheetId: stagingId, title: table.title, ...(old ? { index: old.index } : {}) },
              fields: old ? 'title,index' : 'title',
            },
          },
        ],
      },
    });
    options.onTableDone?.(table.title);
    pushed.push({ title: table.title, rows: table.rowCount, cells, requests: requests + 2 });
    await pace();
    sheets = await existingSheets(api, spreadsheetId);
  }
  return pushed;
}
