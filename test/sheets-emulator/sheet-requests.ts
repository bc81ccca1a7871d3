import { randomInt } from 'crypto';
import { ApiError, badRequest } from './api-error';
import type { Row } from './cells';
import { fieldPaths, parseFieldMask } from './field-mask';
import {
  asObject,
  isPayloadError,
  optionalEnum,
  optionalInt,
  optionalObject,
  optionalString,
  type JsonObject,
} from './json-input';
import { sheetProperties } from './spreadsheet-json';
import {
  CELL_LIMIT,
  CELL_LIMIT_MESSAGE,
  DEFAULT_COLUMN_COUNT,
  DEFAULT_ROW_COUNT,
  findSheetByTitle,
  totalCells,
  type Sheet,
  type WorkbookDraft,
} from './workbook';

type Handler = (draft: WorkbookDraft, body: JsonObject, path: string) => JsonObject | void;

const HANDLERS: Record<string, Handler> = {
  addSheet,
  deleteSheet,
  updateSheetProperties,
  appendDimension,
  insertDimension,
  deleteDimension,
};

// Formatting only: accepted (after checking the sheet exists) and ignored, since the emulator stores values only.
const FORMAT_ONLY = new Set([
  'repeatCell',
  'updateDimensionProperties',
  'autoResizeDimensions',
  'updateBorders',
  'setBasicFilter',
  'clearBasicFilter',
  'mergeCells',
  'unmergeCells',
]);

const OTHER_REAL_KINDS = new Set(
  (
    'updateSpreadsheetProperties updateNamedRange addNamedRange deleteNamedRange autoFill cutPaste copyPaste ' +
    'updateCells addFilterView appendCells deleteEmbeddedObject deleteFilterView duplicateFilterView duplicateSheet ' +
    'findReplace insertRange moveDimension updateEmbeddedObjectPosition pasteData textToColumns updateFilterView ' +
    'deleteRange addConditionalFormatRule updateConditionalFormatRule deleteConditionalFormatRule sortRange ' +
    'setDataValidation addProtectedRange updateProtectedRange deleteProtectedRange addChart updateChartSpec ' +
    'updateBanding addBanding deleteBanding createDeveloperMetadata updateDeveloperMetadata deleteDeveloperMetadata ' +
    'randomizeRange addDimensionGroup deleteDimensionGroup updateDimensionGroup trimWhitespace deleteDuplicates ' +
    'updateEmbeddedObjectBorder addSlicer updateSlicerSpec addDataSource updateDataSource deleteDataSource ' +
    'refreshDataSource cancelDataSourceRefresh addTable updateTable deleteTable'
  ).split(' '),
);

const DIMENSIONS = ['ROWS', 'COLUMNS'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Applies spreadsheets.batchUpdate sub-requests in order to the draft; returns their replies. */
export function applySheetRequests(draft: WorkbookDraft, requests: unknown): JsonObject[] {
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest('Must specify at least one request.');
  return requests.map((request, i) => applyOne(draft, request, `requests[${i}]`));
}

function applyOne(draft: WorkbookDraft, request: unknown, path: string): JsonObject {
  const kinds = Object.keys(asObject(request, path));
  if (kinds.length === 0) throw badRequest(`Invalid ${path}: No request set.`);
  if (kinds.length > 1) {
    throw badRequest(`Invalid JSON payload received. Oneof field 'kind' is already set. Cannot set '${kinds[1]}'`);
  }
  const kind = kinds[0];
  const handler = HANDLERS[kind];
  if (!handler && !FORMAT_ONLY.has(kind)) {
    if (OTHER_REAL_KINDS.has(kind)) throw badRequest(`Invalid ${path}.${kind}: not supported by the Sheets emulator`);
    throw badRequest(`Invalid JSON payload received. Unknown name "${kind}" at '${path}': Cannot find field.`);
  }
  try {
    const body = asObject((request as JsonObject)[kind], `${path}.${kind}`);
    if (handler) return handler(draft, body, `${path}.${kind}`) ?? {};
    checkFormatTarget(draft, body, `${path}.${kind}`);
    return {};
  } catch (error) {
    if (error instanceof ApiError && !isPayloadError(error)) throw error.prefixed(`Invalid ${path}.${kind}: `);
    throw error;
  }
}

function sheetWithId(draft: WorkbookDraft, id: number, noun: 'grid' | 'sheet'): Sheet {
  const sheet = draft.sheets.find((s) => s.sheetId === id);
  if (!sheet) throw badRequest(`No ${noun} with id: ${id}`);
  return sheet;
}

/** Runs a change that may grow the grid, refusing it if the workbook would pass the cell limit. */
function growing(draft: WorkbookDraft, change: () => void): void {
  const before = totalCells(draft.sheets);
  change();
  const after = totalCells(draft.sheets);
  if (after > before && after > CELL_LIMIT) throw badRequest(CELL_LIMIT_MESSAGE);
}

function addSheet(draft: WorkbookDraft, body: JsonObject, path: string): JsonObject {
  const props = optionalObject(body.properties, `${path}.properties`) ?? {};
  const grid = optionalObject(props.gridProperties, `${path}.properties.gridProperties`) ?? {};
  // proto3: an empty title or a zero size means "not set", so the defaults apply.
  const title = optionalString(props.title, `${path}.properties.title`) || defaultTitle(draft.sheets);
  if (findSheetByTitle(draft.sheets, title)) {
    throw badRequest(`A sheet with the name "${title}" already exists. Please enter another name.`);
  }
  if (props.sheetType !== undefined && props.sheetType !== 'GRID') {
    throw badRequest(`sheetType ${String(props.sheetType)} is not supported by the Sheets emulator`);
  }
  const requestedId = optionalInt(props.sheetId, `${path}.properties.sheetId`);
  if (requestedId !== undefined && requestedId < 0) throw badRequest(`Invalid sheetId: ${requestedId}`);
  if (requestedId !== undefined && draft.sheets.some((s) => s.sheetId === requestedId)) {
    throw badRequest(`A sheet with the id ${requestedId} already exists.`);
  }
  const sheet: Sheet = {
    sheetId: requestedId ?? newSheetId(draft.sheets),
    title,
    rowCount: optionalInt(grid.rowCount, `${path}.properties.gridProperties.rowCount`) || DEFAULT_ROW_COUNT,
    columnCount: optionalInt(grid.columnCount, `${path}.properties.gridProperties.columnCount`) || DEFAULT_COLUMN_COUNT,
    frozenRowCount: optionalInt(grid.frozenRowCount, `${path}.properties.gridProperties.frozenRowCount`) ?? 0,
    frozenColumnCount: optionalInt(grid.frozenColumnCount, `${path}.properties.gridProperties.frozenColumnCount`) ?? 0,
    rows: [],
  };
  if (sheet.rowCount < 1 || sheet.columnCount < 1) throw badRequest('A sheet needs at least one row and one column.');
  checkFrozen(sheet);
  const index = Math.min(
    Math.max(optionalInt(props.index, `${path}.properties.index`) ?? draft.sheets.length, 0),
    draft.sheets.length,
  );
  growing(draft, () => draft.sheets.splice(index, 0, sheet));
  draft.replaceRows(sheet, []);
  return { addSheet: { properties: sheetProperties(sheet, index) } };
}

function defaultTitle(sheets: readonly Sheet[]): string {
  for (let n = sheets.length + 1; ; n += 1) if (!findSheetByTitle(sheets, `Sheet${n}`)) return `Sheet${n}`;
}

function newSheetId(sheets: readonly Sheet[]): number {
  for (;;) {
    const id = randomInt(1, 2 ** 31 - 1);
    if (!sheets.some((s) => s.sheetId === id)) return id;
  }
}

function deleteSheet(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const sheet = sheetWithId(draft, optionalInt(body.sheetId, `${path}.sheetId`) ?? 0, 'sheet');
  if (draft.sheets.length === 1) throw badRequest("You can't remove all the sheets in a document.");
  draft.sheets.splice(draft.sheets.indexOf(sheet), 1);
}

const EDITABLE_FIELDS = [
  'title',
  'index',
  'gridProperties.rowCount',
  'gridProperties.columnCount',
  'gridProperties.frozenRowCount',
  'gridProperties.frozenColumnCount',
];
const IGNORED_FIELDS = ['hidden', 'tabColor', 'tabColorStyle', 'rightToLeft', 'gridProperties.hideGridlines'];

function updateSheetProperties(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const props = optionalObject(body.properties, `${path}.properties`) ?? {};
  const sheet = sheetWithId(draft, optionalInt(props.sheetId, `${path}.properties.sheetId`) ?? 0, 'grid');
  const selected = selectedFields(optionalString(body.fields, `${path}.fields`) ?? '');
  // A selected field missing from `properties` is set to its default (FieldMask semantics), e.g. 0 rows.
  const value = (field: string): unknown =>
    field.split('.').reduce<unknown>((v, key) => (v as JsonObject | undefined)?.[key], props);
  const int = (field: string): number => optionalInt(value(field), `${path}.properties.${field}`) ?? 0;

  if (selected.has('title')) renameSheet(draft, sheet, optionalString(value('title'), `${path}.properties.title`));
  if (selected.has('index')) moveSheet(draft, sheet, int('index'));
  if (selected.has('gridProperties.rowCount')) resize(draft, sheet, 'rowCount', int('gridProperties.rowCount'));
  if (selected.has('gridProperties.columnCount')) {
    resize(draft, sheet, 'columnCount', int('gridProperties.columnCount'));
  }
  if (selected.has('gridProperties.frozenRowCount')) sheet.frozenRowCount = int('gridProperties.frozenRowCount');
  if (selected.has('gridProperties.frozenColumnCount')) {
    sheet.frozenColumnCount = int('gridProperties.frozenColumnCount');
  }
  checkFrozen(sheet);
  draft.truncateToGrid(sheet);
}

function selectedFields(fields: string): Set<string> {
  const tree = fields === '' ? undefined : parseFieldMask(fields);
  if (!tree) throw badRequest(`Invalid field mask: '${fields}'. At least one field must be specified.`);
  const selected = new Set<string>();
  for (const field of fieldPaths(tree)) {
    const matches = EDITABLE_FIELDS.filter((f) => field === '*' || f === field || f.startsWith(`${field}.`));
    if (matches.length === 0 && !IGNORED_FIELDS.some((f) => field === f || field.startsWith(`${f}.`))) {
      throw badRequest(`Invalid field mask: '${field}' is not a field of SheetProperties that can be updated.`);
    }
    matches.forEach((f) => selected.add(f));
  }
  return selected;
}

function renameSheet(draft: WorkbookDraft, sheet: Sheet, title: string | undefined): void {
  if (!title) throw badRequest('Sheet title cannot be empty.');
  const clash = findSheetByTitle(draft.sheets, title);
  if (clash && clash !== sheet) {
    throw badRequest(`A sheet with the name "${title}" already exists. Please enter another name.`);
  }
  sheet.title = title;
}

/** Index semantics as documented for the real API: the target is counted before the sheet is removed. */
function moveSheet(draft: WorkbookDraft, sheet: Sheet, index: number): void {
  const from = draft.sheets.indexOf(sheet);
  let to = Math.min(Math.max(index, 0), draft.sheets.length);
  if (to > from) to -= 1;
  draft.sheets.splice(from, 1);
  draft.sheets.splice(to, 0, sheet);
}

/**
 * Checks the cell limit after each dimension, not after both: the real API refuses a rowCount increase whose
 * product with the old columnCount is over the limit even when columnCount shrinks in the same request.
 */
function resize(draft: WorkbookDraft, sheet: Sheet, field: 'rowCount' | 'columnCount', size: number): void {
  if (size < 1) {
    throw badRequest(`You can't delete all the ${field === 'rowCount' ? 'rows' : 'columns'} on the sheet.`);
  }
  growing(draft, () => {
    sheet[field] = size;
  });
}

function checkFrozen(sheet: Sheet): void {
  if (sheet.frozenRowCount < 0 || sheet.frozenColumnCount < 0) throw badRequest('Frozen counts cannot be negative.');
  if (sheet.frozenRowCount > 0 && sheet.frozenRowCount >= sheet.rowCount) {
    throw badRequest("You can't freeze all visible rows on the sheet.");
  }
  if (sheet.frozenColumnCount > 0 && sheet.frozenColumnCount >= sheet.columnCount) {
    throw badRequest("You can't freeze all visible columns on the sheet.");
  }
}

function dimensionOf(value: unknown, path: string): Dimension {
  const dimension = optionalEnum(value, path, 'Dimension', [...DIMENSIONS, 'DIMENSION_UNSPECIFIED']);
  if (dimension === undefined || dimension === 'DIMENSION_UNSPECIFIED') {
    throw badRequest('dimension must be ROWS or COLUMNS.');
  }
  return dimension;
}

function appendDimension(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const sheet = sheetWithId(draft, optionalInt(body.sheetId, `${path}.sheetId`) ?? 0, 'grid');
  const dimension = dimensionOf(body.dimension, `${path}.dimension`);
  const length = optionalInt(body.length, `${path}.length`) ?? 0;
  if (length < 1) throw badRequest('length must be greater than 0.');
  growing(draft, () => {
    if (dimension === 'ROWS') sheet.rowCount += length;
    else sheet.columnCount += length;
  });
}

interface DimensionRange {
  sheet: Sheet;
  dimension: Dimension;
  start: number;
  end: number;
  size: number;
}

function dimensionRange(draft: WorkbookDraft, body: JsonObject, path: string): DimensionRange {
  const range = asObject(body.range, `${path}.range`);
  const sheet = sheetWithId(draft, optionalInt(range.sheetId, `${path}.range.sheetId`) ?? 0, 'grid');
  const dimension = dimensionOf(range.dimension, `${path}.range.dimension`);
  const start = optionalInt(range.startIndex, `${path}.range.startIndex`) ?? 0;
  const end = optionalInt(range.endIndex, `${path}.range.endIndex`) ?? 0;
  const size = dimension === 'ROWS' ? sheet.rowCount : sheet.columnCount;
  if (start < 0 || end <= start) throw badRequest('Invalid dimension range: startIndex must be less than endIndex.');
  return { sheet, dimension, start, end, size };
}

function insertDimension(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const { sheet, dimension, start, end, size } = dimensionRange(draft, body, path);
  if (start > size) throw badRequest(`Cannot insert at index ${start}: the sheet has only ${size}.`);
  const count = end - start;
  growing(draft, () => {
    if (dimension === 'ROWS') sheet.rowCount += count;
    else sheet.columnCount += count;
  });
  if (dimension === 'ROWS') {
    if (sheet.rows.length > start) insertGap(draft.rowsOf(sheet), start, count);
    return;
  }
  sheet.rows.forEach((row, r) => {
    if (row.length > start) insertGap(draft.rowOf(sheet, r), start, count);
  });
}

function insertGap(list: Row[] | Row, start: number, count: number): void {
  const tail = list.splice(start);
  list.length = start + count;
  for (const item of tail) list.push(item as never);
}

function deleteDimension(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const { sheet, dimension, start, end, size } = dimensionRange(draft, body, path);
  const noun = dimension === 'ROWS' ? 'rows' : 'columns';
  if (end > size) throw badRequest(`Cannot delete ${noun} ${start}-${end}: the sheet has only ${size}.`);
  if (end - start >= size) throw badRequest(`You can't delete all the ${noun} on the sheet.`);
  const count = end - start;
  const frozenLost = (frozen: number) => Math.max(0, Math.min(end, frozen) - start);
  if (dimension === 'ROWS') {
    sheet.rowCount -= count;
    sheet.frozenRowCount -= frozenLost(sheet.frozenRowCount);
    if (sheet.rows.length > start) draft.rowsOf(sheet).splice(start, count);
    return;
  }
  sheet.columnCount -= count;
  sheet.frozenColumnCount -= frozenLost(sheet.frozenColumnCount);
  sheet.rows.forEach((row, r) => {
    if (row.length > start) draft.rowOf(sheet, r).splice(start, count);
  });
}

function checkFormatTarget(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const filter = body.filter as JsonObject | undefined;
  const range = body.range ?? body.dimensions ?? filter?.range;
  if (range !== undefined) {
    const sheetId = asObject(range, `${path}.range`).sheetId;
    sheetWithId(draft, optionalInt(sheetId, `${path}.range.sheetId`) ?? 0, 'grid');
  } else if (body.sheetId !== undefined) {
    sheetWithId(draft, optionalInt(body.sheetId, `${path}.sheetId`) ?? 0, 'grid');
  }
}
