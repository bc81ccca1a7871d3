import type { Sheet, Workbook } from './workbook';

export function sheetProperties(sheet: Sheet, index: number): Record<string, unknown> {
  const gridProperties = { rowCount: sheet.rowCount, columnCount: sheet.columnCount };
  return { sheetId: sheet.sheetId, title: sheet.title, index, sheetType: 'GRID', gridProperties };
}

/** The Spreadsheet resource as spreadsheets.get returns it without grid data. */
export function spreadsheetResource(workbook: Workbook): Record<string, unknown> {
  return {
    spreadsheetId: workbook.id,
    properties: {
      title: workbook.title,
      locale: 'en_US',
      autoRecalc: 'ON_CHANGE',
      timeZone: 'Etc/GMT',
    },
    sheets: workbook.sheets.map((sheet, index) => ({ properties: sheetProperties(sheet, index) })),
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${workbook.id}/edit`,
  };
}
