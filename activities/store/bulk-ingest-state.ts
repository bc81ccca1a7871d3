import type { Db } from './database';
import { CHECKPOINT_MAX_AGE_MS, CheckpointMovedError } from './checkpoints';
import { removeStagingFile } from './bulk-staging-file';
import { hasRedactions } from './upsert';

/**
 * Where the ingest of one bulk operation's result has got to (table `bulk_ingests`, migration 5). Staging moves
 * `byteOffset`/`lines` on, assembly `lastRootLine`/`records`/`childRecords`, each in the transaction of the rows it
 * covers; a retried ingest of the same operation starts from here.
 */
export interface IngestState {
  operationId: string;
  /** The key of the ingest's staged lines. */
  ingestId: number;
  phase: 'staging' | 'assembling' | 'done';
  /** Staging: the file offset just past the last staged line, where the download resumes. */
  byteOffset: number;
  /** Staging: lines staged so far; line numbers start at 0, in file order. */
  lines: number;
  chunks: number;
  /** Assembly: the file line of the last top-level record stored (-1 before the first). */
  lastRootLine: number;
  lastRootGid: string | null;
  records: number;
  childRecords: number;
  orphans: number;
  orphanSample: OrphanLine[];
}

/** A child line whose parent is not in the file (a partial result), as reported rather than stored. */
export interface OrphanLine {
  gid: string | null;
  parentGid: string;
}

interface Row {
  id: number;
  operation_id: string;
  phase: IngestState['phase'];
  byte_offset: number;
  lines: number;
  chunks: number;
  last_root_line: number;
  last_root_gid: string | null;
  records: number;
  child_records: number;
  orphans: number;
  orphan_sample: string | null;
}

function fromRow(row: Row): IngestState {
  return {
    operationId: row.operation_id,
    ingestId: row.id,
    phase: row.phase,
    byteOffset: row.byte_offset,
    lines: row.lines,
    chunks: row.chunks,
    lastRootLine: row.last_root_line,
    lastRootGid: row.last_root_gid,
    records: row.records,
    childRecords: row.child_records,
    orphans: row.orphans,
    orphanSample: row.orphan_sample ? (JSON.parse(row.orphan_sample) as OrphanLine[]) : [],
  };
}

export function readIngestState(db: Db, operationId: string): IngestState | undefined {
  const row = db.prepare('SELECT * FROM bulk_ingests WHERE operation_id = ?').get(operationId) as Row | undefined;
  return row && fromRow(row);
}

/**
 * The operation's state, created if this is its first ingest. Also drops ingests untouched for a day (an operation
 * run again after its URL expired leaves its predecessor's staging behind): nobody will resume them.
 */
export function startIngest(db: Db, operationId: string, now = new Date()): IngestState {
  const staleBefore = new Date(now.getTime() - CHECKPOINT_MAX_AGE_MS).toISOString();
  db.transaction(() => {
    const stale = db
      .prepare('SELECT operation_id FROM bulk_ingests WHERE updated_at < ? AND operation_id <> ?')
      .pluck()
      .all(staleBefore, operationId) as string[];
    for (const id of stale) dropIngest(db, id);
    db.prepare(
      `INSERT INTO bulk_ingests (operation_id, phase, byte_offset, lines, chunks, last_root_line, records,
         child_records, orphans, updated_at) VALUES (?, 'staging', 0, 0, 0, -1, 0, 0, 0, ?)
       ON CONFLICT (operation_id) DO NOTHING`,
    ).run(operationId, now.toISOString());
  })();
  return readIngestState(db, operationId)!;
}

/** Forgets an operation's ingest and its staged lines (an abandoned operation, or a damaged staging file). */
export function dropIngest(db: Db, operationId: string): void {
  const state = readIngestState(db, operationId);
  if (!state) return;
  db.prepare('DELETE FROM bulk_staging WHERE ingest_id = ?').run(state.ingestId);
  db.prepare('DELETE FROM bulk_ingests WHERE id = ?').run(state.ingestId);
  removeStagedFile(db, state.ingestId);
}

/** The ingest's staging file (bulk-staging-file.ts), beside the database. */
export function stagedFileOf(db: Db, ingestId: number): string {
  return `${db.name}-bulk-${ingestId}.jsonl`;
}

/** Removes the ingest's staging file; zeroed first in a store with erasures (it holds what they removed). */
export function removeStagedFile(db: Db, ingestId: number): void {
  removeStagingFile(stagedFileOf(db, ingestId), hasRedactions(db));
}

function moved(operationId: string, what: string): CheckpointMovedError {
  return new CheckpointMovedError(
    `bulk operation ${operationId}: another attempt of this ingest has moved its checkpoint on (${what}); ` +
      `this attempt stops`,
  );
}

/** Records a staged chunk; call inside the chunk's transaction. `from` is the state this attempt last wrote. */
export function saveStaged(db: Db, from: IngestState, to: { byteOffset: number; lines: number; done: boolean }): void {
  const changed = db
    .prepare(
      `UPDATE bulk_ingests SET byte_offset = ?, lines = ?, chunks = chunks + 1, phase = ?, updated_at = ?
       WHERE id = ? AND phase = 'staging' AND byte_offset = ? AND lines = ?`,
    )
    .run(
      to.byteOffset,
      to.lines,
      to.done ? 'assembling' : 'staging',
      new Date().toISOString(),
      from.ingestId,
      from.byteOffset,
      from.lines,
    ).changes;
  if (changed !== 1) throw moved(from.operationId, `expected byte ${from.byteOffset}`);
}

/** Records a stored batch of assembled records; call inside the batch's transaction. */
export function saveAssembled(
  db: Db,
  from: IngestState,
  to: { lastRootLine: number; lastRootGid: string | null; records: number; childRecords: number },
): void {
  const changed = db
    .prepare(
      `UPDATE bulk_ingests SET last_root_line = ?, last_root_gid = ?, records = ?, child_records = ?, updated_at = ?
       WHERE id = ? AND phase = 'assembling' AND last_root_line = ?`,
    )
    .run(
      to.lastRootLine,
      to.lastRootGid,
      to.records,
      to.childRecords,
      new Date().toISOString(),
      from.ingestId,
      from.lastRootLine,
    ).changes;
  if (changed !== 1) throw moved(from.operationId, `expected line ${from.lastRootLine}`);
}

/** Marks the ingest done with its orphans; call inside the transaction that drops the staged lines. */
export function saveDone(db: Db, from: IngestState, orphans: number, sample: OrphanLine[]): void {
  const changed = db
    .prepare(
      `UPDATE bulk_ingests SET phase = 'done', orphans = ?, orphan_sample = ?, updated_at = ?
       WHERE id = ? AND phase = 'assembling' AND last_root_line = ?`,
    )
    .run(orphans, JSON.stringify(sample), new Date().toISOString(), from.ingestId, from.lastRootLine).changes;
  if (changed !== 1) throw moved(from.operationId, 'finishing');
}
