import type { Db } from './database';

/**
 * Where a page activity has got to (table `page_checkpoints`, created by schema.ts): the cursor of its next page and
 * its running totals, written in the same transaction as each page it stores. A retry of the activity (same run id
 * and activity id) continues from here, so no stored page is fetched again and the totals it returns stay exact.
 */
export interface PageCheckpoint {
  /** Cursor of the next page to fetch; null once the resource's last page is stored (`done`). */
  cursor: string | null;
  done: boolean;
  pages: number;
  records: number;
  childRecords: number;
  requests: number;
  throttledMs: number;
  maxUpdatedAt: string | null;
}

/** One activity's checkpoints: Temporal keeps the run id and activity id across the activity's retries. */
export interface CheckpointKey {
  runId: string;
  activityId: string;
  resource: string;
}

/** A checkpoint older than this belongs to a run nobody will retry: it is dropped, never resumed from. */
export const CHECKPOINT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface Row {
  cursor: string | null;
  done: number;
  pages: number;
  records: number;
  child_records: number;
  requests: number;
  throttled_ms: number;
  max_updated_at: string | null;
}

function fromRow(row: Row): PageCheckpoint {
  return {
    cursor: row.cursor,
    done: row.done === 1,
    pages: row.pages,
    records: row.records,
    childRecords: row.child_records,
    requests: row.requests,
    throttledMs: row.throttled_ms,
    maxUpdatedAt: row.max_updated_at,
  };
}

function readRow(db: Db, key: CheckpointKey): PageCheckpoint | undefined {
  const row = db
    .prepare(
      'SELECT cursor, done, pages, records, child_records, requests, throttled_ms, max_updated_at ' +
        'FROM page_checkpoints WHERE run_id = ? AND activity_id = ?',
    )
    .get(key.runId, key.activityId) as Row | undefined;
  return row && fromRow(row);
}

/**
 * The activity's checkpoint, if an earlier attempt stored pages. Also drops what nobody will resume from: the
 * checkpoints of the same run's earlier activities for this resource (the workflow schedules the next activity
 * only after the previous one completed) and any checkpoint older than a day.
 */
export function startFromCheckpoint(db: Db, key: CheckpointKey, now = new Date()): PageCheckpoint | undefined {
  const staleBefore = new Date(now.getTime() - CHECKPOINT_MAX_AGE_MS).toISOString();
  db.prepare(
    'DELETE FROM page_checkpoints WHERE updated_at < ? ' + 'OR (run_id = ? AND resource = ? AND activity_id <> ?)',
  ).run(staleBefore, key.runId, key.resource, key.activityId);
  return readRow(db, key);
}

/** Thrown when another attempt of the same activity has moved the checkpoint on: this attempt is superseded. */
export class CheckpointMovedError extends Error {
  override name = 'CheckpointMovedError';
}

/**
 * Writes the checkpoint after a page; call it inside the page's transaction. `previousPages` is the page count this
 * attempt last wrote (or started from): if the stored checkpoint says otherwise, another attempt of the activity
 * (this one was paused, its worker presumed dead) has taken over, and this one must not write on.
 */
export function saveCheckpoint(
  db: Db,
  key: CheckpointKey,
  previousPages: number,
  checkpoint: PageCheckpoint,
  now = new Date(),
): void {
  const stored = readRow(db, key)?.pages ?? 0;
  if (stored !== previousPages) {
    throw new CheckpointMovedError(
      `${key.resource}: another attempt of this activity has stored ${stored} pages, this one ${previousPages}; ` +
        `this attempt stops`,
    );
  }
  db.prepare(
    'INSERT INTO page_checkpoints (run_id, activity_id, resource, cursor, done, pages, records, child_records, ' +
      'requests, throttled_ms, max_updated_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT (run_id, activity_id) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, ' +
      'pages = excluded.pages, records = excluded.records, child_records = excluded.child_records, ' +
      'requests = excluded.requests, throttled_ms = excluded.throttled_ms, ' +
      'max_updated_at = excluded.max_updated_at, updated_at = excluded.updated_at',
  ).run(
    key.runId,
    key.activityId,
    key.resource,
    checkpoint.cursor,
    checkpoint.done ? 1 : 0,
    checkpoint.pages,
    checkpoint.records,
    checkpoint.childRecords,
    checkpoint.requests,
    checkpoint.throttledMs,
    checkpoint.maxUpdatedAt,
    now.toISOString(),
  );
}

/** Once a resource's watermark is committed its checkpoints are of no further use. */
export function dropCheckpoints(db: Db, resource: string): void {
  db.prepare('DELETE FROM page_checkpoints WHERE resource = ?').run(resource);
}
