import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { computeDashboardData } from '../../activities/dashboard/data';
import { renderDashboard } from '../../activities/dashboard/render';
import { CSV_EXPORTS, CsvExportOptions, exportCsvs } from '../../activities/exports/csv-export';
import { Db, openDatabase } from '../../activities/store/database';
import { allTables, resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { createShopifyStore } from '../../emulators/shopify';
import { hostileRecords } from '../helpers/hostile-records';
import { tempDir } from '../helpers/tmp';

/**
 * Outputs read the way the programs a user opens them with read them, not by the library that wrote them. The CSVs:
 * Python's csv module, not node-csv (whose parser agrees with its own writer even where Excel, Power BI and Python
 * do not); every record has the header's cells, every cell is the SQLite value. The dashboard's data.js: evaluated
 * as a script. (The Sheets push writes RAW values; test/e2e/outputs.test.ts compares every cell with SQLite.)
 */

type Rec = Record<string, unknown>;
type Records = { products: Rec[]; customers: Rec[]; orders: Rec[] };

const READER = path.join(__dirname, '..', 'helpers', 'read_csv.py');
/** The README's rule: free text starting like a formula gets a leading '; ids, counts and money never do. */
const FORMULA_START = /^[=+\-@\t\r]/;
const BREAKS = { LF: /(?<!\r)\n/, CR: /\r(?!\n)/, CRLF: /\r\n/ };

function recordsOf(store: ReturnType<typeof createShopifyStore>): Records {
  return {
    products: [...store.records('products')] as Rec[],
    customers: [...store.records('customers')] as Rec[],
    orders: [...store.records('orders')] as Rec[],
  };
}

/** The store `npm run demo` syncs (client/demo.ts). */
const demoStore = () => recordsOf(createShopifyStore({ orders: 5000, customers: Math.ceil(5000 / 3), products: 200 }));

/** The emulator's default store: every quirk, 200 orders. */
const baseStore = () => recordsOf(createShopifyStore({ seed: 3 }));

/** The records of test/e2e/hostile-data.test.ts: its first case's, a lone surrogate, and records missing fields. */
function hostileStore(): Records {
  const { products, customers, orders } = hostileRecords();
  orders[5].note = 'a\ud800b';
  return {
    products: [...products, { id: 201, title: 'No variants' }],
    customers: [...customers, { id: 301 }],
    orders: [...orders, { id: 101, created_at: '2026-01-02T03:04:05-05:00' }],
  };
}

function databaseOf(dir: string, records: Records): Db {
  const db = openDatabase(dir);
  for (const name of ['products', 'customers', 'orders'] as const) {
    const list = records[name];
    for (let i = 0; i < list.length; i += 500)
      upsertRecords(db, resourceSpec(name), asNodes(name, list.slice(i, i + 500)));
  }
  return db;
}

/** The table straight from SQLite as text cells: null → '', formula-like free text prefixed with '. */
function sqliteRows(db: Db, table: string, neutralize: boolean): string[][] {
  const spec = allTables().find((t) => t.name === table)!;
  const { columns } = CSV_EXPORTS.find((e) => e.table === table)!;
  const declared = columns.map((name) => spec.columns.find((c) => c.name === name)!);
  const rows = db
    .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY ${spec.primaryKey.join(', ')}`)
    .raw(true)
    .safeIntegers(true)
    .all() as unknown[][];
  return rows.map((row) =>
    row.map((value, i) => {
      if (value === null) return '';
      const text = String(value);
      const freeText = declared[i].type === 'TEXT' && !declared[i].money;
      return neutralize && freeText && FORMULA_START.test(text) ? `'${text}` : text;
    }),
  );
}

function readWithPython(files: string[]): Record<string, string[][]> {
  const out = execFileSync('python3', [READER, ...files], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return JSON.parse(out) as Record<string, string[][]>;
}

/** What differs between the file as Python read it and the table, in words; empty when they agree. */
function differences(file: string, read: string[][], header: readonly string[], want: string[][]): string[] {
  const found: string[] = [];
  if (JSON.stringify(read[0]) !== JSON.stringify(header))
    found.push(`${file}: header is ${JSON.stringify(read[0])}, expected ${JSON.stringify(header)}`);
  const records = read.slice(1);
  records.forEach((record, r) => {
    if (record.length !== header.length)
      found.push(
        `${file}: record ${r + 1} has ${record.length} cells, the header ${header.length} ` +
          `(starts ${JSON.stringify(record.slice(0, 2))}): a field holding a line break was written unquoted`,
      );
  });
  if (records.length !== want.length)
    found.push(`${file}: Python read ${records.length} records, SQLite holds ${want.length} rows`);
  if (found.length) return found.slice(0, 10);
  want.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (records[r][c] !== cell)
        found.push(
          `${file}: record ${r + 1}, ${header[c]} is ${JSON.stringify(records[r][c]).slice(0, 80)}, ` +
            `SQLite has ${JSON.stringify(cell).slice(0, 80)}`,
        );
    }),
  );
  return found.slice(0, 10);
}

/** Exports the records and checks all five files with Python; returns the cells read, per file. */
async function exportAndRead(records: Records, options: CsvExportOptions = {}): Promise<Record<string, string[][]>> {
  const { dir, cleanup } = tempDir('csv-reader-');
  const db = databaseOf(dir, records);
  try {
    await exportCsvs(db, dir, options);
    const read = readWithPython(CSV_EXPORTS.map((e) => path.join(dir, e.file)));
    const found = CSV_EXPORTS.flatMap(({ file, table, columns }) =>
      differences(
        file,
        read[path.join(dir, file)],
        columns,
        sqliteRows(db, table, options.neutralizeFormulas !== false),
      ),
    );
    expect(found).toEqual([]);
    return Object.fromEntries(CSV_EXPORTS.map((e) => [e.file, read[path.join(dir, e.file)]]));
  } finally {
    db.close();
    cleanup();
  }
}

/** Cells holding `pattern` and neither a comma nor a quote: only the line break itself makes them need quotes. */
function onlyBreak(rows: string[][], pattern: RegExp): number {
  return rows.flat().filter((cell) => pattern.test(cell) && !/[,"]/.test(cell)).length;
}

describe('exported CSVs read by an independent reader (Python csv)', () => {
  it('the demo store: five files, every record complete, every cell equal to SQLite', async () => {
    const read = await exportAndRead(demoStore());
    // The emulator plants bare LF, bare CR and CRLF in text with no comma or quote in every file.
    for (const [file, rows] of Object.entries(read)) {
      for (const [name, pattern] of Object.entries(BREAKS)) {
        expect({ file, name, cells: onlyBreak(rows, pattern) > 0 }).toEqual({ file, name, cells: true });
      }
    }
  });

  it('the hostile-data store: 1 MB cells, control characters, formulas, lone surrogates, missing fields', async () => {
    const read = await exportAndRead(hostileStore());
    expect(onlyBreak(read['orders.csv'], /\n/)).toBeGreaterThan(0);
  });

  it('the hostile-data store with a byte order mark and formulas left raw', async () => {
    const read = await exportAndRead(hostileStore(), { bom: true, neutralizeFormulas: false });
    expect(read['products.csv'][0][0]).toBe('id'); // utf-8-sig removed the BOM: the first header is intact
  });
});

describe("the dashboard's data.js, evaluated as a script", () => {
  it('line breaks, U+2028/U+2029 and </script> in shipping names come back unchanged', async () => {
    const { products, customers, orders } = baseStore();
    const province = 'North\n</script><script>alert(1)</script>\r\u2028\u2029Region';
    const city = 'Port\rTown';
    orders[0].shipping_address = { ...(orders[0].shipping_address as Rec), province, city, country: 'Île\r\nde Test' };
    const { dir, cleanup } = tempDir('data-js-');
    const db = databaseOf(dir, { products, customers, orders });
    try {
      const now = new Date('2026-07-01T00:00:00Z');
      const rendered = await renderDashboard(db, dir, { now });
      const sandbox: { window: { DASHBOARD_DATA?: { regions: unknown[][] } } } = { window: {} };
      vm.runInNewContext(fs.readFileSync(path.join(rendered.dir, 'data.js'), 'utf8'), sandbox);
      expect(sandbox.window.DASHBOARD_DATA).toEqual(computeDashboardData(db, { now }));
      const regions = sandbox.window.DASHBOARD_DATA!.regions;
      expect(regions.some((r) => r[0] === 'Île\r\nde Test' && r[2] === province)).toBe(true);
    } finally {
      db.close();
      cleanup();
    }
  });
});
