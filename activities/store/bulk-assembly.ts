/**
 * The join of a staged bulk result (see bulk-ingest.ts): top-level lines read back in file order, a batch at a time,
 * each with its children (and their children) found through the index on `parent_gid`, as the records a paged query
 * returns — the node, each nested connection as `{ nodes }`. Reads only: it runs on the assembler thread's own
 * connection while the ingest's connection stores the batches before it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { parseGid } from '../shopify/graphql/bulk-records';
import { parseObject } from '../shopify/graphql/jsonl-stream';
import { StagedLineReader, stagingDamaged, type StagedRange } from './bulk-staging-file';
import type { Db } from './sql';

export type BulkRecord = Record<string, unknown>;

/**
 * Per parent type, the connection field that holds each child type, as the bulk query selected them:
 * `{ Order: { LineItem: 'lineItems' }, Refund: { OrderTransaction: 'transactions' } }`. Every record of a parent
 * type gets each of its fields, `{ nodes: [] }` when it has no child of that type, as a paged query answers.
 */
export type ChildFields = Record<string, Record<string, string>>;

export interface AssemblyInput {
  operationId: string;
  ingestId: number;
  /** The file the lines are staged in (bulk-staging-file.ts). */
  stagingFile: string;
  /** The file line of the last top-level record already stored (-1 before the first). */
  afterLine: number;
  batchRecords: number;
  childFields: ChildFields;
}

export interface AssembledBatch {
  records: BulkRecord[];
  /** The file line and id of the batch's last top-level record: the checkpoint stored with it. */
  lastLine: number;
  lastGid: string | null;
  /** Child lines placed in the batch's records, any depth. */
  childCount: number;
}

/** Shopify's bulk queries nest at most two levels; deeper chains mean a damaged file (or a cycle). */
const MAX_DEPTH = 4;

interface RootRow extends StagedRange {
  line: number;
  gid: string | null;
}

interface ChildRow extends StagedRange {
  gid: string | null;
  parentGid: string;
}

/** `nextSize`: how many top-level records the next batch takes (default `input.batchRecords`). */
export function* assembleBatches(
  db: Db,
  input: AssemblyInput,
  nextSize = () => input.batchRecords,
): Generator<AssembledBatch> {
  const { operationId: op, ingestId: ingest, childFields } = input;
  const roots = db.prepare(
    `SELECT line, gid, byte_offset AS offset, length FROM bulk_staging
     WHERE ingest_id = ? AND parent_gid IS NULL AND line > ? ORDER BY line LIMIT ?`,
  );
  // Each parent's children in file order; sorting by the index's own order needs no temporary B-tree.
  const children = db.prepare(
    `SELECT gid, parent_gid AS parentGid, byte_offset AS offset, length FROM bulk_staging
     WHERE ingest_id = ? AND parent_gid IN (SELECT value FROM json_each(?)) ORDER BY parent_gid, line`,
  );
  const file = new StagedLineReader(input.stagingFile, op);
  const parsed = (rows: Array<RootRow | ChildRow>) =>
    file.texts(rows).map((text, i) => withConnections(parseStaged(text, rows[i], op), rows[i].gid, childFields));
  try {
    let afterLine = input.afterLine;
    for (;;) {
      const batch = roots.all(ingest, afterLine, nextSize()) as RootRow[];
      if (batch.length === 0) return;
      const records = parsed(batch);
      let parents = new Map<string, BulkRecord>();
      batch.forEach((row, i) => row.gid !== null && parents.set(row.gid, records[i]));
      let childCount = 0;
      for (let depth = 1; parents.size > 0; depth += 1) {
        if (depth > MAX_DEPTH) throw tooDeep(op, [...parents.keys()][0]);
        const next = new Map<string, BulkRecord>();
        const rows = children.all(ingest, JSON.stringify([...parents.keys()])) as ChildRow[];
        parsed(rows).forEach((child, i) => {
          const row = rows[i];
          connectionOf(parents.get(row.parentGid)!, child, row, op, childFields).nodes.push(child);
          if (row.gid !== null) next.set(row.gid, child);
        });
        childCount += rows.length;
        parents = next;
      }
      const last = batch[batch.length - 1];
      afterLine = last.line;
      yield { records, lastLine: last.line, lastGid: last.gid, childCount };
    }
  } finally {
    file.close();
  }
}

function parseStaged(text: string, row: StagedRange, operationId: string): BulkRecord {
  const value = parseObject(text);
  if (value === null) {
    const shown = JSON.stringify(text.slice(0, 80)) + (text.length > 80 ? '…' : '');
    throw stagingDamaged(operationId, `has a line at byte ${row.offset} that is not a JSON object (${shown})`);
  }
  return value;
}

function typeOf(record: BulkRecord, gid: string | null): string | undefined {
  return parseGid(gid)?.type ?? (typeof record.__typename === 'string' ? record.__typename : undefined);
}

/** The staged line without its `__parentId`, with an empty `{ nodes: [] }` for each connection its type declares. */
function withConnections(record: BulkRecord, gid: string | null, childFields: ChildFields): BulkRecord {
  delete record.__parentId;
  const type = typeOf(record, gid);
  const fields = type === undefined ? undefined : childFields[type];
  if (fields) for (const field of Object.values(fields)) record[field] = { nodes: [] };
  return record;
}

function connectionOf(
  parent: BulkRecord,
  child: BulkRecord,
  row: ChildRow,
  operationId: string,
  childFields: ChildFields,
): { nodes: BulkRecord[] } {
  const parentType = parseGid(row.parentGid)?.type;
  const childType = typeOf(child, row.gid);
  const field = parentType && childType ? childFields[parentType]?.[childType] : undefined;
  if (field === undefined) {
    throw ApplicationFailure.nonRetryable(
      `The result of bulk operation ${operationId} nests ${childType ?? 'a line without id or __typename'} ` +
        `(${row.gid ?? `the line at byte ${row.offset}`}) under ${row.parentGid}, but the resource declares no connection for ` +
        `${childType ?? '?'} under ${parentType ?? '?'}: its bulk query and its childFields disagree.`,
      'BulkShapeMismatch',
    );
  }
  return parent[field] as { nodes: BulkRecord[] };
}

function tooDeep(operationId: string, gid: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The result of bulk operation ${operationId} nests lines more than ${MAX_DEPTH} levels deep (under ${gid}); ` +
      `Shopify allows two. The file is damaged or its __parentId values form a cycle.`,
    'ShopifyBadResponse',
  );
}
