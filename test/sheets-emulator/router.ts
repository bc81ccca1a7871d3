export type RouteKind =
  | 'getSpreadsheet'
  | 'batchUpdate'
  | 'valuesGet'
  | 'valuesUpdate'
  | 'valuesClear'
  | 'valuesAppend'
  | 'valuesBatchGet'
  | 'valuesBatchUpdate'
  | 'valuesBatchClear';

export interface Route {
  kind: RouteKind;
  spreadsheetId: string;
  /** The decoded A1 range, for the routes with one in the path. */
  range?: string;
}

const PREFIX = '/v4/spreadsheets/';

const COLLECTION_ROUTES: Record<string, { method: string; kind: RouteKind }> = {
  '': { method: 'GET', kind: 'getSpreadsheet' },
  ':batchUpdate': { method: 'POST', kind: 'batchUpdate' },
  '/values:batchGet': { method: 'GET', kind: 'valuesBatchGet' },
  '/values:batchUpdate': { method: 'POST', kind: 'valuesBatchUpdate' },
  '/values:batchClear': { method: 'POST', kind: 'valuesBatchClear' },
};

const RANGE_ROUTES: Array<{ method: string; suffix: string; kind: RouteKind }> = [
  { method: 'POST', suffix: ':clear', kind: 'valuesClear' },
  { method: 'POST', suffix: ':append', kind: 'valuesAppend' },
  { method: 'GET', suffix: '', kind: 'valuesGet' },
  { method: 'PUT', suffix: '', kind: 'valuesUpdate' },
];

/** Maps a raw (still URL-encoded) path to a Sheets v4 method; undefined when it is not one the emulator knows. */
export function matchRoute(method: string, rawPath: string): Route | undefined {
  if (!rawPath.startsWith(PREFIX)) return undefined;
  const rest = rawPath.slice(PREFIX.length);
  const idEnd = rest.search(/[/:]/);
  const spreadsheetId = decode(idEnd < 0 ? rest : rest.slice(0, idEnd));
  const tail = idEnd < 0 ? '' : rest.slice(idEnd);
  if (!spreadsheetId) return undefined;

  const collection = COLLECTION_ROUTES[tail];
  if (collection) return collection.method === method ? { kind: collection.kind, spreadsheetId } : undefined;

  if (!tail.startsWith('/values/')) return undefined;
  const encodedRange = tail.slice('/values/'.length);
  // Match on the encoded text: a range's own ':' (A1:B2) is usually sent as %3A, but may come raw.
  const route = RANGE_ROUTES.find((r) => r.method === method && (r.suffix === '' || encodedRange.endsWith(r.suffix)));
  if (!route) return undefined;
  const range = decode(encodedRange.slice(0, encodedRange.length - route.suffix.length));
  return range === undefined || range === '' ? undefined : { kind: route.kind, spreadsheetId, range };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
