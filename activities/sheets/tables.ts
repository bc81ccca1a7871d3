import type Database from 'better-sqlite3';
import { CSV_EXPORTS, csvRows } from '../exports/csv-export';
import { allTables } from '../store/resources';
import type { SheetTable } from './push';

/** The table's worksheet, as declared (resources.ts): `product_variants` → `ProductVariants`. */
export function sheetTitle(table: string): string {
  const spec = CSV_EXPORTS.find((e) => e.table === table);
  if (!spec) throw new Error(`Table "${table}" has no worksheet: it is declared without an export in resources.ts`);
  return spec.worksheet;
}

/**
 * The worksheets hold exactly the CSV exports' rows, typed for a spreadsheet: ids as text (a 13-digit id as a
 * number would show as 7.0E+12 and lose its last digits past 2^53), money and counts as numbers, text as text.
 * Values go in with valueInputOption RAW, so text is never parsed as a formula and needs no `'` prefix.
 */
export function sheetTables(db: Database.Database): SheetTable[] {
  return CSV_EXPORTS.map((spec) => {
    const declared = allTables().find((t) => t.name === spec.table)!;
    const kinds = spec.columns.map((name) => {
      const column = declared.columns.find((c) => c.name === name)!;
      if (name === 'id' || name.endsWith('_id')) return 'id';
      return column.money || column.type !== 'TEXT' ? 'number' : 'text';
    });
    const { n } = db.prepare(`SELECT COUNT(*) AS n FROM "${spec.table}"`).get() as { n: number };
    return {
      title: spec.worksheet,
      header: [...spec.columns],
      rowCount: n,
      *rows() {
        let header = true;
        for (const row of csvRows(db, spec.table, { neutralizeFormulas: false })) {
          if (header) {
            header = false;
            continue;
          }
          yield row.map((cell, i) => {
            if (cell === '' || kinds[i] === 'text') return cell;
            return kinds[i] === 'id' ? String(cell) : Number(cell);
          });
        }
      },
    };
  });
}
