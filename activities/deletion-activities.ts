/**
 * Applies what Shopify deleted, read from its destroy events, to the database: after the Shopify stages and before
 * the outputs, so the CSVs, analytics, dashboard and Sheet of the same run no longer show deleted records.
 *
 * The events watermark lives in `metadata` and is committed in the same transaction as the removals: a crash
 * leaves both or neither, and a retried activity reads the same events again, which is harmless (removing what is
 * gone records nothing). The next watermark is the newest event seen, or, with none, the activity's start less the
 * lookback: an event older than that has had its lag to appear by now.
 */
import { log } from '@temporalio/activity';
import type { DeletionEventsReport } from '../common/contract';
import {
  DEFAULT_LOOKBACK_MS,
  DELETION_SUBJECTS,
  type DeletionEventsOptions,
  type DeletionEventsResult,
} from './shopify/graphql/deletion-events';
import type { Db } from './store/database';
import { deleteRecords } from './store/deletions';
import { getMetadata, setMetadata } from './store/metadata';

export const DELETION_EVENTS_WATERMARK = 'watermark:deletion-events';

export type ReadDeletionEvents = (options: DeletionEventsOptions) => Promise<DeletionEventsResult>;

export interface DeletionDeps {
  db: () => Db;
  /** Reads destroy events (GraphQL `events`). */
  deletionEvents: () => ReadDeletionEvents;
  lookbackMs?: number;
  now?: () => number;
}

export function createDeletionActivities(deps: DeletionDeps) {
  const now = deps.now ?? Date.now;
  const lookbackMs = deps.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  return {
    async applyDeletionEvents(): Promise<DeletionEventsReport> {
      const startedMs = now();
      const db = deps.db();
      const since = getMetadata(db, DELETION_EVENTS_WATERMARK);
      const read = await deps.deletionEvents()({ since, lookbackMs });
      // Applied in declaration order (a product before its variants), whatever the order of the events.
      const byResource = new Map<string, { id: number; deletedAt: string }[]>(
        Object.values(DELETION_SUBJECTS).map(({ resource }) => [resource, []]),
      );
      for (const d of read.deletions) byResource.set(d.resource, [...(byResource.get(d.resource) ?? []), d]);
      const floor = new Date(startedMs - lookbackMs).toISOString();
      const candidates = [since, read.newestEventAt, floor].filter((t): t is string => t !== null);
      const watermark = candidates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
      const removed: Record<string, number> = {};
      db.transaction(() => {
        for (const [resource, deletions] of byResource) {
          const result = deleteRecords(db, resource, deletions, 'event');
          if (result.removed > 0) removed[resource] = result.removed;
        }
        setMetadata(db, DELETION_EVENTS_WATERMARK, watermark);
      })();
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      const parts = Object.entries(removed).map(([name, n]) => `${n} ${name}`);
      const ignored = read.ignored ? `, ${read.ignored} not trusted` : '';
      const detail = `${read.deletions.length} destroy events${ignored}; removed ${total ? parts.join(', ') : 'nothing'}`;
      log.info(`Deletion events: ${detail}`, { since, watermark, removed });
      return { applied: true, events: read.deletions.length, removed, ignored: read.ignored, watermark, detail };
    },
  };
}
