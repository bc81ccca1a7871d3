/**
 * Stores a bulk operation's JSONL result without ever holding the file or a whole table in memory.
 *
 * Since 2026-01 bulk output is ungrouped: a child line (`__parentId`) may come before its parent or millions of lines
 * after it. So the file is first staged as it streams (table `bulk_staging`, one transaction per chunk together with
 * its byte offset), then, once it is complete, SQLite does the join: top-level lines are read back in file order, a
 * batch at a time, each with its children (and their children) found through the index on `parent_gid`, and handed
 * to the store function as the records a paged query returns — the node, each nested connection as `{ nodes }`.
 * A killed ingest resumes after the last committed chunk or batch; a chunk is never staged twice, a batch never
 * stored twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { parseGid } from '../shopify/graphql/bulk-records';
import { streamParsedJsonl, type ParsedLine } from '../shopify/graphql/jsonl-parse-thread';
import type { JsonlLine } from '../shopify/graphql/jsonl-stream';
import type { Db } from './database';
import { withSecureDelete } from './sql';
import {
  dropIngest,
  saveAssembled,
  saveDone,
  saveStaged,
  startIngest,
  type IngestState,
  type OrphanLine,
} from './bulk-ingest-state';

export type BulkRecord = Record<string, unknown>;

/**
 * Per parent type, the connection field that holds each child type, as the bulk query selected them:
 * `{ Order: { LineItem: 'lineItems' }, Refund: { OrderTransaction: 'transactions' } }`. Every record of a parent
 * type gets each of its fields, `{ nodes: [] }` when it has no child of that type, as a paged query answers.
 */
export type ChildFields = Record<string, Record<string, string>>;

export interface BulkIngestOptions {
  /** The bulk operation's global id: the checkpoint's key. */
  operationId: string;
  /** The result URL (`url`, or `partialDataUrl` for a failed operation's partial data). */
  url: string;
  childFields: ChildFields;
  /** Stores one batch of assembled records; runs inside the batch's transaction (with its checkpoint). */
  store: (records: BulkRecord[]) => unknown;
  /** Lines per staged chunk (default 5,000); a chunk also ends after `chunkBytes` (default 8 MB). */
  chunkLines?: number;
  chunkBytes?: number;
  /** Top-level records per stored batch (default 1,000). */
  batchRecords?: number;
  /** Where the lines come from; defaults to downloading `url` from the offset (tests count what is read). */
  open?: (fromOffset: number) => AsyncIterable<JsonlLine>;
  signal?: AbortSignal;
  /** Called after each committed chunk or batch: for heartbeats. */
  onProgress?: (state: IngestState) => void;
}

export interface BulkIngestResult {
  operationId: string;
  /** Lines in the file, and its size. */
  lines: number;
  bytes: number;
  /** Top-level records stored, and the child lines stored inside them (any depth). */
  records: number;
  childRecords: number;
  /** Lines not stored because their parent is not in the file (a partial result): how many, and the first few. */
  orphans: { count: number; sample: OrphanLine[] };
  /** What this call did: where it resumed from, and the lines it read (a resumed one re-reads at most one chunk). */
  resumedFrom: { phase: IngestState['phase']; byteOffset: number; lines: number; lastRootLine: number };
  linesRead: number;
  chunksStaged: number;
  batchesStored: number;
}

const ORPHAN_SAMPLE = 10;
/** Shopify's bulk queries nest at most two levels; deeper chains mean a damaged file (or a cycle). */
const MAX_DEPTH = 4;

export async function ingestBulkResult(db: Db, options: BulkIngestOptions): Promise<BulkIngestResult> {
  let state = startIngest(db, options.operationId);
  const result: BulkIngestResult = {
    operationId: options.operationId,
    lines: 0,
    bytes: 0,
    records: 0,
    childRecords: 0,
    orphans: { count: 0, sample: [] },
    resumedFrom: {
      phase: state.phase,
      byteOffset: state.byteOffset,
      lines: state.lines,
      lastRootLine: state.lastRootLine,
    },
    linesRead: 0,
    chunksStaged: 0,
    batchesStored: 0,
  };
  if (state.phase === 'staging') state = await stage(db, state, options, result);
  if (state.phase === 'assembling') state = assemble(db, state, options, result);
  return {
    ...result,
    lines: state.lines,
    bytes: state.byteOffset,
    records: state.records,
    childRecords: state.childRecords,
    orphans: { count: state.orphans, sample: state.orphanSample },
  };
}

export { dropIngest as dropBulkIngest };

interface Staged {
  gid: string | null;
  parentGid: string | null;
  json: string;
}

/** Phase 1: the file into `bulk_staging`, a chunk per transaction with its end offset. */
async function stage(db: Db, from: IngestState, options: BulkIngestOptions, result: BulkIngestResult) {
  const insert = db.prepare('INSERT INTO bulk_staging (ingest_id, line, gid, parent_gid, json) VALUES (?, ?, ?, ?, ?)');
  const maxLines = options.chunkLines ?? 5_000;
  const maxBytes = options.chunkBytes ?? 8 * 1024 * 1024;
  const open: (fromOffset: number) => AsyncIterable<JsonlLine | ParsedLine> =
    options.open ?? ((fromOffset) => streamParsedJsonl(options.url, { fromOffset, signal: options.signal }));
  let state = from;
  let chunk: Staged[] = [];
  let chunkBytes = 0;
  let endOffset = state.byteOffset;

  const commit = (done: boolean) => {
    const first = state.lines;
    const next = { ...state, byteOffset: endOffset, lines: first + chunk.length, chunks: state.chunks + 1 };
    db.transaction(() => {
      chunk.forEach((row, k) => insert.run(state.ingestId, first + k, row.gid, row.parentGid, row.json));
      saveStaged(db, state, { byteOffset: next.byteOffset, lines: next.lines, done });
    })();
    state = { ...next, phase: done ? 'assembling' : 'staging' };
    chunk = [];
    chunkBytes = 0;
    if (next.lines > first) result.chunksStaged += 1;
    options.onProgress?.(state);
  };

  for await (const line of open(state.byteOffset)) {
    result.linesRead += 1;
    chunk.push(toStaged(line, options.operationId));
    chunkBytes += line.nextOffset - line.offset;
    endOffset = line.nextOffset;
    if (chunk.length >= maxLines || chunkBytes >= maxBytes) commit(false);
  }
  commit(true);
  return state;
}

/** The line as staged: its text as in the file when the parser thread cut it (`__parentId` is dropped on assembly). */
function toStaged(line: JsonlLine | ParsedLine, operationId: string): Staged {
  const parentGid = 'text' in line ? line.parentGid : line.value.__parentId;
  if (parentGid !== undefined && typeof parentGid !== 'string') {
    throw ApplicationFailure.nonRetryable(
      `The result of bulk operation ${operationId} has a line at byte ${line.offset} whose __parentId is not a ` +
        `global id (${JSON.stringify(parentGid)?.slice(0, 80)}). Report this file to the project.`,
      'ShopifyBadResponse',
    );
  }
  if ('text' in line) return { gid: line.gid, parentGid: parentGid ?? null, json: line.text };
  const id = line.value.id;
  return { gid: typeof id === 'string' ? id : null, parentGid: parentGid ?? null, json: JSON.stringify(line.value) };
}

interface ChildRow {
  gid: string | null;
  parentGid: string;
  json: string;
}

/** Phase 2: each top-level line with its descendants as one record, a batch per transaction with its last line. */
function assemble(db: Db, from: IngestState, options: BulkIngestOptions, result: BulkIngestResult): IngestState {
  const op = from.operationId;
  const ingest = from.ingestId;
  const roots = db.prepare(
    `SELECT line, gid, json FROM bulk_staging WHERE ingest_id = ? AND parent_gid IS NULL AND line > ?
     ORDER BY line LIMIT ?`,
  );
  // Each parent's children in file order; sorting by the index's own order needs no temporary B-tree.
  const children = db.prepare(
    `SELECT gid, parent_gid AS parentGid, json FROM bulk_staging
     WHERE ingest_id = ? AND parent_gid IN (SELECT value FROM json_each(?)) ORDER BY parent_gid, line`,
  );
  const batchSize = options.batchRecords ?? 1_000;
  let state = from;
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = roots.all(ingest, state.lastRootLine, batchSize) as {
      line: number;
      gid: string | null;
      json: string;
    }[];
    if (batch.length === 0) break;
    const records: BulkRecord[] = [];
    let parents = new Map<string, BulkRecord>();
    for (const row of batch) {
      const record = withConnections(JSON.parse(row.json) as BulkRecord, row.gid, options.childFields);
      records.push(record);
      if (row.gid !== null) parents.set(row.gid, record);
    }
    let childCount = 0;
    for (let depth = 1; parents.size > 0; depth += 1) {
      if (depth > MAX_DEPTH) throw tooDeep(op, [...parents.keys()][0]);
      const next = new Map<string, BulkRecord>();
      for (const row of children.all(ingest, JSON.stringify([...parents.keys()])) as ChildRow[]) {
        const parent = parents.get(row.parentGid)!;
        const child = withConnections(JSON.parse(row.json) as BulkRecord, row.gid, options.childFields);
        connectionOf(parent, child, row, op, options.childFields).nodes.push(child);
        if (row.gid !== null) next.set(row.gid, child);
        childCount += 1;
      }
      parents = next;
    }
    const last = batch[batch.length - 1];
    const next = {
      ...state,
      lastRootLine: last.line,
      lastRootGid: last.gid,
      records: state.records + records.length,
      childRecords: state.childRecords + childCount,
    };
    db.transaction(() => {
      options.store(records);
      saveAssembled(db, state, next);
    })();
    state = next;
    result.batchesStored += 1;
    options.onProgress?.(state);
  }
  return finish(db, state);
}

/**
 * Drops the staged lines; what was never attached to a top-level record is reported as orphans. In a store with
 * erasures the staged lines hold what redaction removed from the rows (Shopify still serves it): they are zeroed as
 * they are deleted (`secure_delete`) and the WAL is emptied after, so no free page or WAL frame keeps it.
 */
function finish(db: Db, state: IngestState): IngestState {
  const count = state.lines - state.records - state.childRecords;
  let sample: OrphanLine[] = [];
  const erasures = db.prepare('SELECT EXISTS (SELECT 1 FROM redactions)').pluck().get() === 1;
  if (erasures) withSecureDelete(db, dropStaged);
  else dropStaged();
  if (erasures) db.pragma('wal_checkpoint(TRUNCATE)');
  return { ...state, phase: 'done', orphans: count, orphanSample: sample };

  function dropStaged(): void {
    db.transaction(() => {
      if (count > 0) {
        // Lines whose parent is missing; their own descendants are orphans too, counted but not listed.
        sample = db
          .prepare(
            `SELECT c.gid AS gid, c.parent_gid AS parentGid FROM bulk_staging c
           LEFT JOIN bulk_staging p ON p.ingest_id = c.ingest_id AND p.gid = c.parent_gid
           WHERE c.ingest_id = ? AND c.parent_gid IS NOT NULL AND p.line IS NULL ORDER BY c.line LIMIT ?`,
          )
          .all(state.ingestId, ORPHAN_SAMPLE) as OrphanLine[];
      }
      const others = db
        .prepare(
          'SELECT EXISTS (SELECT 1 FROM bulk_staging WHERE ingest_id < ?) ' +
            'OR EXISTS (SELECT 1 FROM bulk_staging WHERE ingest_id > ?)',
        )
        .pluck();
      // Alone in the table (the usual case), a DELETE without WHERE frees its pages instead of deleting row by row.
      if (others.get(state.ingestId, state.ingestId))
        db.prepare('DELETE FROM bulk_staging WHERE ingest_id = ?').run(state.ingestId);
      else db.prepare('DELETE FROM bulk_staging').run();
      saveDone(db, state, count, sample);
    })();
  }
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
        `(${row.gid ?? row.json.slice(0, 80)}) under ${row.parentGid}, but the resource declares no connection for ` +
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
