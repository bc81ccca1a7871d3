/**
 * Reconciliation's id listings: one ids-only bulk query per resource (products with their variants' ids), and the
 * ids read back from its JSONL result table by table. The operation itself is started, checked and downloaded by
 * the same functions as the sync's bulk operations (bulk-operation.ts, jsonl-stream.ts).
 */
import type { ResourceName } from '../../../common/contract';
import { UnreadableListingError, type ListedId } from '../../store/reconcile';
import { RESOURCES, type ResourceSpec } from '../../store/resources';
import { parseGid } from './bulk-records';
import type { JsonlLine } from './jsonl-stream';

/** A table the listing covers: its rows' GraphQL type, and for a child table its parent's. */
export interface ListedTable {
  table: string;
  type: string;
  parentType?: string;
}

export interface IdListingQuery {
  /** The inner query of `bulkOperationRunQuery`. */
  query: string;
  /** The tables reconciled from its result, parents first (a product's removal takes its variants with it). */
  tables: ListedTable[];
}

/**
 * A resource's listing, from its declaration: the ids of its root connection and of each child table declared
 * `listedBy` a nested connection (`{ products { edges { node { id variants { edges { node { id } } } } } } }`).
 * Orders are listed with every status: GraphQL's `orders` has no REST-like default of open orders only.
 */
export function idListing(spec: ResourceSpec): IdListingQuery {
  const root = spec.table.deletions;
  if (!root) throw new Error(`${spec.name} declares no deletions (resources.ts): it cannot be reconciled`);
  const children = spec.children.filter((c) => c.deletions?.listedBy);
  const nested = children.map((c) => ` ${c.deletions!.listedBy} { edges { node { id } } }`).join('');
  return {
    query: `{ ${spec.graphql.connection} { edges { node { id${nested} } } } }`,
    tables: [
      { table: spec.table.name, type: root.gidType },
      ...children.map((c) => ({ table: c.name, type: c.deletions!.gidType, parentType: root.gidType })),
    ],
  };
}

export const ID_LISTINGS = Object.fromEntries(RESOURCES.map((r) => [r.name, idListing(r)])) as Record<
  ResourceName,
  IdListingQuery
>;

/** Lines read, for comparing with the operation's objectCount once the file is read. */
export interface LineCount {
  lines: number;
}

/**
 * The ids of one table from a listing's lines: the root lines (no `__parentId`) for the root table, the child lines
 * with their parent's id for a child table. Every line is counted, whichever table it belongs to. A line of a type
 * the query cannot produce fails the read, so nothing is removed on the strength of a file this code misunderstands.
 */
export async function* listedIds(
  lines: AsyncIterable<JsonlLine>,
  listing: IdListingQuery,
  table: ListedTable,
  count: LineCount,
): AsyncGenerator<ListedId> {
  const [root] = listing.tables;
  for await (const { value, offset } of lines) {
    count.lines += 1;
    const gid = parseGid(value.id);
    const parent = value.__parentId === undefined ? null : parseGid(value.__parentId);
    const expected = parent === null ? root : listing.tables.find((t) => t.parentType === parent.type);
    if (!gid || expected === undefined || gid.type !== expected.type) {
      throw new UnreadableListingError(
        `Shopify's id listing for ${root.table} has a line at byte ${offset} that is not a ` +
          `${listing.tables.map((t) => t.type).join(' or ')} id (${JSON.stringify(value).slice(0, 120)}); ` +
          `nothing was removed. Report this to the project.`,
      );
    }
    if (expected !== table) continue;
    const id = Number(gid.legacyId);
    yield parent === null ? id : { id, parent: Number(parent.legacyId) };
  }
}
