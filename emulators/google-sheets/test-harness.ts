import { createSheetsEmulator } from './emulator';
import { generateServiceAccountKeys, signServiceAccountJwt, type JwtOverrides } from './jwt';
import type { SheetsEmulator, SheetsEmulatorOptions } from './types';

export const EDITOR = 'pusher@project.iam.gserviceaccount.com';
export const OUTSIDER = 'other@project.iam.gserviceaccount.com';
export const SPREADSHEET_ID = 'sheet-abc';

// RSA key generation is slow enough to do once per test file.
export const editorKeys = generateServiceAccountKeys();
export const outsiderKeys = generateServiceAccountKeys();

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON responses, asserted on in tests
}

export interface Harness {
  emulator: SheetsEmulator;
  base: string;
  /** A request signed as EDITOR unless `token` is given (null: no Authorization header). */
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiResponse>;
  token(overrides?: JwtOverrides, email?: string): string;
}

export async function startEmulator(options: Partial<SheetsEmulatorOptions> = {}): Promise<Harness> {
  const emulator = createSheetsEmulator({
    serviceAccounts: { [EDITOR]: editorKeys.publicKey, [OUTSIDER]: outsiderKeys.publicKey },
    spreadsheets: [{ id: SPREADSHEET_ID, editors: [EDITOR], title: 'Shop export' }],
    ...options,
  });
  const base = await emulator.listen();
  const token = (overrides: JwtOverrides = {}, email = EDITOR) =>
    signServiceAccountJwt(
      email === EDITOR ? editorKeys.privateKey : outsiderKeys.privateKey,
      email,
      undefined,
      overrides,
    );
  const call = async (method: string, path: string, body?: unknown, auth: string | null = token()) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (auth !== null) headers.Authorization = `Bearer ${auth}`;
    const res = await fetch(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return { emulator, base, call, token };
}

/** The path of a values endpoint for a range, encoded like the googleapis client does. */
export function valuesPath(range: string, suffix = '', query = ''): string {
  return `v4/spreadsheets/${SPREADSHEET_ID}/values/${encodeURIComponent(range)}${suffix}${query}`;
}

export const SPREADSHEET_PATH = `v4/spreadsheets/${SPREADSHEET_ID}`;
