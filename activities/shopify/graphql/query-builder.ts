/**
 * The GraphQL documents of the paged sync, built from a resource's declaration (resources.ts), each with its
 * requested cost computed by Shopify's method (selection.ts) so that none exceeds 1,000 points.
 */
import type { GraphqlSource } from '../../store/resources';
import { nestedConnections, nodeCost, pageSizeFor, render, type Nested, type Selection } from './selection';

export interface BuiltQuery {
  document: string;
  /** Requested cost as Shopify computes it before running the query. */
  cost: number;
  /** Nodes asked for per page. */
  first: number;
}

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

/**
 * One page of the resource's root connection, newest changes last: `sortKey: UPDATED_AT`, filtered by `$query`
 * (`updated_at:>='…'`). UPDATED_AT in full syncs too: a record changed while the sync pages moves behind the cursor
 * and is read again (stored twice, harmless) instead of being left to the next run.
 */
export function pageQuery(source: GraphqlSource): BuiltQuery {
  const first = pageSizeFor(source.select);
  return {
    first,
    cost: 2 + first * nodeCost(source.select),
    document:
      `query SyncPage($after: String, $query: String) { ${source.connection}(first: ${first}, after: $after, ` +
      `query: $query, sortKey: ${source.incremental.sortKey}) { nodes { ${render(source.select)} } ${PAGE_INFO} } }`,
  };
}

/** The next page of a record's nested connection (`order(id:) { lineItems(after:) }`), as large as the cost allows. */
export function drainQuery(source: GraphqlSource, nested: Extract<Nested, { kind: 'connection' }>): BuiltQuery {
  const first = pageSizeFor(nested.select, 1);
  return {
    first,
    cost: 1 + 2 + first * nodeCost(nested.select),
    document:
      `query DrainNested($id: ID!, $after: String) { ${source.single}(id: $id) { ${nested.field}(first: ${first}, ` +
      `after: $after) { nodes { ${render(nested.select)} } ${PAGE_INFO} } } }`,
  };
}

/** One count of a counts query: the answer's alias, the count field (`ordersCount`) and its variable. */
export interface CountField {
  alias: string;
  source: GraphqlSource;
}

/**
 * Several counts in one request, each under its own alias with its own `$query` variable (`$q0`, `$q1`…): the plan
 * asks every resource's window at once. A count is an object, 1 point each (Shopify's method, as selection.ts
 * computes it); `limit: null` asks for the exact number rather than "at least 10,000".
 */
export function countsQuery(fields: readonly CountField[]): BuiltQuery & { variable: (index: number) => string } {
  const variable = (index: number) => `q${index}`;
  const declarations = fields.map((_, k) => `$${variable(k)}: String`).join(', ');
  const selections = fields
    .map((f, k) => `${f.alias}: ${f.source.count}(query: $${variable(k)}, limit: null) { count precision }`)
    .join(' ');
  return {
    first: 0,
    cost: fields.length,
    variable,
    document: `query SyncCounts(${declarations}) { ${selections} }`,
  };
}

/**
 * Shopify's search syntax for records updated at or after `updatedAtMin` (quoted, as the docs ask); null for all.
 * `search` is the resource's declared incremental search field.
 */
export function updatedSince(updatedAtMin: string | null, search = 'updated_at'): string | null {
  return timeTerm(search, '>=', updatedAtMin);
}

/** A search term comparing a time field with an instant (`updated_at:>'2026-11-30T10:00:00Z'`); null without one. */
export function timeTerm(search: string, operator: '>=' | '>' | '<', instant: string | null): string | null {
  return instant === null ? null : `${search}:${operator}'${searchTime(instant)}'`;
}

/** A time in the search syntax: UTC, whole seconds. */
export function searchTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { nestedConnections, type Selection };
