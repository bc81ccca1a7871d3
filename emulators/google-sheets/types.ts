import type { KeyObject } from 'crypto';

export interface SheetsEmulatorOptions {
  /** PEM public keys (or KeyObjects) of service accounts allowed in; keyed by client_email (the JWT's iss/sub). */
  serviceAccounts: Record<string, string | KeyObject>;
  /**
   * Spreadsheets that exist, with who may edit them (client_email list); created empty with one sheet 'Sheet1'
   * (1000 rows × 26 cols, the real default grid).
   */
  spreadsheets: Array<{ id: string; editors: string[]; title?: string }>;
  faults?: SheetsFault[];
}

/**
 * A canned failure. Counts requests matching `method`/`pathIncludes` (1-based) and fails either the `nth` one
 * (and `times - 1` after it, `times` defaulting to 1), or every one from the `from`th on (default 1), at most
 * `times` times (default unlimited).
 */
export interface SheetsFault {
  status: 429 | 500 | 503 | 403;
  method?: string;
  /** Matched against the URL-decoded path, e.g. ':batchUpdate' or "values/'Orders'". */
  pathIncludes?: string;
  nth?: number;
  times?: number;
  from?: number;
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** URL-decoded path without the query string. */
  path: string;
  status: number;
  /** Size of the request body. */
  bytes: number;
  fault?: boolean;
}

export interface SheetsEmulator {
  /** Resolves to the base URL, e.g. 'http://127.0.0.1:PORT/' (trailing slash, ready for `rootUrl`). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
  readonly requestLog: RequestLogEntry[];
  setFaults(faults: SheetsFault[]): void;
  /** The sheet titles in order. */
  sheetTitles(spreadsheetId: string): string[];
  /** Stored cell values, trailing empties trimmed like values.get. */
  values(spreadsheetId: string, sheetTitle: string): unknown[][];
  grid(spreadsheetId: string, sheetTitle: string): { rowCount: number; columnCount: number };
  /**
   * After each successful mutating request, the mutated spreadsheet's {title → row count of values}: every state a
   * reader could have observed between requests.
   */
  readonly history: Array<Record<string, number>>;
  /** `history` restricted to one spreadsheet. */
  historyOf(spreadsheetId: string): Array<Record<string, number>>;
}
