import { badRequest } from './api-error';

/** RAW input stores strings as strings, so a cell is never a formula. */
export type StoredCell = string | number | boolean;
/** A sheet row; holes and undefined are empty cells. Rows are plain arrays to keep 100k × 20 sheets cheap. */
export type Row = Array<StoredCell | undefined>;

/** Returned for a JSON null: the API leaves that cell as it is. */
export const SKIP = Symbol('skip');

const MAX_CELL_CHARS = 50_000;

/** Converts one value written with valueInputOption RAW; undefined means the cell becomes empty ('' clears it). */
export function toStoredCell(value: unknown): StoredCell | undefined | typeof SKIP {
  if (value === null) return SKIP;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'string') {
    throw badRequest(`Invalid values: ${JSON.stringify(value)} is not a string, number, boolean or null`);
  }
  if (value.length > MAX_CELL_CHARS) {
    throw badRequest(`Your input contains more than the maximum of ${MAX_CELL_CHARS} characters in a single cell.`);
  }
  return value === '' ? undefined : value;
}
