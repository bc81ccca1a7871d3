/**
 * A resource's bulk query, built from the same declaration (resources.ts) as its paged query: the same fields, nested
 * connections without paging arguments (a bulk operation reads them whole), and the `updated_at` window as the root
 * connection's `query:` filter. Plus what the ingest needs to put the JSONL lines back into the paged records' shape.
 */
import type { ChildFields, BulkRecord } from '../../store/bulk-ingest';
import type { GraphqlSource, NestedTypes } from '../../store/resources';
import { nestedConnections, type Selection } from './selection';
import { timeTerm, updatedSince } from './query-builder';

/**
 * The node types a nested connection's lines can have, as the resource declares them (`nestedTypes`). A line with
 * an id is typed by its GID; one without (a discount application) by its `__typename`, which the bulk query then
 * selects.
 */
function nodeTypesOf(source: GraphqlSource, field: string): NestedTypes {
  const known = source.nestedTypes?.[field];
  if (!known) {
    throw new Error(
      `The nested connection "${field}" of ${source.connection} has no node types: declare them in its resource's ` +
        `graphql.nestedTypes (resources.ts), so bulk results can attach its lines to their parents.`,
    );
  }
  return known;
}

/** `product` → `Product`: the root record's GraphQL type, which its GIDs carry. */
const rootType = (source: GraphqlSource) => source.single.charAt(0).toUpperCase() + source.single.slice(1);

/** The selection in bulk form: connections as `field { edges { node { … } } }`, no `first`, no `pageInfo`. */
export function renderBulk(source: GraphqlSource, select: Selection = source.select): string {
  return select
    .map((field) => {
      if (typeof field === 'string') return field;
      switch (field.kind) {
        case 'object':
          return `${field.field} { ${renderBulk(source, field.select)} }`;
        case 'list':
          return `${field.field}${field.first ? `(first: ${field.first})` : ''} { ${renderBulk(source, field.select)} }`;
        case 'connection': {
          const typename = nodeTypesOf(source, field.field).hasId ? '' : '__typename ';
          return `${field.field} { edges { node { ${typename}${renderBulk(source, field.select)} } } }`;
        }
        case 'fragment':
          return `... on ${field.on} { ${renderBulk(source, field.select)} }`;
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
  const terms = [updatedSince(updatedAtMin, search), timeTerm(search, '<', updatedAtMax)].filter((t) => t !== null);
  const args = terms.length === 0 ? '' : `(query: ${JSON.stringify(terms.join(' AND '))})`;
  return `{ ${source.connection}${args} { edges { node { ${renderBulk(source)} } } } }`;
}

/** For the ingest: which connection field of the root record holds each child type. */
export function bulkChildFields(source: GraphqlSource): ChildFields {
  const fields: Record<string, string> = {};
  for (const nested of nestedConnections(source.select)) {
    for (const type of nodeTypesOf(source, nested.field).types) fields[type] = nested.field;
  }
  return { [rootType(source)]: fields };
}

/**
 * Removes what the bulk query added beyond the paged query (`__typename` on id-less connection nodes), so a record
 * stored from a bulk result is the record a paged query returns, raw_json included.
 */
export function asPagedRecord(source: GraphqlSource, record: BulkRecord): BulkRecord {
  for (const nested of nestedConnections(source.select)) {
    if (nodeTypesOf(source, nested.field).hasId) continue;
    const connection = record[nested.field] as { nodes?: BulkRecord[] } | undefined;
    for (const node of connection?.nodes ?? []) delete node.__typename;
  }
  return record;
}
