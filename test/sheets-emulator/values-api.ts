import { ApiError, badRequest } from './api-error';
import { cellName, columnLetters, formatBox, quoteSheetName } from './a1';
import { renderCell, SKIP, toStoredCell, type Row, type ValueInputOption, type ValueRenderOption } from './cells';
import { optionalList, type JsonObject } from './json-input';
import { checkWithinGrid, clampToGrid, gridLimitError, resolveRange, type Box } from './ranges';
import type { Sheet, WorkbookDraft } from './workbook';

export type MajorDimension = 'ROWS' | 'COLUMNS';

export interface UpdateValuesResponse {
  spreadsheetId: string;
  updatedRange: string;
  updatedRows?: number;
  updatedColumns?: number;
  updatedCells?: number;
}

/** spreadsheets.values.update: writes a block of values at the range, without growing the grid. */
export function writeValues(
  draft: WorkbookDraft,
  spreadsheetId: string,
  rangeText: string,
  values: unknown,
  majorDimension: MajorDimension,
  option: ValueInputOption,
): UpdateValuesResponse {
  const target = resolveRange(draft.sheets, rangeText);
  checkWithinGrid(target);
  const { sheet, area } = target;
  const rows = toRowMajor(values, majorDimension);
  const height = rows.length;
  const width = widest(rows);
  if (!target.single && area.endRow !== undefined && area.startRow + height > area.endRow) {
    throw badRequest(`Requested writing within range [${rangeText}], but tried writing to row [${area.endRow + 1}]`);
  }
  if (!target.single && area.endCol !== undefined && area.startCol + width > area.endCol) {
    const column = columnLetters(area.endCol);
    throw badRequest(`Requested writing within range [${rangeText}], but tried writing to column [${column}]`);
  }
  checkRowsFitGrid(sheet, area.startRow, area.startCol, rows);

  let cells = 0;
  rows.forEach((row, i) => {
    let stored: Row | undefined;
    row.forEach((value, j) => {
      cells += 1;
      const cell = toStoredCell(value, option);
      if (cell === SKIP) return;
      stored ??= draft.rowOf(sheet, area.startRow + i);
      stored[area.startCol + j] = cell;
    });
  });
  draft.trimTrailingEmptyRows(sheet);

  const lastRow = area.startRow + Math.max(height, 1) - 1;
  const lastCol = area.startCol + Math.max(width, 1) - 1;
  const updatedRange = formatBox(sheet.title, area.startRow, area.startCol, lastRow, lastCol);
  if (cells === 0) return { spreadsheetId, updatedRange };
  return { spreadsheetId, updatedRange, updatedRows: height, updatedColumns: width, updatedCells: cells };
}

function toRowMajor(values: unknown, majorDimension: MajorDimension): unknown[][] {
  const lists = (optionalList(values, 'data.values') ?? []).map(
    (list, i) => optionalList(list, `data.values[${i}]`) ?? [],
  );
  if (majorDimension === 'ROWS') return lists;
  const rows: unknown[][] = [];
  lists.forEach((column, c) =>
    column.forEach((value, r) => {
      rows[r] ??= [];
      rows[r][c] = value;
    }),
  );
  // Columns of different lengths leave gaps; null leaves those cells alone, as it would in a written row.
  return Array.from(rows, (row) => Array.from(row ?? [], (value) => (value === undefined ? null : value)));
}

/** Names the first cell (row by row) that a write would put outside the grid, as the API does. */
function checkRowsFitGrid(sheet: Sheet, startRow: number, startCol: number, rows: unknown[][]): void {
  rows.forEach((row, i) => {
    if (row.length === 0) return;
    const r = startRow + i;
    if (r >= sheet.rowCount) throw gridLimitError(sheet, `${quoteSheetName(sheet.title)}!${cellName(r, startCol)}`);
    if (startCol + row.length > sheet.columnCount) {
      const c = Math.max(startCol, sheet.columnCount);
      throw gridLimitError(sheet, `${quoteSheetName(sheet.title)}!${cellName(r, c)}`);
    }
  });
}

/** spreadsheets.values.batchUpdate, all or nothing. */
export function writeValueBatch(
  draft: WorkbookDraft,
  spreadsheetId: string,
  data: unknown,
  option: ValueInputOption,
  majorDimensionOf: (item: JsonObject, path: string) => MajorDimension,
): JsonObject {
  const responses = (optionalList(data, 'data') ?? []).map((item, i) => {
    try {
      if (item === null || typeof item !== 'object') throw badRequest(`Invalid value at 'data[${i}]'`);
      const entry = item as JsonObject;
      if (typeof entry.range !== 'string') throw badRequest('Unable to parse range: ');
      const dimension = majorDimensionOf(entry, `data[${i}].major_dimension`);
      return writeValues(draft, spreadsheetId, entry.range, entry.values, dimension, option);
    } catch (error) {
      throw error instanceof ApiError && !error.message.startsWith('Invalid value at')
        ? error.prefixed(`Invalid data[${i}]: `)
        : error;
    }
  });
  const sum = (key: 'updatedRows' | 'updatedColumns' | 'updatedCells') =>
    responses.reduce((total, r) => total + (r[key] ?? 0), 0);
  const sheets = new Set(responses.filter((r) => r.updatedCells).map((r) => r.updatedRange.replace(/![^!]*$/, '')));
  if (responses.length === 0) return { spreadsheetId };
  return {
    spreadsheetId,
    totalUpdatedRows: sum('updatedRows'),
    totalUpdatedColumns: sum('updatedColumns'),
    totalUpdatedCells: sum('updatedCells'),
    totalUpdatedSheets: sheets.size,
    responses,
  };
}

/** spreadsheets.values.clear: empties the cells (the grid keeps its size); returns the cleared range. */
export function clearValues(draft: WorkbookDraft, rangeText: string): string {
  const target = resolveRange(draft.sheets, rangeText);
  checkWithinGrid(target);
  const { sheet } = target;
  const box = clampToGrid(target);
  const fullWidth = box.startCol === 0 && box.endCol === sheet.columnCount;
  if (fullWidth && box.startRow === 0 && box.endRow === sheet.rowCount) {
    draft.replaceRows(sheet, []);
  } else {
    const lastRow = Math.min(box.endRow, sheet.rows.length);
    for (let r = box.startRow; r < lastRow; r += 1) {
      const row = sheet.rows[r];
      if (!row || row.length <= box.startCol) continue;
      if (fullWidth) {
        delete draft.rowsOf(sheet)[r];
        continue;
      }
      const writable = draft.rowOf(sheet, r);
      for (let c = box.startCol; c < Math.min(box.endCol, writable.length); c += 1) writable[c] = undefined;
      while (writable.length > 0 && writable[writable.length - 1] === undefined) writable.length -= 1;
    }
    draft.trimTrailingEmptyRows(sheet);
  }
  return formatBox(sheet.title, box.startRow, box.startCol, box.endRow - 1, box.endCol - 1);
}

export interface ValueRange {
  range: string;
  majorDimension: MajorDimension;
  values?: unknown[][];
}

/** spreadsheets.values.get: the range clamped to the grid, trailing empty rows and cells left out. */
export function readValues(
  sheets: readonly Sheet[],
  rangeText: string,
  render: ValueRenderOption,
  majorDimension: MajorDimension,
): ValueRange {
  const target = resolveRange(sheets, rangeText);
  checkWithinGrid(target);
  const box = clampToGrid(target);
  const rows = readBox(target.sheet, box, render);
  const values = majorDimension === 'ROWS' ? rows : transposeForRead(rows);
  const range = formatBox(target.sheet.title, box.startRow, box.startCol, box.endRow - 1, box.endCol - 1);
  return values.length > 0 ? { range, majorDimension, values } : { range, majorDimension };
}

export function readBox(sheet: Sheet, box: Box, render: ValueRenderOption): unknown[][] {
  const result: unknown[][] = [];
  const lastRow = Math.min(box.endRow, sheet.rows.length);
  for (let r = box.startRow; r < lastRow; r += 1) {
    const row = sheet.rows[r] ?? [];
    const out: unknown[] = [];
    const lastCol = Math.min(box.endCol, row.length);
    for (let c = box.startCol; c < lastCol; c += 1) out.push(renderCell(row[c], render));
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    result.push(out);
  }
  while (result.length > 0 && result[result.length - 1].length === 0) result.pop();
  return result;
}

function transposeForRead(rows: unknown[][]): unknown[][] {
  const width = widest(rows);
  const columns = Array.from({ length: width }, (_, c) => rows.map((row) => row[c] ?? ''));
  return columns.map((column) => {
    while (column.length > 0 && column[column.length - 1] === '') column.pop();
    return column;
  });
}

// Not Math.max(...lengths): spreading 100k+ arguments overflows the stack.
function widest(rows: unknown[][]): number {
  return rows.reduce((max, row) => Math.max(max, row.length), 0);
}
