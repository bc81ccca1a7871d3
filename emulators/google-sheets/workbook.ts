import type { Row } from './cells';

export const DEFAULT_ROW_COUNT = 1000;
export const DEFAULT_COLUMN_COUNT = 26;
export const CELL_LIMIT = 10_000_000;
export const CELL_LIMIT_MESSAGE = `This action would increase the number of cells in the workbook above the limit of ${CELL_LIMIT} cells.`;

export interface Sheet {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** Cell values by row; may be shorter than rowCount (and rows shorter than columnCount). */
  rows: Row[];
}

export interface Workbook {
  id: string;
  title: string;
  editors: Set<string>;
  sheets: Sheet[];
}

export function createWorkbook(id: string, title: string, editors: string[]): Workbook {
  const sheet1: Sheet = {
    sheetId: 0,
    title: 'Sheet1',
    rowCount: DEFAULT_ROW_COUNT,
    columnCount: DEFAULT_COLUMN_COUNT,
    rows: [],
  };
  return { id, title, editors: new Set(editors), sheets: [sheet1] };
}

/** Sheet titles are unique regardless of case, and ranges find them regardless of case. */
export function findSheetByTitle(sheets: readonly Sheet[], title: string): Sheet | undefined {
  const wanted = title.toLowerCase();
  return sheets.find((s) => s.title.toLowerCase() === wanted);
}

export function totalCells(sheets: readonly Sheet[]): number {
  return sheets.reduce((sum, s) => sum + s.rowCount * s.columnCount, 0);
}

export function rowHasValues(row: Row | undefined): boolean {
  return row !== undefined && row.some((cell) => cell !== undefined);
}

/** Rows values.get would return for the whole sheet (trailing empty rows trimmed). */
export function valueRowCount(sheet: Sheet): number {
  for (let r = sheet.rows.length - 1; r >= 0; r -= 1) if (rowHasValues(sheet.rows[r])) return r + 1;
  return 0;
}

/**
 * A copy-on-write working copy of a workbook's sheets, so a failing request leaves the original untouched.
 * Sheet metadata is copied up front; row arrays are copied the first time a request writes to them.
 */
export class WorkbookDraft {
  readonly sheets: Sheet[];
  private readonly ownedRowLists = new Set<Row[]>();
  private readonly ownedRows = new Set<Row>();

  constructor(base: readonly Sheet[]) {
    this.sheets = base.map((sheet) => ({ ...sheet }));
  }

  /** The sheet's row list, safe to modify. */
  rowsOf(sheet: Sheet): Row[] {
    if (!this.ownedRowLists.has(sheet.rows)) {
      sheet.rows = sheet.rows.slice();
      this.ownedRowLists.add(sheet.rows);
    }
    return sheet.rows;
  }

  /** Row `r` of the sheet, created if needed, safe to modify. */
  rowOf(sheet: Sheet, r: number): Row {
    const rows = this.rowsOf(sheet);
    let row = rows[r];
    if (!row || !this.ownedRows.has(row)) {
      row = row ? row.slice() : [];
      rows[r] = row;
      this.ownedRows.add(row);
    }
    return row;
  }

  replaceRows(sheet: Sheet, rows: Row[]): void {
    sheet.rows = rows;
    this.ownedRowLists.add(rows);
  }

  /** Drops trailing empty rows so that later scans stay short. */
  trimTrailingEmptyRows(sheet: Sheet): void {
    let length = sheet.rows.length;
    while (length > 0 && !rowHasValues(sheet.rows[length - 1])) length -= 1;
    if (length < sheet.rows.length) this.rowsOf(sheet).length = length;
  }
}
