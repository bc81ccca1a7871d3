import { badRequest } from './api-error';

export interface Formula {
  formula: string;
}
export type StoredCell = string | number | boolean | Formula;
/** A sheet row; holes and undefined are empty cells. Rows are plain arrays to keep 100k × 20 sheets cheap. */
export type Row = Array<StoredCell | undefined>;

export type ValueInputOption = 'RAW' | 'USER_ENTERED';
export type ValueRenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';

/** Returned for a JSON null: the API leaves that cell as it is. */
export const SKIP = Symbol('skip');

const MAX_CELL_CHARS = 50_000;

/** Converts one written value; undefined means the cell becomes empty ('' clears a cell). */
export function toStoredCell(value: unknown, option: ValueInputOption): StoredCell | undefined | typeof SKIP {
  if (value === null) return SKIP;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'string') {
    throw badRequest(`Invalid values: ${JSON.stringify(value)} is not a string, number, boolean or null`);
  }
  if (value.length > MAX_CELL_CHARS) {
    throw badRequest(`Your input contains more than the maximum of ${MAX_CELL_CHARS} characters in a single cell.`);
  }
  if (value === '') return undefined;
  return option === 'RAW' ? value : parseUserEntered(value);
}

/** What typing the text into the Sheets UI would store (numbers, booleans, formulas; dates stay text). */
function parseUserEntered(text: string): StoredCell | undefined {
  if (text.startsWith("'")) return text.length > 1 ? text.slice(1) : undefined;
  if (text.length > 1 && text.startsWith('=')) return { formula: text };
  const trimmed = text.trim();
  if (/^true$/i.test(trimmed)) return true;
  if (/^false$/i.test(trimmed)) return false;
  return parseNumber(trimmed) ?? text;
}

function parseNumber(text: string): number | undefined {
  const match = /^([+-]?)\$?((?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?|\.\d+)(e[+-]?\d+)?(%?)$/i.exec(text);
  if (!match) return undefined;
  const n = Number(`${match[1]}${match[2].replace(/,/g, '')}${match[3] ?? ''}`);
  return match[4] === '%' ? n / 100 : n;
}

export function isFormula(cell: StoredCell | undefined): cell is Formula {
  return typeof cell === 'object';
}

/** The cell as values.get returns it. Formulas are not evaluated: every render option yields their text. */
export function renderCell(cell: StoredCell | undefined, option: ValueRenderOption): string | number | boolean {
  if (cell === undefined) return '';
  if (isFormula(cell)) return cell.formula;
  if (option !== 'FORMATTED_VALUE') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return typeof cell === 'number' ? formatNumber(cell) : cell;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return String(Number(n.toPrecision(15))).replace('e', 'E');
}

/** The API's CellData.userEnteredValue / effectiveValue shape. */
export function extendedValue(cell: StoredCell): Record<string, string | number | boolean> {
  if (isFormula(cell)) return { formulaValue: cell.formula };
  if (typeof cell === 'number') return { numberValue: cell };
  if (typeof cell === 'boolean') return { boolValue: cell };
  return { stringValue: cell };
}
