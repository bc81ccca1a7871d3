/**
 * Stores a bulk operation's JSONL result without ever holding the file or a whole table in memory.
 *
 * Since 2026-01 bulk output is ungrouped: a child line (`__parentId`) may come before its parent or millions of lines
 * after it. So the file is first staged as it streams: its bytes into a file beside the database, at their own
 * offsets (bulk-staging-file.ts), and where each line is, with its id and parent's id, into table `bulk_staging`,
 * one transaction per chunk together with the chunk's end offset. Once the file is complete, the join: top-level
 * lines are read back in file order, a batch at a time, each with its children (and their children) found through
 * the index on `parent_gid`, and handed to the store function as the records a paged query returns — the node, each
 * nested connection as `{ nodes }` — or, with `prepare`, as those records' row values. The join and the row values
 * are made on the assembler thread (bulk-assembler.ts), so this thread only runs the statements. A killed ingest
 * resumes after the last committed chunk or batch; a chunk is never staged twice, a batch never stored twice. A
 * staging file lost or cut short (the machine crashed) or damaged sends the ingest back to the result's first byte.
 */
import { ApplicationFailure } from '@temporalio/common';
import { streamParsedJsonl, type ParsedLine } from '../shopify/graphql/jsonl-parser';
import type { Db } from './database';
import { assembleOnThread } from './bulk-assembler';
import { startBackgroundCheckpoints } from './background-checkpoints';
import type { BulkRecord, ChildFields } from './bulk-assembly';
import type { PreparedBatch, PrepareFor } from './bulk-assembler-thread';
import { createStagingFile, holdsStagedBytes, STAGING_DAMAGED } from './bulk-staging-file';
import {
  dropIngest,
  removeStagedFile,
  saveAssembled,
  stagedFileOf,
  saveDone,
  saveStaged,
  startIngest,
  type IngestState,
  type OrphanLine,
} from './bulk-ingest-state';

export type { BulkRecord, ChildFields, PreparedBatch, PrepareFor };

/**
 * How the assembled batches are stored, each inside its transaction with its checkpoint: as records (`store`), or,
 * with `prepare`, as the row values of that resource's tables (upsert.ts's `preparePage`, for `writePage`).
 */
export type BatchStore =
  | { prepare?: undefined; store: (records: BulkRecord[]) => unknown }
  | { prepare: PrepareFor; store: (batch: PreparedBatch) => unknown };

export type BulkIngestOptions = IngestSettings & BatchStore;

interface IngestSettings {
  /** The bulk operation's global id: the checkpoint's key. */
  operationId: string;
  /** The result URL (`url`, or `partialDataUrl` for a failed operation's partial data). */
  url: string;
  childFields: ChildFields;
  /** Lines per staged chunk (default 5,000); a chunk also ends after `chunkBytes` (default 8 MB). */
  chunkLines?: number;
  chunkBytes?: number;
  /** Top-level records per stored batch (default 500: a batch the assembler thread holds dies young). */
  batchRecords?: number;
  /**
   * Where the lines come from, their bytes written into `stageTo` at their offsets; defaults to downloading `url`
   * from the offset (tests count what is read).
   */
  open?: (fromOffset: number, stageTo: string) => AsyncIterable<ParsedLine>;
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

export async function ingestBulkResult(db: Db, options: BulkIngestOptions): Promise<BulkIngestResult> {
  if (db.memory) throw new Error('The bulk ingest needs a database file: it stages the result in a file beside it.');
  let state = startIngest(db, options.operationId);
  if (
    state.phase !== 'done' &&
    state.byteOffset > 0 &&
    !holdsStagedBytes(stagedFileOf(db, state.ingestId), state.byteOffset)
  ) {
    // The machine crashed after the commit and before the file's bytes reached the disk, or the file was removed.
    dropIngest(db, options.operationId);
    state = startIngest(db, options.operationId);
  }
  if (state.phase === 'done') removeStagedFile(db, state.ingestId); // killed between the last commit and the removal
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
  const checkpoints = startBackgroundCheckpoints(db);
  try {
    if (state.phase === 'staging') state = await stage(db, state, options, result);
    if (state.phase === 'assembling') state = await assemble(db, state, options, result);
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === STAGING_DAMAGED) dropIngest(db, options.operationId);
    throw error;
  } finally {
    await checkpoints.stop();
  }
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
  offset: number;
  length: number;
}

/** Phase 1: the file into the staging file and `bulk_staging`, a chunk per transaction with its end offset. */
async function stage(db: Db, from: IngestState, options: BulkIngestOptions, result: BulkIngestResult) {
  const insert = db.prepare(
    'INSERT INTO bulk_staging (ingest_id, line, gid, parent_gid, byte_offset, length) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const maxLines = options.chunkLines ?? 5_000;
  const maxBytes = options.chunkBytes ?? 8 * 1024 * 1024;
  const open =
    options.open ??
    ((fromOffset: number, stageTo: string) =>
      streamParsedJsonl(options.url, { fromOffset, stageTo, signal: options.signal }));
  let state = from;
  let chunk: Staged[] = [];
  let chunkBytes = 0;
  let endOffset = state.byteOffset;

  const commit = (done: boolean) => {
    const first = state.lines;
    const next = { ...state, byteOffset: endOffset, lines: first + chunk.length, chunks: state.chunks + 1 };
    db.transaction(() => {
      chunk.forEach((row, k) => insert.run(state.ingestId, first + k, row.gid, row.parentGid, row.offset, row.length));
      saveStaged(db, state, { byteOffset: next.byteOffset, lines: next.lines, done });
    })();
    state = { ...next, phase: done ? 'assembling' : 'staging' };
    chunk = [];
    chunkBytes = 0;
    if (next.lines > first) result.chunksStaged += 1;
    options.onProgress?.(state);
  };

  const file = stagedFileOf(db, state.ingestId);
  createStagingFile(file, db.name);
  for await (const line of open(state.byteOffset, file)) {
    result.linesRead += 1;
    chunk.push(toStaged(line, options.operationId));
    chunkBytes += line.nextOffset - line.offset;
    endOffset = line.nextOffset;
    if (chunk.length >= maxLines || chunkBytes >= maxBytes) commit(false);
  }
  commit(true);
  return state;
}

/** The line as staged: where it is in the file (`__parentId` is dropped on assembly). */
function toStaged(line: ParsedLine, operationId: string): Staged {
  const { parentGid } = line;
  if (parentGid !== undefined && typeof parentGid !== 'string') {
    throw ApplicationFailure.nonRetryable(
      `The result of bulk operation ${operationId} has a line at byte ${line.offset} whose __parentId is not a ` +
        `global id (${JSON.stringify(parentGid)?.slice(0, 80)}). Report this file to the project.`,
      'ShopifyBadResponse',
    );
  }
  return { gid: line.gid, parentGid: parentGid ?? null, offset: line.offset, length: line.nextOffset - line.offset };
}

/**
 * Phase 2: each top-level line with its descendants as one record, joined (and prepared) on the assembler thread; a
 * batch per transaction here, with its last line.
 */
async function assemble(
  db: Db,
  from: IngestState,
  options: BulkIngestOptions,
  result: BulkIngestResult,
): Promise<IngestState> {
  let state = from;
  const input = {
    operationId: from.operationId,
    ingestId: from.ingestId,
    stagingFile: stagedFileOf(db, from.ingestId),
    afterLine: from.lastRootLine,
    batchRecords: options.batchRecords ?? 500,
    childFields: options.childFields,
  };
  for await (const batch of assembleOnThread(db, input, options.prepare ?? null, options.signal)) {
    const next = {
      ...state,
      lastRootLine: batch.lastLine,
      lastRootGid: batch.lastGid,
      records: state.records + batch.records,
      childRecords: state.childRecords + batch.childCount,
    };
    db.transaction(() => {
      if (options.prepare) options.store(batch.payload as PreparedBatch);
      else options.store(batch.payload as BulkRecord[]);
      saveAssembled(db, state, next);
    })();
    state = next;
    result.batchesStored += 1;
    options.onProgress?.(state);
  }
  return finish(db, state);
}

/**
 * Drops the staged lines and their file; what was never attached to a top-level record is reported as orphans. The
 * rows hold ids only; the file, which holds what erasures removed from the rows in a store with erasures, is zeroed
 * before it goes (removeStagedFile).
 */
function finish(db: Db, state: IngestState): IngestState {
  const count = state.lines - state.records - state.childRecords;
  let sample: OrphanLine[] = [];
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
  removeStagedFile(db, state.ingestId);
  return { ...state, phase: 'done', orphans: count, orphanSample: sample };
}
