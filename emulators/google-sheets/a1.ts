/** A single-cell anchor such as `'Orders (updating)'!A1017`: where values.update starts writing. 0-based. */
export interface Anchor {
  sheetName: string;
  row: number;
  col: number;
}

const MAX_ROW = 10_000_000;

/** Parses `Sheet!B3` or `'It''s'!B3`; undefined when the text is not such an anchor. */
export function parseAnchor(text: string): Anchor | undefined {
  const bang = text.lastIndexOf('!');
  if (bang <= 0) return undefined;
  const sheetName = unquote(text.slice(0, bang));
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(text.slice(bang + 1));
  if (sheetName === undefined || !match) return undefined;
  const row = Number(match[2]);
  if (row < 1 || row > MAX_ROW) return undefined;
  return { sheetName, row: row - 1, col: columnIndex(match[1]) };
}

function unquote(name: string): string | undefined {
  if (!name.startsWith("'")) return name;
  const inner = name.slice(1, -1);
  if (name.length < 3 || !name.endsWith("'") || inner.replace(/''/g, '').includes("'")) return undefined;
  return inner.replace(/''/g, "'");
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
