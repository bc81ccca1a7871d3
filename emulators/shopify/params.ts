import { decodePageInfo, type Cursor } from './page-info';
import type { Filter, OrderStatus } from './query';
import { parseInstant } from './time';
import type { ResourceName } from './types';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;

export type Parsed<T> = { ok: true; value: T } | { ok: false; body: unknown };

export interface ListParams {
  filter: Filter;
  limit: number;
  fields?: string[];
  cursor?: Cursor;
}

/** Only these may accompany page_info; anything else is a 400, as on Shopify. */
const PAGE_INFO_COMPANIONS = new Set(['page_info', 'limit', 'fields']);
const STATUSES: readonly string[] = ['open', 'closed', 'cancelled', 'any'];

export function parseListParams(
  query: URLSearchParams,
  resource: ResourceName,
  shopOffset: string,
): Parsed<ListParams> {
  const limitRaw = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== null) {
    if (!/^\d+$/.test(limitRaw.trim()) || Number(limitRaw) < 1) {
      return { ok: false, body: { errors: { limit: `must be between 1 and ${MAX_LIMIT}` } } };
    }
    limit = Math.min(MAX_LIMIT, Number(limitRaw));
  }
  const fieldsRaw = query.get('fields');
  const fields = fieldsRaw
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);

  const pageInfo = query.get('page_info');
  if (pageInfo !== null) {
    for (const key of query.keys()) {
      if (!PAGE_INFO_COMPANIONS.has(key)) {
        return { ok: false, body: { errors: `${key} cannot be passed when page_info is present.` } };
      }
    }
    const cursor = decodePageInfo(pageInfo, resource);
    if (!cursor) return { ok: false, body: { errors: { page_info: 'Invalid value.' } } };
    return { ok: true, value: { filter: cursor.filter, limit, fields, cursor } };
  }
  const filter = parseFilter(query, resource, shopOffset);
  return filter.ok ? { ok: true, value: { filter: filter.value, limit, fields } } : filter;
}

/**
 * Unparseable dates and ids are ignored, as Shopify ignores them (a classic way for a connector to
 * silently re-download everything); an unknown order status is rejected.
 */
export function parseFilter(query: URLSearchParams, resource: ResourceName, shopOffset: string): Parsed<Filter> {
  const filter: Filter = {};
  const instant = (key: string) => {
    const v = query.get(key);
    return v === null ? undefined : parseInstant(v, shopOffset);
  };
  filter.updatedMin = instant('updated_at_min');
  filter.updatedMax = instant('updated_at_max');
  filter.createdMin = instant('created_at_min');
  filter.createdMax = instant('created_at_max');
  const sinceId = query.get('since_id');
  if (sinceId !== null && /^\d+$/.test(sinceId.trim())) filter.sinceId = Number(sinceId);
  const ids = query.get('ids');
  if (ids !== null && ids.trim() !== '') {
    filter.ids = ids
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^\d+$/.test(s))
      .map(Number);
  }
  if (resource === 'orders') {
    const status = query.get('status') ?? 'open';
    if (!STATUSES.includes(status)) return { ok: false, body: { errors: { status: ['is not included in the list'] } } };
    filter.status = status as OrderStatus;
  }
  for (const key of Object.keys(filter) as (keyof Filter)[]) if (filter[key] === undefined) delete filter[key];
  return { ok: true, value: filter };
}
