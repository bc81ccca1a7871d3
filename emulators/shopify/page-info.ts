import type { Filter, OrderStatus } from './query';
import type { ResourceName } from './types';

/** What a page_info token carries: the filters, the cursor id and the direction. */
export interface Cursor {
  resource: ResourceName;
  direction: 'next' | 'previous';
  lastId: number;
  filter: Filter;
}

export function encodePageInfo(cursor: Cursor): string {
  const f = cursor.filter;
  const payload = {
    direction: cursor.direction,
    last_id: cursor.lastId,
    resource: cursor.resource,
    filters: {
      updated_at_min: f.updatedMin,
      updated_at_max: f.updatedMax,
      created_at_min: f.createdMin,
      created_at_max: f.createdMax,
      since_id: f.sinceId,
      ids: f.ids,
      status: f.status,
    },
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

const STATUSES: readonly string[] = ['open', 'closed', 'cancelled', 'any'];

/** Undefined when the token is not one we issued for this resource. */
export function decodePageInfo(token: string, resource: ResourceName): Cursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(raw) || !isObject(raw.filters)) return undefined;
  const { direction, last_id: lastId, resource: tokenResource, filters: f } = raw;
  if (tokenResource !== resource || (direction !== 'next' && direction !== 'previous')) return undefined;
  if (!Number.isSafeInteger(lastId)) return undefined;
  const filter: Filter = {};
  for (const [key, prop] of [
    ['updated_at_min', 'updatedMin'],
    ['updated_at_max', 'updatedMax'],
    ['created_at_min', 'createdMin'],
    ['created_at_max', 'createdMax'],
    ['since_id', 'sinceId'],
  ] as const) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    filter[prop] = v;
  }
  if (f.ids !== undefined) {
    if (!Array.isArray(f.ids) || !f.ids.every((id) => Number.isSafeInteger(id))) return undefined;
    filter.ids = f.ids as number[];
  }
  if (f.status !== undefined) {
    if (typeof f.status !== 'string' || !STATUSES.includes(f.status)) return undefined;
    filter.status = f.status as OrderStatus;
  }
  return { resource, direction, lastId: lastId as number, filter };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
