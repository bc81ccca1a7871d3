import { formatArea } from './a1';
import { badRequest } from './api-error';
import type { ValueInputOption, ValueRenderOption } from './cells';
import { optionalEnum, optionalList, optionalString, type JsonObject } from './json-input';
import { resolveRange } from './ranges';
import type { Route } from './router';
import { applySheetRequests } from './sheet-requests';
import { spreadsheetResource } from './spreadsheet-json';
import { clearValues, readValues, writeValueBatch, writeValues, type MajorDimension } from './values-api';
import { WorkbookDraft, type Workbook } from './workbook';

export interface HandlerResult {
  body: unknown;
  /** The new sheets, when the request changed the workbook. */
  changed?: WorkbookDraft;
}

/** Runs one Sheets API method against a workbook; throws ApiError for the API's error responses. */
export function handleRoute(workbook: Workbook, route: Route, query: URLSearchParams, body: JsonObject): HandlerResult {
  const { spreadsheetId } = route;
  const range = route.range ?? '';
  switch (route.kind) {
    case 'getSpreadsheet':
      return { body: spreadsheetResource(workbook, query.get('includeGridData') === 'true') };

    case 'batchUpdate': {
      const draft = new WorkbookDraft(workbook.sheets);
      const replies = applySheetRequests(draft, body.requests);
      const updated =
        body.includeSpreadsheetInResponse === true
          ? { updatedSpreadsheet: spreadsheetResource({ ...workbook, sheets: draft.sheets }, false) }
          : {};
      return { body: { spreadsheetId, replies, ...updated }, changed: draft };
    }

    case 'valuesGet':
      return { body: readValues(workbook.sheets, range, renderOption(query), majorDimension(query)) };

    case 'valuesBatchGet': {
      const valueRanges = query
        .getAll('ranges')
        .map((r) => readValues(workbook.sheets, r, renderOption(query), majorDimension(query)));
      return { body: valueRanges.length > 0 ? { spreadsheetId, valueRanges } : { spreadsheetId } };
    }

    case 'valuesUpdate': {
      const option = inputOption(query.get('valueInputOption'));
      checkBodyRange(workbook, range, body.range);
      const draft = new WorkbookDraft(workbook.sheets);
      const dimension = bodyDimension(body.majorDimension, 'major_dimension');
      return { body: writeValues(draft, spreadsheetId, range, body.values, dimension, option), changed: draft };
    }

    case 'valuesBatchUpdate': {
      const option = inputOption(optionalString(body.valueInputOption, 'value_input_option'));
      const draft = new WorkbookDraft(workbook.sheets);
      const dimensionOf = (item: JsonObject, path: string) => bodyDimension(item.majorDimension, path);
      return { body: writeValueBatch(draft, spreadsheetId, body.data, option, dimensionOf), changed: draft };
    }

    case 'valuesClear': {
      const draft = new WorkbookDraft(workbook.sheets);
      return { body: { spreadsheetId, clearedRange: clearValues(draft, range) }, changed: draft };
    }

    case 'valuesBatchClear': {
      const draft = new WorkbookDraft(workbook.sheets);
      const ranges = optionalList(body.ranges, 'ranges') ?? [];
      const clearedRanges = ranges.map((r, i) => clearValues(draft, optionalString(r, `ranges[${i}]`) ?? ''));
      return { body: clearedRanges.length > 0 ? { spreadsheetId, clearedRanges } : { spreadsheetId }, changed: draft };
    }

    case 'valuesAppend':
      throw badRequest('spreadsheets.values.append is not supported by the Sheets emulator');
  }
}

function inputOption(value: string | null | undefined): ValueInputOption {
  if (!value) throw badRequest("'valueInputOption' is required but not specified");
  if (value === 'INPUT_VALUE_OPTION_UNSPECIFIED') throw badRequest(`Invalid valueInputOption: ${value}`);
  return optionalEnum(value, 'value_input_option', 'ValueInputOption', ['RAW', 'USER_ENTERED'] as const) ?? 'RAW';
}

function renderOption(query: URLSearchParams): ValueRenderOption {
  const allowed = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
  const value = query.get('valueRenderOption') ?? undefined;
  return optionalEnum(value, 'value_render_option', 'ValueRenderOption', allowed) ?? 'FORMATTED_VALUE';
}

function majorDimension(query: URLSearchParams): MajorDimension {
  return bodyDimension(query.get('majorDimension') ?? undefined, 'major_dimension');
}

function bodyDimension(value: unknown, path: string): MajorDimension {
  const allowed = ['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED'] as const;
  return optionalEnum(value, path, 'Dimension', allowed) === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
}

/** values.update may repeat the range in the body; it has to name the same cells as the URL. */
function checkBodyRange(workbook: Workbook, urlRange: string, bodyRange: unknown): void {
  const text = optionalString(bodyRange, 'range');
  if (text === undefined || text === urlRange) return;
  const describe = (r: string) => {
    const resolved = resolveRange(workbook.sheets, r);
    return `${resolved.sheet.sheetId}:${formatArea('', resolved.area, resolved.single)}`;
  };
  if (describe(text) !== describe(urlRange)) {
    throw badRequest(`Requested range [${urlRange}] does not match the range in the request body [${text}].`);
  }
}
