import type { ResourceData } from './dataset';
import type { Meta } from './generator';
import { encodePageInfo } from './page-info';
import { parseFilter, parseListParams } from './params';
import { restView } from './products';
import { Query, readPage } from './query';
import type { ResourceName } from './types';

/** Type-erased dataset: the API only needs ids and JSON-able records. */
export type AnyData = ResourceData<{ id: number }, Meta>;

export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Records in the body, for list responses. */
  returned?: number;
}

export interface ApiRequest {
  resource: ResourceName;
  version: string;
  kind: 'list' | 'count';
  query: URLSearchParams;
  /** Scheme and host the client used, for Link headers. */
  base: string;
}

/** The JSON API proper: list and count with Shopify's filters and cursor pagination. */
export function answer(data: AnyData, req: ApiRequest, shopOffset: string): ApiResponse {
  if (req.kind === 'count') {
    const filter = parseFilter(req.query, req.resource, shopOffset);
    if (!filter.ok) return { status: 400, body: filter.body, headers: {} };
    return { status: 200, body: { count: new Query(data, filter.value).count() }, headers: {} };
  }
  const parsed = parseListParams(req.query, req.resource, shopOffset);
  if (!parsed.ok) return { status: 400, body: parsed.body, headers: {} };
  const { filter, limit, fields, cursor } = parsed.value;
  let position: { direction: 'next' | 'previous'; index: number } | undefined;
  if (cursor) {
    const index = data.positionOfId(cursor.lastId);
    if (index === undefined) return { status: 400, body: { errors: { page_info: 'Invalid value.' } }, headers: {} };
    position = { direction: cursor.direction, index };
  }
  const page = readPage(new Query(data, filter), position, limit);
  const records = page.indexes.map((i) => project(restView(data.recordAt(i)), fields));
  const headers: Record<string, string> = {};
  const links: string[] = [];
  const link = (direction: 'next' | 'previous', lastId: number) => {
    const token = encodePageInfo({ resource: req.resource, direction, lastId, filter });
    const fieldsParam = fields ? `&fields=${encodeURIComponent(fields.join(','))}` : '';
    const url = `${req.base}/admin/api/${req.version}/${req.resource}.json?limit=${limit}${fieldsParam}&page_info=${token}`;
    return `<${url}>; rel="${direction}"`;
  };
  if (page.indexes.length) {
    if (page.hasPrevious) links.push(link('previous', data.idAt(page.indexes[0])));
    if (page.hasNext) links.push(link('next', data.idAt(page.indexes[page.indexes.length - 1])));
  }
  if (links.length) headers.Link = links.join(', ');
  return { status: 200, body: { [req.resource]: records }, headers, returned: records.length };
}

/** `fields`: keep only the named top-level keys, in the record's own key order. */
function project(record: object, fields: string[] | undefined): object {
  if (!fields) return record;
  const wanted = new Set(fields);
  return Object.fromEntries(Object.entries(record).filter(([key]) => wanted.has(key)));
}
