import { Context, heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ResourceName, SyncMethod, SyncPageInput, SyncPageResult } from '../common/contract';
import { describeRun, type OpenRun } from '../common/temporal-runs';
import type { CountWindow, RecordSource, ShopifyPage, WindowCount } from './shopify/record-source';
import { chooseSyncMethod } from './shopify/graphql/sync-method';
import { laterOf, nextWatermark, updatedAtMinFrom } from './shopify/watermark';
import {
  CheckpointKey,
  CheckpointMovedError,
  dropCheckpoints,
  PageCheckpoint,
  saveCheckpoint,
  startFromCheckpoint,
} from './store/checkpoints';
import type { Db } from './store/database';
import { getMetadata, setMetadata, watermarkKey } from './store/metadata';
import { recordUpdatedAt, type ResourceSpec, SHOP_TIME_ZONE_KEY } from './store/resources';
import { InvalidRecordError, upsertRecords } from './store/upsert';
import { storedSince } from './store/window-count';

/** Pages per activity at most: 5,000 records make Temporal's per-activity cost small next to fetching them. */
export const MAX_PAGES_PER_ACTIVITY = 20;
/** No new page is started after this: the workflow's progress (Web UI, CLI) moves once per activity. */
export const MAX_ACTIVITY_MS = 5_000;

export interface PageBudget {
  pages: number;
  ms: number;
}

export interface SyncDeps {
  db: () => Db;
  /** Where records are read: the GraphQL Admin API's paged queries. */
  source: () => RecordSource;
  /** Default: MAX_PAGES_PER_ACTIVITY and MAX_ACTIVITY_MS (tests pass smaller ones). */
  pageBudget?: PageBudget;
  /** Records above which an incremental window is read by a bulk operation; default: the cost model's
   * (chooseSyncMethod). Tests that must page a large window pass Infinity. */
  bulkAbove?: number;
  /** Milliseconds clock for the time budget (tests pass a fake one). */
  now?: () => number;
  /** The store's open sync runs, oldest first (the worker lists them on its task queue); absent: not checked. */
  openRuns?: () => Promise<OpenRun[]>;
  /** The store's name, for messages. */
  store?: string;
}

export interface ResourcePlan {
  updatedAtMin: string | null;
  /** Records Shopify counts for the resource (full syncs only, for progress and ETA). */
  expected: number | null;
  /** Full syncs use one bulk operation per resource; an increment too when its window is too big to page
   * (chooseSyncMethod). Optional: results recorded before bulk operations have none (pages). */
  method?: SyncMethod;
  /** Incremental runs: the records Shopify counted in the window, which chose the method. */
  windowCount?: number;
  /** Incremental runs: nothing in the window is new to the database (unchangedWindow), so it need not be read. */
  unchanged?: boolean;
}

/**
 * Whether an incremental window holds nothing the database lacks, by counts alone: no record at Shopify was updated
 * after the watermark, and Shopify counts as many records in the window (watermark − lookback) as the database
 * holds there. Updates only move `updated_at` forward, so every stored record of the window is still in Shopify's
 * window (unless deleted): a record edited since it was read is either after the watermark (counted as newer; the
 * watermark stays before the second paging started, see nextWatermark) or, saved late within the lookback, an extra
 * one in Shopify's count. Not caught at once: a record deleted while another appeared late in the window (the counts
 * match once the deletion is applied, the next run reads the window).
 */
function unchangedWindow(db: Db, asked: CountWindow, counted: WindowCount): boolean {
  if (!asked.newerThan || asked.updatedAtMin === null || counted.newer !== 0) return false;
  return storedSince(db, asked.spec, asked.updatedAtMin) === counted.count;
}

/**
 * One sync per store, however it was started: a run that finds an older open run of the store stops before it
 * fetches anything. Of two runs started together, both see each other and only the younger stops.
 */
async function refuseSecondRun(deps: SyncDeps): Promise<void> {
  if (!deps.openRuns) return;
  const self = Context.current().info.workflowExecution;
  const [oldest] = await deps.openRuns();
  if (!oldest || !self || oldest.runId === self.runId) return;
  throw ApplicationFailure.nonRetryable(
    `Another sync of ${deps.store ?? 'this store'} is already running: ${describeRun(oldest)}. This run ` +
      `(${self.workflowId}) stopped before fetching anything, so the store is not synced twice at once. ` +
      `Follow the running one with \`npm run sync\` or \`npm run sync -- --status\`; start syncs with the ` +
      `workflow id shopify-sync-<store> (as npm run sync does) so Temporal itself refuses a second one.`,
    'SyncAlreadyRunning',
  );
}

/** The Shopify stages' activities: plan from the watermarks, pages in batches, then commit the watermark. */
export function createSyncActivities(deps: SyncDeps) {
  const now = deps.now ?? Date.now;
  const budget = deps.pageBudget ?? { pages: MAX_PAGES_PER_ACTIVITY, ms: MAX_ACTIVITY_MS };
  const source = deps.source;
  return {
    async planSync(input: { full: boolean; resources: ResourceName[] }): Promise<Record<string, ResourcePlan>> {
      await refuseSecondRun(deps);
      const db = deps.db();
      const windows: CountWindow[] = [];
      for (const name of input.resources) {
        const watermark = input.full ? null : getMetadata(db, watermarkKey(name));
        windows.push({
          spec: await source().spec(name),
          updatedAtMin: updatedAtMinFrom(watermark),
          newerThan: watermark,
        });
      }
      // Every resource's counts in one request (1 point each).
      const counted = await source().counts(windows);
      const plan: Record<string, ResourcePlan> = {};
      const why: string[] = [];
      input.resources.forEach((name, k) => {
        const { spec, updatedAtMin } = windows[k];
        const window = counted.windows[k];
        if (input.full) {
          plan[name] = { updatedAtMin, expected: window.count, method: 'bulk' };
          why.push(`${name}: full, ${window.count} records, bulk`);
          return;
        }
        // Without a watermark (a first sync, or the first after the upgrade from REST) the window is the whole store.
        const choice = chooseSyncMethod(spec.graphql, window.count, counted.restoreRate, deps.bulkAbove);
        plan[name] = { updatedAtMin, expected: null, method: choice.method, windowCount: window.count };
        if (unchangedWindow(db, windows[k], window)) {
          plan[name].unchanged = true;
          why.push(
            `${name}: nothing updated since ${windows[k].newerThan}, the ${window.count} records since ` +
              `${updatedAtMin} all stored: not read`,
          );
          return;
        }
        why.push(
          `${name}: ${window.count} updated since ${updatedAtMin ?? 'ever'}, ${choice.method} (paging ≈ ` +
            `${choice.pagingSeconds} s of cost budget; bulk above ${choice.threshold} records)`,
        );
      });
      log.info(`Sync planned: ${why.join('; ')}`, { plan });
      return plan;
    },

    /**
     * Fetches and stores consecutive pages of one resource, from `input.cursor` to its last page or the budget
     * (MAX_PAGES_PER_ACTIVITY pages, no new page after MAX_ACTIVITY_MS). Each page is stored in one transaction
     * with the activity's checkpoint, while the next page's request is in flight; a retry continues from the
     * checkpoint. Only the cursor and the totals go back to the workflow.
     */
    async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
      const started = now();
      const { info } = Context.current();
      // Both stay the same across the activity's retries (an activity started outside a workflow has no run id).
      const runId = info.workflowExecution?.runId ?? '';
      const key = { runId, activityId: info.activityId, resource: input.resource };
      const spec = await source().spec(input.resource);
      const resumed = startFromCheckpoint(deps.db(), key);
      let totals: PageCheckpoint = resumed ?? {
        cursor: input.cursor,
        done: false,
        pages: 0,
        records: 0,
        childRecords: 0,
        requests: 0,
        throttledMs: 0,
        maxUpdatedAt: null,
      };
      if (resumed) {
        log.info(`${input.resource}: resuming from the checkpoint after ${resumed.pages} stored pages`, {
          resource: input.resource,
          pages: resumed.pages,
          done: resumed.done,
        });
      }
      const fetchPage = (cursor: string | null) => {
        const pending = source().page(spec, fromFirstPageIfRest(input.resource, cursor), input.updatedAtMin);
        // A prefetch that fails while the page before it is being stored is awaited (and thrown) later, or dropped.
        pending.catch(() => undefined);
        return pending;
      };
      // Heartbeats let Temporal notice a killed worker within the heartbeat timeout instead of the activity's timeout.
      const beat = setInterval(() => heartbeat({ pages: totals.pages }), 1_000);
      try {
        heartbeat({ pages: totals.pages });
        // A retry whose earlier attempt stored up to the end or the page budget only reports.
        let next = totals.done || totals.pages >= budget.pages ? undefined : fetchPage(totals.cursor);
        while (next) {
          const page = await next;
          const more =
            page.nextCursor !== null &&
            totals.pages + 1 < budget.pages &&
            now() - started < budget.ms &&
            !Context.current().cancellationSignal.aborted;
          next = more ? fetchPage(page.nextCursor) : undefined;
          // Lets the prefetch's request go out before the synchronous store below holds the event loop.
          if (next) await new Promise((resolve) => setImmediate(resolve));
          // deps.db() per page: a database file replaced meanwhile is reopened (the checkpoint check then fails the
          // attempt, and its retry starts over from the activity's first page into the new file).
          totals = storePage(deps.db(), key, input, totals, page, spec);
          heartbeat({ pages: totals.pages });
        }
      } finally {
        clearInterval(beat);
      }
      const { pages, records, childRecords, requests, throttledMs, maxUpdatedAt } = totals;
      return { nextCursor: totals.cursor, pages, records, childRecords, requests, throttledMs, maxUpdatedAt };
    },

    /** Called once a resource has been paged to the end: the next incremental run starts from here. */
    async commitWatermark(input: {
      resource: ResourceName;
      maxUpdatedAt: string | null;
      startedAt: string;
    }): Promise<string | null> {
      const db = deps.db();
      const key = watermarkKey(input.resource);
      const watermark = nextWatermark(input.maxUpdatedAt, input.startedAt, getMetadata(db, key));
      db.transaction(() => {
        if (watermark !== null) setMetadata(db, key, watermark);
        dropCheckpoints(db, input.resource);
      })();
      log.info(`${input.resource} watermark ${watermark ?? 'unchanged (nothing fetched)'}`, {
        resource: input.resource,
      });
      return watermark;
    },
  };
}

/**
 * A run started before the upgrade keeps a REST `page_info` path as its cursor (in the workflow's state or a page
 * checkpoint), which GraphQL cannot continue: the resource's window is read again from its first page instead. Pages
 * are upserts, so re-reading them stores nothing twice.
 */
function fromFirstPageIfRest(resource: ResourceName, cursor: string | null): string | null {
  if (cursor === null || !cursor.startsWith('/admin/api/')) return cursor;
  log.warn(`${resource}: the cursor was written by the REST client; reading the window again from its first page`, {
    resource,
  });
  return null;
}

/** Stores one page and the activity's checkpoint after it in one transaction; returns the new running totals. */
function storePage(
  db: Db,
  key: CheckpointKey,
  input: SyncPageInput,
  before: PageCheckpoint,
  page: ShopifyPage,
  spec: ResourceSpec,
): PageCheckpoint {
  let maxUpdatedAt = before.maxUpdatedAt;
  for (const record of page.records)
    maxUpdatedAt = laterOf(maxUpdatedAt, recordUpdatedAt(record, spec.graphql.incremental));
  let after: PageCheckpoint | undefined;
  let counts = { records: 0, childRecords: 0 };
  try {
    // upsertRecords' own transaction nests in this one as a savepoint: the page and its checkpoint commit together.
    db.transaction(() => {
      counts = upsertRecords(db, spec, page.records);
      if (spec.timeZone !== null) setMetadata(db, SHOP_TIME_ZONE_KEY, spec.timeZone);
      after = {
        cursor: page.nextCursor,
        done: page.nextCursor === null,
        pages: before.pages + 1,
        records: before.records + counts.records,
        childRecords: before.childRecords + counts.childRecords,
        requests: before.requests + page.requests,
        throttledMs: before.throttledMs + page.throttledMs,
        maxUpdatedAt,
      };
      saveCheckpoint(db, key, before.pages, after);
    })();
  } catch (error) {
    if (error instanceof InvalidRecordError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidRecord');
    if (error instanceof CheckpointMovedError) throw ApplicationFailure.retryable(error.message, 'CheckpointMoved');
    throw error;
  }
  const number = input.page + before.pages;
  const throttled = page.throttledMs > 0 ? `, waited ${page.throttledMs} ms for the rate limit` : '';
  log.info(
    `${input.resource} page ${number}: ${counts.records} records, ${counts.childRecords} child rows${throttled}`,
    {
      resource: input.resource,
      page: number,
      records: counts.records,
      childRecords: counts.childRecords,
      requests: page.requests,
      throttledMs: page.throttledMs,
      last: page.nextCursor === null,
    },
  );
  return after!;
}
