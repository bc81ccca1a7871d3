import { ApplicationFailure } from '@temporalio/common';
import type { JsonlLine } from './jsonl-stream';

/**
 * Groups a bulk result's lines into per-type rows, in chunks that each end at a line boundary: a chunk's rows and
 * its `endOffset` go into one SQLite transaction, so a worker killed mid-file resumes after the last stored chunk.
 *
 * Design: since 2026-01 bulk output is ungrouped — a child line (`__parentId`) may come before its parent or millions
 * of lines after it — so nothing here joins by order or keeps parents in memory waiting for children. Every row is
 * stored the moment its chunk is: a child carries its parent's id (`parentId`, and `parentLegacyId` for the numeric
 * REST-era key the tables use), so it goes straight into its child table keyed by that id whether the parent row
 * exists yet or not. What depends on a parent and all its children together (a product's variant count, an order's
 * line count or totals recomputed from lines) is computed after the whole file is stored, with SQL over the tables.
 * Memory is then one chunk, whatever the file's size.
 */

export interface BulkRow {
  /** GraphQL type from the global id: `Order`, `LineItem`, `ProductVariant`. */
  type: string;
  /** Global id: `gid://shopify/Order/450789469`. */
  id: string;
  /** The numeric id the REST-era tables key on: `450789469`. */
  legacyId: string | null;
  /** The parent's global id, for a child line; null for a top-level record. */
  parentId: string | null;
  parentType: string | null;
  parentLegacyId: string | null;
  /** The line as Shopify wrote it, without `__parentId`. */
  record: Record<string, unknown>;
}

export interface BulkChunk {
  /** Rows by type, in file order. */
  rows: Record<string, BulkRow[]>;
  lines: number;
  /** Byte offset of the chunk's first line. */
  startOffset: number;
  /** Byte offset just past the chunk's last line: the checkpoint to store with its rows. */
  endOffset: number;
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** `gid://shopify/Order/450789469` → `{ type: 'Order', legacyId: '450789469' }`; null for anything else. */
export function parseGid(gid: unknown): { type: string; legacyId: string } | null {
  if (typeof gid !== 'string') return null;
  const match = GID.exec(gid);
  return match ? { type: match[1], legacyId: match[2] } : null;
}

export function toRow(line: JsonlLine): BulkRow {
  const { __parentId: parentId, ...record } = line.value;
  const own = parseGid(record.id);
  const typename = typeof record.__typename === 'string' ? record.__typename : null;
  if (!own && !typename) {
    throw ApplicationFailure.nonRetryable(
      `A bulk result line at byte ${line.offset} has neither a Shopify global id nor __typename ` +
        `(${JSON.stringify(line.value).slice(0, 120)}): every node selected in a bulk query must select "id".`,
      'ShopifyBadRequest',
    );
  }
  const parent = parseGid(parentId);
  if (parentId !== undefined && !parent) {
    throw ApplicationFailure.nonRetryable(
      `A bulk result line at byte ${line.offset} has a __parentId that is not a Shopify global id ` +
        `(${JSON.stringify(parentId)}).`,
      'ShopifyBadRequest',
    );
  }
  return {
    type: own?.type ?? typename!,
    id: typeof record.id === 'string' ? record.id : '',
    legacyId: own?.legacyId ?? null,
    parentId: parent ? (parentId as string) : null,
    parentType: parent?.type ?? null,
    parentLegacyId: parent?.legacyId ?? null,
    record,
  };
}

/** Cuts a line stream into chunks of at most `maxLines` lines, each grouped by type. */
export async function* chunkRows(
  lines: AsyncIterable<JsonlLine>,
  options: { maxLines: number },
): AsyncGenerator<BulkChunk> {
  let chunk: BulkChunk | null = null;
  for await (const line of lines) {
    chunk ??= { rows: {}, lines: 0, startOffset: line.offset, endOffset: line.offset };
    const row = toRow(line);
    (chunk.rows[row.type] ??= []).push(row);
    chunk.lines += 1;
    chunk.endOffset = line.nextOffset;
    if (chunk.lines >= options.maxLines) {
      yield chunk;
      chunk = null;
    }
  }
  if (chunk) yield chunk;
}
