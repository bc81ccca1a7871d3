import { randomInt } from 'crypto';
import { ApiError, badRequest, notEmulated } from './api-error';
import { fieldPaths, parseFieldMask } from './field-mask';
import { asObject, isPayloadError, optionalInt, optionalObject, optionalString, type JsonObject } from './json-input';
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

/** The request kinds the push sends; every other kind (real or not) is answered as not emulated. */
const HANDLERS: Record<string, Handler> = { addSheet, deleteSheet, updateSheetProperties };

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
  if (!handler) throw notEmulated(`The batchUpdate request ${path}.${kind}`);
  try {
    return handler(draft, asObject((request as JsonObject)[kind], `${path}.${kind}`), `${path}.${kind}`) ?? {};
  } catch (error) {
    // The real API names the failing sub-request; a not-emulated answer names it itself.
    if (error instanceof ApiError && error.code === 400 && !isPayloadError(error)) {
      throw error.prefixed(`Invalid ${path}.${kind}: `);
    }
    throw error;
  }
}

function sheetWithId(draft: WorkbookDraft, id: number, noun: 'grid' | 'sheet'): Sheet {
  const sheet = draft.sheets.find((s) => s.sheetId === id);
  if (!sheet) throw badRequest(`No ${noun} with id: ${id}`);
  return sheet;
}

/** Refuses fields the emulator does not implement, so that they are never silently ignored. */
function refuseOtherFields(value: JsonObject, allowed: readonly string[], path: string, prefix = ''): void {
  for (const [key, sub] of Object.entries(value)) {
    const field = `${prefix}${key}`;
    if (allowed.includes(field)) continue;
    if (sub !== null && typeof sub === 'object' && allowed.some((f) => f.startsWith(`${field}.`))) {
      refuseOtherFields(sub as JsonObject, allowed, path, `${field}.`);
      continue;
    }
    throw notEmulated(`${path}.${field}`);
  }
}

const ADD_SHEET_FIELDS = ['title', 'gridProperties.rowCount', 'gridProperties.columnCount'];

function addSheet(draft: WorkbookDraft, body: JsonObject, path: string): JsonObject {
  const props = optionalObject(body.properties, `${path}.properties`) ?? {};
  refuseOtherFields(props, ADD_SHEET_FIELDS, `${path}.properties`);
  const grid = optionalObject(props.gridProperties, `${path}.properties.gridProperties`) ?? {};
  // proto3: an empty title or a zero size means "not set", so the defaults apply.
  const title = optionalString(props.title, `${path}.properties.title`) || defaultTitle(draft.sheets);
  if (findSheetByTitle(draft.sheets, title)) {
    throw badRequest(`A sheet with the name "${title}" already exists. Please enter another name.`);
  }
  const sheet: Sheet = {
    sheetId: newSheetId(draft.sheets),
    title,
    rowCount: optionalInt(grid.rowCount, `${path}.properties.gridProperties.rowCount`) || DEFAULT_ROW_COUNT,
    columnCount: optionalInt(grid.columnCount, `${path}.properties.gridProperties.columnCount`) || DEFAULT_COLUMN_COUNT,
    rows: [],
  };
  if (sheet.rowCount < 1 || sheet.columnCount < 1) throw badRequest('A sheet needs at least one row and one column.');
  draft.sheets.push(sheet);
  if (totalCells(draft.sheets) > CELL_LIMIT) throw badRequest(CELL_LIMIT_MESSAGE);
  draft.replaceRows(sheet, []);
  return { addSheet: { properties: sheetProperties(sheet, draft.sheets.length - 1) } };
}

function defaultTitle(sheets: readonly Sheet[]): string {
  for (let n = sheets.length + 1; ; n += 1) if (!findSheetByTitle(sheets, `Sheet${n}`)) return `Sheet${n}`;
}

/** Sheet IDs of added sheets are random, as they are in the real API. */
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

const UPDATABLE_FIELDS = ['title', 'index'];

function updateSheetProperties(draft: WorkbookDraft, body: JsonObject, path: string): void {
  const props = optionalObject(body.properties, `${path}.properties`) ?? {};
  const sheet = sheetWithId(draft, optionalInt(props.sheetId, `${path}.properties.sheetId`) ?? 0, 'grid');
  const fields = optionalString(body.fields, `${path}.fields`) ?? '';
  const tree = fields === '' ? undefined : parseFieldMask(fields);
  if (!tree) throw badRequest(`Invalid field mask: '${fields}'. At least one field must be specified.`);
  const selected = fieldPaths(tree);
  const other = selected.find((field) => !UPDATABLE_FIELDS.includes(field));
  if (other) throw notEmulated(`Updating the sheet property '${other}' (${path}.fields)`);
  // A selected field missing from `properties` is set to its default (FieldMask semantics): '' or 0.
  if (selected.includes('title')) renameSheet(draft, sheet, optionalString(props.title, `${path}.properties.title`));
  if (selected.includes('index')) moveSheet(draft, sheet, optionalInt(props.index, `${path}.properties.index`) ?? 0);
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
