import { badRequest } from './api-error';
import { formatArea, parseA1, type CellArea } from './a1';
import { findSheetByTitle, type Sheet } from './workbook';

export interface ResolvedRange {
  sheet: Sheet;
  area: CellArea;
  /** A lone cell, which writes treat as an anchor rather than a bound. */
  single: boolean;
}

/** A closed rectangle inside the grid; ends exclusive. */
export interface Box {
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

/** Finds the sheet and cells an A1 range names; a range without a sheet name means the first sheet. */
export function resolveRange(sheets: readonly Sheet[], text: string): ResolvedRange {
  const ref = parseA1(text);
  const named = ref?.sheetName === undefined ? undefined : findSheetByTitle(sheets, ref.sheetName);
  if (ref && named) {
    if (!ref.ambiguous && ref.cells) return { sheet: named, area: ref.cells, single: ref.single };
    return { sheet: named, area: { startRow: 0, startCol: 0 }, single: false };
  }
  if (ref?.ambiguous && ref.cells) return { sheet: sheets[0], area: ref.cells, single: ref.single };
  throw badRequest(`Unable to parse range: ${text}`);
}

export function gridLimitError(sheet: Sheet, rangeText: string) {
  return badRequest(
    `Range (${rangeText}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
  );
}

/** Refuses a range that itself reaches past the grid (open ends are fine: they stop at the edge). */
export function checkWithinGrid({ sheet, area, single }: ResolvedRange): void {
  const outside =
    area.startRow >= sheet.rowCount ||
    area.startCol >= sheet.columnCount ||
    (area.endRow ?? 0) > sheet.rowCount ||
    (area.endCol ?? 0) > sheet.columnCount;
  if (outside) throw gridLimitError(sheet, formatArea(sheet.title, area, single));
}

export function clampToGrid({ sheet, area }: ResolvedRange): Box {
  return {
    startRow: area.startRow,
    startCol: area.startCol,
    endRow: Math.min(area.endRow ?? sheet.rowCount, sheet.rowCount),
    endCol: Math.min(area.endCol ?? sheet.columnCount, sheet.columnCount),
  };
}
