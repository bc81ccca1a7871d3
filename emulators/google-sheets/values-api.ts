import { badRequest, notEmulated } from './api-error';
import { cellName, formatBox, parseAnchor, quoteSheetName, type Anchor } from './a1';
import { SKIP, toStoredCell, type Row } from './cells';
import { optionalList } from './json-input';
import { findSheetByTitle, type Sheet, type WorkbookDraft } from './workbook';

export interface UpdateValuesResponse {
  spreadsheetId: string;
  updatedRange: string;
  updatedRows?: number;
  updatedColumns?: number;
  updatedCells?: number;
}

/** The sheet and first cell a values.update range names. */
export function resolveAnchor(sheets: readonly Sheet[], text: string): { sheet: Sheet; anchor: Anchor } {
  const anchor = parseAnchor(text);
  if (!anchor && (text.includes(':') || !text.includes('!'))) {
    throw notEmulated(`The range ${text} (only a single-cell anchor such as 'Sheet'!A1 is)`);
  }
  const sheet = anchor && findSheetByTitle(sheets, anchor.sheetName);
  if (!anchor || !sheet) throw badRequest(`Unable to parse range: ${text}`);
  return { sheet, anchor };
}

function gridLimitError(sheet: Sheet, rangeText: string) {
  return badRequest(
    `Range (${rangeText}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
  );
}

/**
 * spreadsheets.values.update with valueInputOption RAW and majorDimension ROWS: writes a block of values from the
 * anchor cell, without growing the grid.
 */
export function writeValues(
  draft: WorkbookDraft,
  spreadsheetId: string,
  rangeText: string,
  values: unknown,
): UpdateValuesResponse {
  const { sheet, anchor } = resolveAnchor(draft.sheets, rangeText);
  const { row: startRow, col: startCol } = anchor;
  if (startRow >= sheet.rowCount || startCol >= sheet.columnCount) {
    throw gridLimitError(sheet, `${quoteSheetName(sheet.title)}!${cellName(startRow, startCol)}`);
  }
  const rows = (optionalList(values, 'data.values') ?? []).map(
    (list, i) => optionalList(list, `data.values[${i}]`) ?? [],
  );
  checkRowsFitGrid(sheet, startRow, startCol, rows);

  let cells = 0;
  let width = 0;
  rows.forEach((row, i) => {
    width = Math.max(width, row.length);
    let stored: Row | undefined;
    row.forEach((value, j) => {
      cells += 1;
      const cell = toStoredCell(value);
      if (cell === SKIP) return;
      stored ??= draft.rowOf(sheet, startRow + i);
      stored[startCol + j] = cell;
    });
  });
  draft.trimTrailingEmptyRows(sheet);

  const lastRow = startRow + Math.max(rows.length, 1) - 1;
  const lastCol = startCol + Math.max(width, 1) - 1;
  const updatedRange = formatBox(sheet.title, startRow, startCol, lastRow, lastCol);
  if (cells === 0) return { spreadsheetId, updatedRange };
  return { spreadsheetId, updatedRange, updatedRows: rows.length, updatedColumns: width, updatedCells: cells };
}

/** Names the first cell (row by row) that a write would put outside the grid, as the API does. */
function checkRowsFitGrid(sheet: Sheet, startRow: number, startCol: number, rows: unknown[][]): void {
  rows.forEach((row, i) => {
    if (row.length === 0) return;
    const r = startRow + i;
    if (r >= sheet.rowCount) throw gridLimitError(sheet, `${quoteSheetName(sheet.title)}!${cellName(r, startCol)}`);
    if (startCol + row.length > sheet.columnCount) {
      throw gridLimitError(sheet, `${quoteSheetName(sheet.title)}!${cellName(r, sheet.columnCount)}`);
    }
  });
}

/** The whole sheet's values as values.get would return them: empty cells '', trailing empties trimmed. */
export function sheetValues(sheet: Sheet): unknown[][] {
  const result = Array.from(sheet.rows, (row) => {
    const out = Array.from(row ?? [], (cell) => cell ?? '');
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  });
  while (result.length > 0 && result[result.length - 1].length === 0) result.pop();
  return result;
}
