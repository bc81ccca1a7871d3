export type RouteKind = 'getSpreadsheet' | 'batchUpdate' | 'valuesUpdate';

export interface Route {
  kind: RouteKind;
  spreadsheetId: string;
  /** The decoded A1 range of values.update. */
  range?: string;
}

export const SPREADSHEETS_PREFIX = '/v4/spreadsheets/';

/**
 * Maps a raw (still URL-encoded) path to one of the Sheets v4 methods the emulator implements; undefined for any
 * other method, real or not.
 */
export function matchRoute(method: string, rawPath: string): Route | undefined {
  if (!rawPath.startsWith(SPREADSHEETS_PREFIX)) return undefined;
  const rest = rawPath.slice(SPREADSHEETS_PREFIX.length);
  const idEnd = rest.search(/[/:]/);
  const spreadsheetId = decode(idEnd < 0 ? rest : rest.slice(0, idEnd));
  const tail = idEnd < 0 ? '' : rest.slice(idEnd);
  if (!spreadsheetId) return undefined;
  if (method === 'GET' && tail === '') return { kind: 'getSpreadsheet', spreadsheetId };
  if (method === 'POST' && tail === ':batchUpdate') return { kind: 'batchUpdate', spreadsheetId };
  if (method !== 'PUT' || !tail.startsWith('/values/')) return undefined;
  const range = decode(tail.slice('/values/'.length));
  return range ? { kind: 'valuesUpdate', spreadsheetId, range } : undefined;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
