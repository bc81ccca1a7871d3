import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import {
  ApiError,
  badRequest,
  insufficientScopes,
  internalError,
  methodNotFound,
  notEmulated,
  notFound,
  payloadTooLarge,
  permissionDenied,
  quotaExceeded,
  unavailable,
} from './api-error';
import { JwtVerifier } from './auth';
import { FaultSchedule } from './faults';
import { applyFieldMask, parseFieldMask } from './field-mask';
import { handleRoute } from './handlers';
import type { JsonObject } from './json-input';
import { matchRoute, SPREADSHEETS_PREFIX } from './router';
import type { RequestLogEntry, SheetsEmulator, SheetsEmulatorOptions, SheetsFault } from './types';
import { sheetValues } from './values-api';
import { createWorkbook, findSheetByTitle, valueRowCount, type Sheet, type Workbook } from './workbook';

// The real API documents no hard limit (it recommends 2 MB); Google's front end refuses bodies past 10 MiB.
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface Reply {
  status: number;
  body: unknown;
  fault?: boolean;
}

export function createSheetsEmulator(options: SheetsEmulatorOptions): SheetsEmulator {
  return new SheetsEmulatorServer(options);
}

class SheetsEmulatorServer implements SheetsEmulator {
  readonly requestLog: RequestLogEntry[] = [];
  private readonly server: Server;
  private readonly verifier: JwtVerifier;
  private readonly workbooks = new Map<string, Workbook>();
  private readonly faults: FaultSchedule;
  private readonly snapshots: Array<{ spreadsheetId: string; rows: Record<string, number> }> = [];
  private baseUrl?: string;

  constructor(options: SheetsEmulatorOptions) {
    this.verifier = new JwtVerifier(options.serviceAccounts);
    this.faults = new FaultSchedule(options.faults);
    for (const { id, editors, title } of options.spreadsheets) {
      this.workbooks.set(id, createWorkbook(id, title ?? 'Untitled spreadsheet', editors));
    }
    this.server = createServer((req, res) => this.receive(req, res));
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('The Sheets emulator is not listening; call listen() first');
    return this.baseUrl;
  }

  get history(): Array<Record<string, number>> {
    return this.snapshots.map((s) => s.rows);
  }

  historyOf(spreadsheetId: string): Array<Record<string, number>> {
    return this.snapshots.filter((s) => s.spreadsheetId === spreadsheetId).map((s) => s.rows);
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.baseUrl = `http://${hostText}:${address.port}/`;
        resolve(this.baseUrl);
      });
    });
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // Clients keep connections alive; without this close() waits for them to time out.
      this.server.closeAllConnections();
    });
  }

  setFaults(faults: SheetsFault[]): void {
    this.faults.set(faults);
  }

  sheetTitles(spreadsheetId: string): string[] {
    return this.workbook(spreadsheetId).sheets.map((s) => s.title);
  }

  values(spreadsheetId: string, sheetTitle: string): unknown[][] {
    return sheetValues(this.sheet(spreadsheetId, sheetTitle));
  }

  grid(spreadsheetId: string, sheetTitle: string): { rowCount: number; columnCount: number } {
    const { rowCount, columnCount } = this.sheet(spreadsheetId, sheetTitle);
    return { rowCount, columnCount };
  }

  private workbook(spreadsheetId: string): Workbook {
    const workbook = this.workbooks.get(spreadsheetId);
    if (!workbook) throw new Error(`The Sheets emulator has no spreadsheet ${spreadsheetId}`);
    return workbook;
  }

  private sheet(spreadsheetId: string, title: string): Sheet {
    const sheet = findSheetByTitle(this.workbook(spreadsheetId).sheets, title);
    if (!sheet) throw new Error(`Spreadsheet ${spreadsheetId} has no sheet "${title}"`);
    return sheet;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const method = req.method ?? 'GET';
      const path = safeDecode(url.pathname);
      const body = size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
      const reply = this.reply(method, url, path, req.headers.authorization, body);
      this.requestLog.push({
        seq: this.requestLog.length + 1,
        method,
        path,
        status: reply.status,
        bytes: size,
        ...(reply.fault ? { fault: true } : {}),
      });
      send(res, reply, url.searchParams);
    });
  }

  private reply(method: string, url: URL, path: string, auth: string | undefined, body: Buffer | undefined): Reply {
    const fault = this.faults.next(method, path);
    if (fault) return { ...errorReply(faultError(fault, method)), fault: true };
    try {
      if (!body) throw payloadTooLarge(MAX_BODY_BYTES);
      return { status: 200, body: selectFields(this.dispatch(method, url, auth, body), url.searchParams) };
    } catch (error) {
      if (error instanceof ApiError) return errorReply(error);
      console.error('Sheets emulator bug:', error);
      return errorReply(internalError());
    }
  }

  private dispatch(method: string, url: URL, auth: string | undefined, rawBody: Buffer): unknown {
    const route = matchRoute(method, url.pathname);
    if (!route && url.pathname.startsWith(SPREADSHEETS_PREFIX))
      throw notEmulated(`${method} ${safeDecode(url.pathname)}`);
    if (!route) throw methodNotFound();
    const caller = this.verifier.verify(auth);
    const workbook = this.workbooks.get(route.spreadsheetId);
    if (!workbook) throw notFound();
    if (!workbook.editors.has(caller.email)) throw permissionDenied();
    const writing = method !== 'GET';
    if (writing ? !caller.canWrite : !caller.canRead) throw insufficientScopes();

    const result = handleRoute(workbook, route, url.searchParams, writing ? parseBody(rawBody) : {});
    if (result.changed) {
      workbook.sheets = result.changed.sheets;
      const rows = Object.fromEntries(workbook.sheets.map((s) => [s.title, valueRowCount(s)]));
      this.snapshots.push({ spreadsheetId: workbook.id, rows });
    }
    return result.body;
  }
}

function parseBody(raw: Buffer): JsonObject {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON payload received. Unexpected token.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('Invalid JSON payload received. Expected an object.');
  }
  return value as JsonObject;
}

function faultError(fault: SheetsFault, method: string): ApiError {
  switch (fault.status) {
    case 429:
      return quotaExceeded(method === 'GET' ? 'Read' : 'Write');
    case 500:
      return internalError();
    case 503:
      return unavailable();
    case 403:
      return permissionDenied();
  }
}

function errorReply(error: ApiError): Reply {
  return { status: error.code, body: error.toBody() };
}

function send(res: ServerResponse, reply: Reply, query: URLSearchParams): void {
  // Like Google, pretty-print unless the caller asks for prettyPrint=false.
  const indent = query.get('prettyPrint') === 'false' ? undefined : 2;
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
  if (reply.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="https://accounts.google.com/"';
  res.writeHead(reply.status, headers);
  res.end(JSON.stringify(reply.body, null, indent));
}

/** Applies the `fields` query parameter (partial response) to a successful response. */
function selectFields(body: unknown, query: URLSearchParams): unknown {
  const fields = query.get('fields');
  if (!fields) return body;
  const mask = parseFieldMask(fields);
  if (!mask) throw badRequest(`Invalid field selection ${fields}`);
  return applyFieldMask(body, mask);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
