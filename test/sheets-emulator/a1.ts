/** A rectangle of cells, 0-based; an undefined end runs to the edge of the grid. Ends are exclusive. */
export interface CellArea {
  startRow: number;
  startCol: number;
  endRow?: number;
  endCol?: number;
}

export interface A1Reference {
  sheetName?: string;
  /** Undefined: the whole sheet. */
  cells?: CellArea;
  /** A lone cell ('Sheet!B3'): an anchor that writes may run past, unlike an explicit 'B3:B3'. */
  single: boolean;
  /** Unquoted text without '!': either a sheet's name or cells on the first sheet. */
  ambiguous: boolean;
}

const MAX_COLUMN_LETTERS = 3;
const MAX_ROW = 10_000_000;

/** Parses 'Sheet'!A1:B2 notation; undefined when the text is not a range. */
export function parseA1(text: string): A1Reference | undefined {
  if (text === '') return undefined;
  if (text.startsWith("'")) return parseQuoted(text);
  const bang = text.lastIndexOf('!');
  if (bang < 0) return { sheetName: text, cells: parseCells(text), single: !text.includes(':'), ambiguous: true };
  const sheetName = text.slice(0, bang);
  const cells = parseCells(text.slice(bang + 1));
  if (sheetName === '' || !cells) return undefined;
  return { sheetName, cells, single: !text.slice(bang + 1).includes(':'), ambiguous: false };
}

function parseQuoted(text: string): A1Reference | undefined {
  let name = '';
  let i = 1;
  for (;;) {
    if (i >= text.length) return undefined;
    if (text[i] === "'") {
      if (text[i + 1] !== "'") break;
      i += 1;
    }
    name += text[i];
    i += 1;
  }
  const rest = text.slice(i + 1);
  if (name === '') return undefined;
  if (rest === '') return { sheetName: name, single: false, ambiguous: false };
  if (!rest.startsWith('!')) return undefined;
  const cells = parseCells(rest.slice(1));
  return cells ? { sheetName: name, cells, single: !rest.includes(':'), ambiguous: false } : undefined;
}

interface CellRef {
  col?: number;
  row?: number;
}

function parseRef(text: string): CellRef | undefined {
  const match = /^\$?([A-Za-z]*)\$?(\d*)$/.exec(text);
  if (!match || (match[1] === '' && match[2] === '') || match[1].length > MAX_COLUMN_LETTERS) return undefined;
  const row = match[2] === '' ? undefined : Number(match[2]);
  if (row !== undefined && (row < 1 || row > MAX_ROW)) return undefined;
  return { col: match[1] === '' ? undefined : columnIndex(match[1]), row: row === undefined ? undefined : row - 1 };
}

function parseCells(text: string): CellArea | undefined {
  const parts = text.split(':');
  if (parts.length === 1) {
    const ref = parseRef(parts[0]);
    if (ref?.col === undefined || ref.row === undefined) return undefined;
    return { startRow: ref.row, startCol: ref.col, endRow: ref.row + 1, endCol: ref.col + 1 };
  }
  if (parts.length !== 2) return undefined;
  const from = parseRef(parts[0]);
  const to = parseRef(parts[1]);
  if (!from || !to) return undefined;
  // 'A:B' has no rows and '1:2' no columns; 'A2:B' runs down to the bottom of the grid.
  if ((from.col === undefined) !== (to.col === undefined) && from.row === undefined) return undefined;
  if ((from.row === undefined) !== (to.row === undefined) && from.col === undefined) return undefined;
  const [startRow, endRow] = span(from.row, to.row);
  const [startCol, endCol] = span(from.col, to.col);
  return { startRow, startCol, endRow, endCol };
}

function span(a: number | undefined, b: number | undefined): [number, number | undefined] {
  if (a === undefined && b === undefined) return [0, undefined];
  if (a === undefined || b === undefined) return [a ?? 0, b === undefined ? undefined : b + 1];
  return [Math.min(a, b), Math.max(a, b) + 1];
}

/** 'A' → 0, 'Z' → 25, 'AA' → 26 (case-insensitive). */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** 0 → 'A', 26 → 'AA'. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** Quotes a sheet name the way the API echoes it back: only when it could not be read unquoted. */
export function quoteSheetName(title: string): string {
  const plain =
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title) && !/^[Rr]\d*[Cc]\d*$/.test(title);
  return plain ? title : `'${title.replace(/'/g, "''")}'`;
}

export function cellName(row: number, col: number): string {
  return `${columnLetters(col)}${row + 1}`;
}

/** 'Title'!A1 or 'Title'!A1:B2 for a closed rectangle (inclusive last row/column). */
export function formatBox(title: string, startRow: number, startCol: number, lastRow: number, lastCol: number): string {
  const start = cellName(startRow, startCol);
  const end = cellName(lastRow, lastCol);
  return `${quoteSheetName(title)}!${start === end ? start : `${start}:${end}`}`;
}

/** A possibly open-ended area as the API prints it, e.g. Sheet1!AT2:AT or Sheet1!A:B. */
export function formatArea(title: string, area: CellArea, single: boolean): string {
  const start = refText(area.startRow, area.startCol, area.endRow, area.endCol);
  if (single) return `${quoteSheetName(title)}!${start}`;
  const endRow = area.endRow === undefined ? '' : String(area.endRow);
  const endCol = area.endCol === undefined ? '' : columnLetters(area.endCol - 1);
  return `${quoteSheetName(title)}!${start}:${endCol}${endRow}`;
}

function refText(row: number, col: number, endRow: number | undefined, endCol: number | undefined): string {
  // Whole columns ('A:B') print without a start row, whole rows ('1:2') without a start column.
  const rowText = endRow === undefined && row === 0 && endCol !== undefined ? '' : String(row + 1);
  const colText = endCol === undefined && col === 0 && endRow !== undefined ? '' : columnLetters(col);
  return `${colText}${rowText}`;
}
