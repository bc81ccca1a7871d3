/**
 * A resource's bulk query, built from the same declaration (resources.ts) as its paged query: the same fields, nested
 * connections without paging arguments (a bulk operation reads them whole), and the `updated_at` window as the root
 * connection's `query:` filter. Plus what the ingest needs to put the JSONL lines back into the paged records' shape.
 */
import type { ChildFields, BulkRecord } from '../../store/bulk-ingest';
import type { GraphqlSource } from '../../store/resources';
import { nestedConnections, type Selection } from './selection';
import { searchTime, updatedSince } from './query-builder';

function updatedBefore(updatedAtMax: string | null, search: string): string | null {
  if (updatedAtMax === null) return null;
  return `${search}:<'${searchTime(updatedAtMax)}'`;
}

/**
 * The node types a nested connection's lines can have, by connection field. A line with an id is typed by its GID;
 * one without (a discount application) by its `__typename`, which the bulk query then selects. Shopify's
 * DiscountApplication interface has these four implementations (admin-graphql DiscountApplication, "Implemented by").
 */
const CONNECTION_NODE_TYPES: Record<string, { types: string[]; hasId: boolean }> = {
  variants: { types: ['ProductVariant'], hasId: true },
  lineItems: { types: ['LineItem'], hasId: true },
  discountApplications: {
    types: [
      'AutomaticDiscountApplication',
      'DiscountCodeApplication',
      'ManualDiscountApplication',
      'ScriptDiscountApplication',
    ],
    hasId: false,
  },
};

function nodeTypesOf(field: string): { types: string[]; hasId: boolean } {
  const known = CONNECTION_NODE_TYPES[field];
  if (!known) {
    throw new Error(
      `The nested connection "${field}" has no node types in CONNECTION_NODE_TYPES (bulk-query.ts): add the GraphQL ` +
        `type(s) of its nodes there, so bulk results can attach its lines to their parents.`,
    );
  }
  return known;
}

/** `product` → `Product`: the root record's GraphQL type, which its GIDs carry. */
const rootType = (source: GraphqlSource) => source.single.charAt(0).toUpperCase() + source.single.slice(1);

/** The selection in bulk form: connections as `field { edges { node { … } } }`, no `first`, no `pageInfo`. */
export function renderBulk(select: Selection): string {
  return select
    .map((field) => {
      if (typeof field === 'string') return field;
      switch (field.kind) {
        case 'object':
          return `${field.field} { ${renderBulk(field.select)} }`;
        case 'list':
          return `${field.field}${field.first ? `(first: ${field.first})` : ''} { ${renderBulk(field.select)} }`;
        case 'connection': {
          const typename = nodeTypesOf(field.field).hasId ? '' : '__typename ';
          return `${field.field} { edges { node { ${typename}${renderBulk(field.select)} } } }`;
        }
        case 'fragment':
          return `... on ${field.on} { ${renderBulk(field.select)} }`;
      }
    })
    .join(' ');
}

/**
 * The inner query of `bulkOperationRunQuery`: every record updated at or after `updatedAtMin` (all when null) and, for
 * a narrower window, before `updatedAtMax`.
 */
export function bulkQuery(
  source: GraphqlSource,
  updatedAtMin: string | null,
  updatedAtMax: string | null = null,
): string {
  const { search } = source.incremental;
  const terms = [updatedSince(updatedAtMin, search), updatedBefore(updatedAtMax, search)].filter((t) => t !== null);
  const args = terms.length === 0 ? '' : `(query: ${JSON.stringify(terms.join(' AND '))})`;
  return `{ ${source.connection}${args} { edges { node { ${renderBulk(source.select)} } } } }`;
}

/** For the ingest: which connection field of the root record holds each child type. */
export function bulkChildFields(source: GraphqlSource): ChildFields {
  const fields: Record<string, string> = {};
  for (const nested of nestedConnections(source.select)) {
    for (const type of nodeTypesOf(nested.field).types) fields[type] = nested.field;
  }
  return { [rootType(source)]: fields };
}

/**
 * Removes what the bulk query added beyond the paged query (`__typename` on id-less connection nodes), so a record
 * stored from a bulk result is the record a paged query returns, raw_json included.
 */
export function asPagedRecord(source: GraphqlSource, record: BulkRecord): BulkRecord {
  for (const nested of nestedConnections(source.select)) {
    if (nodeTypesOf(nested.field).hasId) continue;
    const connection = record[nested.field] as { nodes?: BulkRecord[] } | undefined;
    for (const node of connection?.nodes ?? []) delete node.__typename;
  }
  return record;
}
