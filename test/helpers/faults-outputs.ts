/**
 * Checks of what a sync leaves on disk and in Google Sheets after a fault: the CSVs equal SQLite row for row, no
 * temp file is left behind, the worksheets equal SQLite with no staging sheet left over, and file fingerprints.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CSV_EXPORTS } from '../../activities/exports/csv-export';
import { sheetTitle } from '../../activities/sheets/tables';
import { allTables } from '../../activities/store/resources';
import type { ShopifyStore } from '../../emulators/shopify';
import type { SheetsEmulator } from '../../emulators/google-sheets';
import { EQUAL } from './compare';
import { compareDir } from './faults-inspect';
import { openReadOnly } from './sync-harness';

const FORMULA_START = /^[=+\-@\t\r]/;

export interface OutputCheck {
  /** Data rows compared (headers not counted). */
  rowsCompared: number;
  /** Human-readable differences; empty when equal. */
  problems: string[];
}

/** Files a writer left half done: `<target>.tmp-<pid>-<random>`. */
export function tempFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => /\.tmp-/.test(name)) : [];
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** sha256 of each of the given files in `dir`, by name. */
export function fingerprints(dir: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, sha256(path.join(dir, name))]));
}

/** A table's rows straight from SQL as CSV text cells (null → '', formula-like text neutralized when asked). */
export function expectedRows(dataDir: string, table: string, neutralize: boolean): string[][] {
  const spec = allTables().find((t) => t.name === table)!;
  const columns = CSV_EXPORTS.find((e) => e.table === table)!.columns;
  const db = openReadOnly(dataDir);
  try {
    const rows = db
      .prepare(
        `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY ${spec.primaryKey.join(', ')}`,
      )
      .raw()
      .all() as unknown[][];
    return rows.map((row) =>
      row.map((cell, i) => {
        if (cell === null) return '';
        const column = spec.columns.find((c) => c.name === columns[i])!;
        const text = String(cell);
        return neutralize && column.type === 'TEXT' && !column.money && FORMULA_START.test(text) ? `'${text}` : text;
      }),
    );
  } finally {
    db.close();
  }
}

function compareRows(label: string, got: unknown[][], want: string[][], problems: string[]): number {
  if (got.length !== want.length) problems.push(`${label}: ${got.length} rows, SQLite has ${want.length}`);
  const ids = new Set<unknown>();
  let compared = 0;
  for (let r = 0; r < Math.min(got.length, want.length); r += 1) {
    const row = got[r];
    if (ids.has(row[0])) problems.push(`${label}: id ${String(row[0])} appears twice`);
    ids.add(row[0]);
    const differs = want[r].some((cell, c) => {
      const value = row[c] ?? '';
      return typeof value === 'number' ? Number(cell) !== value : String(value) !== cell;
    });
    if (differs && problems.length < 20) problems.push(`${label}: row ${r + 1} differs from SQLite`);
    compared += 1;
  }
  return compared;
}

/** Every CSV parses back to exactly its SQLite table (header, rows, order), with no duplicate ids. */
export function checkCsvs(dataDir: string): OutputCheck {
  const problems: string[] = [];
  let rowsCompared = 0;
  for (const { file, table, columns } of CSV_EXPORTS) {
    const target = path.join(dataDir, file);
    if (!fs.existsSync(target)) {
      problems.push(`${file} is missing`);
      continue;
    }
    const [header, ...rows] = parse(fs.readFileSync(target, 'utf8'), { relax_column_count: false }) as string[][];
    if (JSON.stringify(header) !== JSON.stringify(columns)) problems.push(`${file}: header differs`);
    rowsCompared += compareRows(file, rows, expectedRows(dataDir, table, true), problems);
  }
  return { rowsCompared, problems };
}

/**
 * Every managed worksheet holds exactly its SQLite table (raw text, numbers as numbers), sized to the data, and no
 * staging sheet `… (updating)` is left in the spreadsheet.
 */
export function checkSheets(sheets: SheetsEmulator, spreadsheetId: string, dataDir: string): OutputCheck {
  const problems: string[] = [];
  let rowsCompared = 0;
  const titles = sheets.sheetTitles(spreadsheetId);
  const staging = titles.filter((t) => t.endsWith('(updating)'));
  if (staging.length > 0) problems.push(`staging sheets left over: ${staging.join(', ')}`);
  for (const { table, columns } of CSV_EXPORTS) {
    const title = sheetTitle(table);
    if (!titles.includes(title)) {
      problems.push(`worksheet ${title} is missing`);
      continue;
    }
    const [header, ...rows] = sheets.values(spreadsheetId, title);
    if (JSON.stringify(header) !== JSON.stringify(columns)) problems.push(`${title}: header differs`);
    const want = expectedRows(dataDir, table, false);
    rowsCompared += compareRows(title, rows, want, problems);
    const grid = sheets.grid(spreadsheetId, title);
    if (grid.rowCount !== want.length + 1 || grid.columnCount !== columns.length) {
      problems.push(`${title}: grid ${grid.rowCount}×${grid.columnCount}, want ${want.length + 1}×${columns.length}`);
    }
  }
  return { rowsCompared, problems };
}

/** SQLite equal to the store, row for row; the first differences are shown when it is not. */
export function expectDatabaseEqualsStore(dataDir: string, store: ShopifyStore) {
  const comparison = compareDir(dataDir, store);
  expect(comparison.firstDifferences).toEqual([]);
  expect(comparison).toMatchObject(EQUAL);
  return comparison;
}

/**
 * What every completed sync must leave, whatever happened on the way: SQLite equal to the store (nothing missing,
 * unexpected, different or duplicated), every CSV parsing back to its table row for row, no temp file left.
 * Returns the figures for recordFigures.
 */
export function expectExactOutputs(dataDir: string, store: ShopifyStore) {
  const comparison = compareDir(dataDir, store);
  expect(comparison).toMatchObject(EQUAL);
  const csvs = checkCsvs(dataDir);
  expect(csvs.problems).toEqual([]);
  expect(tempFiles(dataDir)).toEqual([]);
  return { ...comparison, csvRowsCompared: csvs.rowsCompared };
}

/**
 * Appends one case's figures (faults injected, runs completed, rows compared…) as a JSON line to the file named by
 * FAULTS_REPORT, when it is set: the suite's numbers for RELIABILITY.md without parsing Jest's output.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const file = process.env.FAULTS_REPORT;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ case: name, ...figures })}\n`);
}
