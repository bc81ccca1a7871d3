/**
 * CSV files of the main tables, streamed from SQLite: one header row, the declared columns in declared order (minus
 * raw_json), rows by primary key, RFC 4180 quoting, each file replaced atomically.
 */
import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { allTables, TableSpec } from '../store/resources';
import { commitStaged, discardStaged, StagedFile, stageFile } from './atomic-file';
import { type Db, quoteIdentifier } from '../store/sql';

export type CsvCell = string | number;

/** Columns never exported: the raw API record is for rebuilding rows, not for spreadsheets. */
const OMITTED_COLUMNS = new Set(['raw_json']);

function tableSpec(name: string): TableSpec {
  const spec = allTables().find((t) => t.name === name);
  if (!spec) throw new Error(`No table "${name}" is declared in activities/store/resources.ts`);
  return spec;
}

export interface CsvExportSpec {
  file: string;
  table: string;
  /** The table's worksheet in the Google Sheet. */
  worksheet: string;
  /** Header row, in declared order. */
  columns: readonly string[];
}

/** The exported tables, in declaration order: each table declared with an `export` (resources.ts). */
export const CSV_EXPORTS: ReadonlyArray<CsvExportSpec> = allTables().flatMap((table) =>
  table.export
    ? [
        {
          file: table.export.csv,
          table: table.name,
          worksheet: table.export.worksheet,
          columns: table.columns.filter((c) => !OMITTED_COLUMNS.has(c.name)).map((c) => c.name),
        },
      ]
    : [],
);

export interface CsvRowOptions {
  /** Prefix text cells that a spreadsheet would run as a formula with `'` (OWASP CSV injection). Default true. */
  neutralizeFormulas?: boolean;
}

export interface CsvExportOptions extends CsvRowOptions {
  /** Mode of the written files: they hold customer data, so owner-only by default. */
  fileMode?: number;
  /** Start each file with a UTF-8 byte order mark (Excel on Windows otherwise guesses the encoding). Default false. */
  bom?: boolean;
}

export interface CsvExportResult {
  table: string;
  file: string;
  rows: number;
  bytes: number;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function exportSpec(table: string): CsvExportSpec {
  const spec = CSV_EXPORTS.find((e) => e.table === table);
  if (!spec) throw new Error(`Table "${table}" is not one of the CSV exports`);
  return spec;
}

/**
 * The rows of one exported table, header first, exactly as the CSV holds them: null becomes '', integers stay
 * numbers. The statement stays open while the caller iterates: run no other query on `db` until it is done.
 */
export function* csvRows(db: Db, table: string, options: CsvRowOptions = {}): Generator<CsvCell[]> {
  const { columns } = exportSpec(table);
  const spec = tableSpec(table);
  const declared = new Map(spec.columns.map((c) => [c.name, c]));
  // Only free text is neutralized: ids, counts and money ('-5.00') are data, not formulas.
  const neutralize = columns.map((name) => {
    const column = declared.get(name)!;
    return options.neutralizeFormulas !== false && column.type === 'TEXT' && !column.money;
  });
  const statement = db
    .prepare(
      `SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)} ORDER BY ${spec.primaryKey.map(quoteIdentifier).join(', ')}`,
    )
    .raw(true)
    .safeIntegers(true);
  yield [...columns];
  for (const values of statement.iterate() as IterableIterator<unknown[]>) {
    const row = new Array<CsvCell>(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i];
      if (value === null) row[i] = '';
      else if (typeof value === 'string') row[i] = neutralize[i] && FORMULA_START.test(value) ? `'${value}` : value;
      else if (typeof value === 'bigint') row[i] = bigintCell(value);
      else if (typeof value === 'number') row[i] = value;
      else throw new Error(`${table}.${columns[i]} holds a BLOB, which a CSV cannot carry; it was not exported`);
    }
    yield row;
  }
}

/** Ids beyond 2^53 keep every digit as text; the rest are ordinary numbers. */
function bigintCell(value: bigint): CsvCell {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** Streams rows through csv-stringify into `out`, waiting for 'drain' so memory stays flat. Returns the records. */
async function writeCsv(rows: Iterable<CsvCell[]>, out: Writable, bom: boolean): Promise<number> {
  const csv = stringify({
    bom,
    record_delimiter: '\r\n',
    // RFC 4180 §2.6: quote any CR or LF; explicit, as csv-stringify's own check is off once record_delimiter is set.
    quoted_match: [/[\r\n]/],
  });
  const done = pipeline(csv, out);
  // One listener for the whole file (racing `done` at every drain would pile up a callback per drain).
  const failed = new AbortController();
  done.catch(() => failed.abort());
  let count = 0;
  try {
    for (const row of rows) {
      if (failed.signal.aborted) break;
      count += 1;
      if (!csv.write(row)) await once(csv, 'drain', { signal: failed.signal });
    }
  } catch (error) {
    if (failed.signal.aborted) await done; // rethrows the stream's own error rather than the AbortError
    csv.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
  csv.end();
  await done;
  return count;
}

/**
 * Writes every file of CSV_EXPORTS into `dataDir`. All files are read in one read transaction (one consistent
 * snapshot, so the files agree with each other) and renamed into place only once all are complete; on
 * any error the temp files are removed and the previous CSVs stay as they were.
 */
export async function exportCsvs(db: Db, dataDir: string, options: CsvExportOptions = {}): Promise<CsvExportResult[]> {
  const staged: StagedFile[] = [];
  const results: CsvExportResult[] = [];
  const ownTransaction = !db.inTransaction;
  if (ownTransaction) db.exec('BEGIN');
  try {
    for (const { file, table } of CSV_EXPORTS) {
      let rows = 0;
      const target = path.join(dataDir, file);
      const stagedFile = await stageFile(
        target,
        async (out) => {
          rows = (await writeCsv(csvRows(db, table, options), out, options.bom ?? false)) - 1; // minus the header
        },
        { mode: options.fileMode ?? 0o600 },
      );
      staged.push(stagedFile);
      results.push({ table, file: target, rows, bytes: stagedFile.bytes });
    }
  } catch (error) {
    await discardStaged(staged);
    throw error;
  } finally {
    if (ownTransaction && db.inTransaction) db.exec('COMMIT');
  }
  try {
    await commitStaged(staged);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  return results;
}
