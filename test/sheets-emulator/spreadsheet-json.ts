import { extendedValue, isFormula, renderCell, type Row } from './cells';
import type { Sheet, Workbook } from './workbook';

export function sheetProperties(sheet: Sheet, index: number): Record<string, unknown> {
  const gridProperties: Record<string, number> = { rowCount: sheet.rowCount, columnCount: sheet.columnCount };
  if (sheet.frozenRowCount > 0) gridProperties.frozenRowCount = sheet.frozenRowCount;
  if (sheet.frozenColumnCount > 0) gridProperties.frozenColumnCount = sheet.frozenColumnCount;
  return { sheetId: sheet.sheetId, title: sheet.title, index, sheetType: 'GRID', gridProperties };
}

/** The Spreadsheet resource as spreadsheets.get returns it. */
export function spreadsheetResource(workbook: Workbook, includeGridData: boolean): Record<string, unknown> {
  return {
    spreadsheetId: workbook.id,
    properties: {
      title: workbook.title,
      locale: 'en_US',
      autoRecalc: 'ON_CHANGE',
      timeZone: 'Etc/GMT',
    },
    sheets: workbook.sheets.map((sheet, index) => ({
      properties: sheetProperties(sheet, index),
      ...(includeGridData ? { data: [{ rowData: rowData(sheet.rows) }] } : {}),
    })),
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${workbook.id}/edit`,
  };
}

/** GridData.rowData: values only (no formats); formulas have no effectiveValue as they are never evaluated. */
function rowData(rows: Row[]): unknown[] {
  const result: unknown[] = [];
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] ?? [];
    const values: unknown[] = [];
    for (let c = 0; c < row.length; c += 1) {
      const cell = row[c];
      if (cell === undefined) {
        values.push({});
        continue;
      }
      values.push({
        userEnteredValue: extendedValue(cell),
        ...(isFormula(cell) ? {} : { effectiveValue: extendedValue(cell) }),
        formattedValue: renderCell(cell, 'FORMATTED_VALUE'),
      });
    }
    result.push(values.length > 0 ? { values } : {});
  }
  return result;
}
