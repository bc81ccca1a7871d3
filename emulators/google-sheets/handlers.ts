import { badRequest, notEmulated } from './api-error';
import { optionalEnum, optionalString, type JsonObject } from './json-input';
import type { Route } from './router';
import { applySheetRequests } from './sheet-requests';
import { spreadsheetResource } from './spreadsheet-json';
import { resolveAnchor, writeValues } from './values-api';
import { WorkbookDraft, type Workbook } from './workbook';

export interface HandlerResult {
  body: unknown;
  /** The new sheets, when the request changed the workbook. */
  changed?: WorkbookDraft;
}

/** Runs one Sheets API method against a workbook; throws ApiError for the API's error responses. */
export function handleRoute(workbook: Workbook, route: Route, query: URLSearchParams, body: JsonObject): HandlerResult {
  const { spreadsheetId } = route;
  switch (route.kind) {
    case 'getSpreadsheet':
      if (query.has('ranges')) throw notEmulated('spreadsheets.get with ranges');
      if (query.get('includeGridData') === 'true') throw notEmulated('spreadsheets.get with includeGridData=true');
      return { body: spreadsheetResource(workbook) };

    case 'batchUpdate': {
      for (const option of ['includeSpreadsheetInResponse', 'responseRanges', 'responseIncludeGridData']) {
        if (body[option]) throw notEmulated(`batchUpdate with ${option}`);
      }
      const draft = new WorkbookDraft(workbook.sheets);
      return { body: { spreadsheetId, replies: applySheetRequests(draft, body.requests) }, changed: draft };
    }

    case 'valuesUpdate': {
      const range = route.range ?? '';
      checkInputOption(query.get('valueInputOption'));
      for (const option of ['includeValuesInResponse', 'responseValueRenderOption', 'responseDateTimeRenderOption']) {
        if (query.has(option)) throw notEmulated(`values.update with ${option}`);
      }
      const dimension = optionalEnum(body.majorDimension, 'major_dimension', 'Dimension', [
        'ROWS',
        'COLUMNS',
        'DIMENSION_UNSPECIFIED',
      ]);
      if (dimension === 'COLUMNS') throw notEmulated('values.update with majorDimension COLUMNS');
      checkBodyRange(workbook, range, body.range);
      const draft = new WorkbookDraft(workbook.sheets);
      return { body: writeValues(draft, spreadsheetId, range, body.values), changed: draft };
    }
  }
}

function checkInputOption(value: string | null): void {
  if (!value) throw badRequest("'valueInputOption' is required but not specified");
  if (value === 'USER_ENTERED') throw notEmulated('valueInputOption USER_ENTERED (only RAW is)');
  if (value !== 'RAW') throw badRequest(`Invalid value at 'value_input_option' (TYPE_ENUM), "${value}"`);
}

/** values.update may repeat the range in the body; it has to name the same cell as the URL. */
function checkBodyRange(workbook: Workbook, urlRange: string, bodyRange: unknown): void {
  const text = optionalString(bodyRange, 'range');
  if (text === undefined || text === urlRange) return;
  const cell = (r: string) => {
    const { sheet, anchor } = resolveAnchor(workbook.sheets, r);
    return `${sheet.sheetId}:${anchor.row}:${anchor.col}`;
  };
  if (cell(text) !== cell(urlRange)) {
    throw badRequest(`Requested range [${urlRange}] does not match the range in the request body [${text}].`);
  }
}
