import path from 'node:path';
import Database from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { syncWorkflowId } from '../../common/contract';
import { DATABASE_FILE } from '../../activities/store/database';
import { compareWithStore, type Comparison } from './compare';
import { openReadOnly } from './sync-harness';

/** Every row of every table (and the schema version), to prove a failed run changed nothing. */
export function snapshotTables(dataDir: string): Record<string, unknown[]> {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const snapshot: Record<string, unknown[]> = { user_version: [db.pragma('user_version', { simple: true })] };
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    for (const { name } of tables) snapshot[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
    return snapshot;
  } finally {
    db.close();
  }
}

export function compareDir(dataDir: string, store: Parameters<typeof compareWithStore>[1]): Comparison {
  const db = openReadOnly(dataDir);
  try {
    return compareWithStore(db, store);
  } finally {
    db.close();
  }
}

export interface ActivityRun {
  type: string;
  summary: string;
  /** The attempt that ended the activity (1 = no retry). */
  attempt: number;
  /** The failure of the attempt before it, when it was retried. */
  lastFailure?: { message: string; type: string };
  outcome: 'completed' | 'failed' | 'other';
  failure?: { message: string; type: string; nonRetryable: boolean };
}

/** Each activity of the latest run of the store's workflow: its attempts and the last failure Temporal recorded. */
export async function activityRuns(env: TestWorkflowEnvironment, store: string): Promise<ActivityRun[]> {
  const history = await env.client.workflow.getHandle(syncWorkflowId(store)).fetchHistory();
  const scheduled = new Map<number, ActivityRun>();
  const runs: ActivityRun[] = [];
  for (const event of history.events ?? []) {
    const id = Number(event.eventId);
    if (event.activityTaskScheduledEventAttributes) {
      const attrs = event.activityTaskScheduledEventAttributes;
      const run: ActivityRun = {
        type: attrs.activityType?.name ?? '',
        summary: '',
        attempt: 0,
        outcome: 'other',
      };
      const summary = event.userMetadata?.summary?.data;
      if (summary) run.summary = JSON.parse(Buffer.from(summary).toString('utf8')) as string;
      scheduled.set(id, run);
      runs.push(run);
    } else if (event.activityTaskStartedEventAttributes) {
      const attrs = event.activityTaskStartedEventAttributes;
      const run = scheduled.get(Number(attrs.scheduledEventId));
      if (run) {
        run.attempt = attrs.attempt ?? 1;
        if (attrs.lastFailure) {
          run.lastFailure = {
            message: attrs.lastFailure.message ?? '',
            type: attrs.lastFailure.applicationFailureInfo?.type ?? '',
          };
        }
      }
    } else if (event.activityTaskCompletedEventAttributes) {
      const run = scheduled.get(Number(event.activityTaskCompletedEventAttributes.scheduledEventId));
      if (run) run.outcome = 'completed';
    } else if (event.activityTaskFailedEventAttributes) {
      const attrs = event.activityTaskFailedEventAttributes;
      const run = scheduled.get(Number(attrs.scheduledEventId));
      if (run) {
        run.outcome = 'failed';
        run.failure = {
          message: attrs.failure?.message ?? '',
          type: attrs.failure?.applicationFailureInfo?.type ?? '',
          nonRetryable: attrs.failure?.applicationFailureInfo?.nonRetryable ?? false,
        };
      }
    }
  }
  return runs;
}

/** Resolves once `probe` is true, polling every 10 ms (fast enough to act between two pages). */
export async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
