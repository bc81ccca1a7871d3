import type Database from 'better-sqlite3';
import { CSV_EXPORTS, csvRows } from '../exports/csv-export';
import { allTables } from '../store/resources';
import type { SheetTable } from './push';

/** `product_variants` → `ProductVariants`: the original pipeline's worksheet names. */
export function sheetTitle(table: string): string {
  return table
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
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
      title: sheetTitle(spec.table),
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
