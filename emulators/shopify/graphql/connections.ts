/**
 * Relay connections as Shopify serves them: `first`/`after` or `last`/`before` (at most 250), `reverse`, opaque
 * base64 cursors holding the last id and sort value. In a bulk operation nested connections return every child.
 */
import { GraphQLError } from 'graphql';
import type { Ordering, Position } from './ordering';

export const MAX_PAGE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  /** A function when computed only if selected (bulk exports rarely select children's cursors). */
  edges: { cursor: string | (() => string); node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

/** The page size asked for, after Shopify's checks; which end the page is taken from. */
export function pageSize(args: ConnectionArgs, field: string): { size: number; fromEnd: boolean } {
  const { first, last } = args;
  if (first == null && last == null) throw badRequest('you must provide one of first or last');
  if (first != null && last != null) throw badRequest('providing both first and last is not supported');
  const size = (first ?? last) as number;
  if (size < 0 || size > MAX_PAGE) {
    const name = first != null ? 'first' : 'last';
    throw badRequest(
      `Argument '${name}' on Field '${field}' has an invalid value (${size}). Expected a page size from 0 to ${MAX_PAGE}.`,
    );
  }
  return { size, fromEnd: last != null };
}

/** Shopify-like cursor: base64 JSON `{"last_id":…,"last_value":…}`. */
export function encodeCursor(position: Position, dateValue: boolean): string {
  const value = dateValue ? new Date(position.value).toISOString().replace('T', ' ').replace('Z', '') : position.value;
  return Buffer.from(JSON.stringify({ last_id: position.id, last_value: value })).toString('base64');
}

export function decodeCursor(cursor: string, dateValue: boolean): Position {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const r = raw as { last_id?: unknown; last_value?: unknown } | undefined;
  if (r && typeof r.last_id === 'number') {
    if (!dateValue && typeof r.last_value === 'number') return { id: r.last_id, value: r.last_value };
    if (dateValue && typeof r.last_value === 'string') {
      const ms = Date.parse(`${r.last_value.replace(' ', 'T')}Z`);
      if (!Number.isNaN(ms)) return { id: r.last_id, value: ms };
    }
  }
  throw badRequest(`Invalid cursor for current pagination sort: ${cursor}`);
}

/** A root connection over the store's records. */
export function orderedConnection<T>(
  ordering: Ordering,
  args: ConnectionArgs,
  field: string,
  build: (index: number) => T,
  bulk?: { after?: Position; size: number },
): Connection<T> & { last?: Position } {
  const dates = ordering.sortKey === 'UPDATED_AT';
  const asc: 1 | -1 = args.reverse ? -1 : 1;
  let indexes: number[];
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (bulk) {
    indexes = ordering.take(bulk.after, asc, bulk.size + 1);
    hasNextPage = indexes.length > bulk.size;
    indexes = indexes.slice(0, bulk.size);
  } else {
    const { size, fromEnd } = pageSize(args, field);
    if (!fromEnd) {
      const after = args.after ? decodeCursor(args.after, dates) : undefined;
      indexes = ordering.take(after, asc, size + 1);
      hasNextPage = indexes.length > size;
      hasPreviousPage = after !== undefined;
      indexes = indexes.slice(0, size);
    } else {
      const before = args.before ? decodeCursor(args.before, dates) : undefined;
      indexes = ordering.take(before, -asc as 1 | -1, size + 1);
      hasPreviousPage = indexes.length > size;
      hasNextPage = before !== undefined;
      indexes = indexes.slice(0, size).reverse();
    }
  }
  const positions = indexes.map((i) => ordering.position(i));
  const cursors = positions.map((p) => encodeCursor(p, dates));
  const edges = indexes.map((i, k) => ({ cursor: cursors[k], node: build(i) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
    last: positions[positions.length - 1],
  };
}

/** A nested connection over a record's children (variants, line items), in their stored order. */
export function listConnection<T extends object>(
  items: T[],
  args: ConnectionArgs,
  field: string,
  bulk: boolean,
): Connection<T> {
  const list = args.reverse ? [...items].reverse() : items;
  const idOf = (k: number) => {
    const id = (list[k] as { id?: unknown }).id;
    return typeof id === 'string' ? Number(id.slice(id.lastIndexOf('/') + 1)) : k;
  };
  // Children keep their order, so the position is the cursor; the id is there to look like Shopify's.
  const cursorOf = (k: number) => encodeCursor({ id: idOf(k), value: k }, false);
  let start = 0;
  let end = list.length;
  if (!bulk) {
    const { size, fromEnd } = pageSize(args, field);
    const at = (cursor: string) => decodeCursor(cursor, false).value;
    if (!fromEnd) {
      if (args.after) start = at(args.after) + 1;
      end = Math.min(list.length, start + size);
    } else {
      if (args.before) end = at(args.before);
      start = Math.max(0, end - size);
    }
  }
  const nodes = list.slice(start, end);
  const edges = nodes.map((node, k) => ({ cursor: bulk ? () => cursorOf(start + k) : cursorOf(start + k), node }));
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: end < list.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? cursorOf(start) : null,
      endCursor: nodes.length ? cursorOf(end - 1) : null,
    },
  };
}
