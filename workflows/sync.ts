import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  log,
  patched,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import {
  BulkPollInput,
  BulkRerun,
  BulkWindow,
  NON_RETRYABLE_ERROR_TYPES,
  PROGRESS_QUERY,
  ReconcileTableReport,
  RESOURCE_DECLARATIONS,
  ResourceName,
  resourcesToSync,
  ResourceProgress,
  SyncInput,
  SyncResult,
  StageReport,
  SyncState,
} from '../common/contract';
import { computeAnalytics, exportCsv, pushToSheets, renderDashboard } from './output-steps';
import { describeProgress } from './progress-text';

export const progressQuery = defineQuery<SyncState>(PROGRESS_QUERY);

const shopifyRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * Shopify pages, several per activity: retried until Shopify answers again (attempts show in the Web UI); bad config
 * fails at once.
 */
const { syncPage } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // A killed worker is noticed after this, not after the whole page timeout.
  heartbeatTimeout: '10 seconds',
  retry: shopifyRetry,
});
const { planSync, commitWatermark } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: shopifyRetry,
});
/** Reads destroy events (paged, usually one page per subject type) and removes those records in one transaction. */
const { applyDeletionEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: shopifyRetry,
});

/** Reconciliation: whether it is due, and starting an id listing, are short; comparing streams the listing. */
const { planReconciliation, startReconcileListing } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: shopifyRetry,
});
const { applyReconciliation } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: shopifyRetry,
});

/** Bulk operations: starting one and checking it are single short requests; waiting is the workflow's timers. */
const { startBulkSync, pollBulkSync } = proxyActivities<Activities>({
  // One or two requests: a check lost with a killed worker is retried after this, not after minutes.
  startToCloseTimeout: '30 seconds',
  retry: shopifyRetry,
});
/** Cancelling the operations of a cancelled sync: a few quick attempts, as the run is ending either way. */
const { cancelBulkSync } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...shopifyRetry, maximumAttempts: 3 },
});
/** Storing a bulk result streams the whole file: long, heartbeating, resumed from its SQLite checkpoints. */
const { ingestBulkSync } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: shopifyRetry,
});

/** Shopify runs up to 5 bulk queries at once per app and shop on API 2026-01 and later. */
const MAX_CONCURRENT_BULK_OPERATIONS = 5;
/** A bulk operation Shopify failed (or whose result expired) is run again this many times, then the sync fails. */
const MAX_BULK_RERUNS = 3;

const FIRST_BULK_POLL_MS = 2_000;

/**
 * An operation Shopify timed out is run again as two, over the two halves of its `updated_at` window; at most this
 * many times per resource, and never below an hour, after which a TIMEOUT counts as a rerun like the other failures.
 */
const MAX_BULK_SPLITS = 32;
const MIN_BULK_WINDOW_MS = 3_600_000;
/** The lower end of a window with none when Shopify did not say its oldest record: no record is older than Shopify. */
const EARLIEST_RECORD = '2006-01-01T00:00:00Z';

/**
 * The two halves of a window, split at the whole second halfway through it. For splitting, a window without a start
 * starts at the resource's oldest record (`oldest`), one without an end ends at `until` (when the resource started);
 * the halves keep the open ends. Null when a half would be under an hour.
 */
function splitWindow(window: BulkWindow, until: string, oldest?: string | null): [BulkWindow, BulkWindow] | null {
  const from = Date.parse(window.min ?? oldest ?? EARLIEST_RECORD);
  const to = Date.parse(window.max ?? until);
  if (!(to - from >= 2 * MIN_BULK_WINDOW_MS)) return null;
  const middle = new Date(Math.floor((from + to) / 2 / 1000) * 1000).toISOString();
  return [
    { min: window.min, max: middle },
    { min: middle, max: window.max },
  ];
}

/** 2 s after the first check, then half as long again each time, at most 30 s: short exports finish fast. */
function bulkPollDelayMs(polls: number, firstMs: number): number {
  return Math.min(30_000, Math.round(firstMs * 1.5 ** Math.max(0, polls - 1)));
}

/** Continue-as-new well before Temporal's history limits even if the server does not suggest it. */
const MAX_HISTORY_EVENTS = 10_000;

function freshProgress(): ResourceProgress {
  return {
    cursor: null,
    pages: 0,
    records: 0,
    childRecords: 0,
    requests: 0,
    throttledMs: 0,
    done: false,
    updatedAtMin: null,
    maxUpdatedAt: null,
    startedAt: null,
    expected: null,
  };
}

function freshState(input: SyncInput, startedAt: string, names: ResourceName[]): SyncState {
  const resources = {} as Record<ResourceName, ResourceProgress>;
  for (const name of names) resources[name] = freshProgress();
  return {
    mode: input.full ? 'full' : 'incremental',
    sheets: input.sheets !== false,
    startedAt,
    stage: 'starting',
    planned: false,
    resources,
    stages: [],
    continuedAsNew: 0,
  };
}

/**
 * One sync of a store: products, customers and orders page by page (consecutive pages fetched and stored by one
 * activity, which checkpoints each page in SQLite), then the outputs. The cursors live in this workflow's state, so
 * a restarted worker or a continued-as-new run resumes after the last completed activity, and a retried activity
 * after its last stored page.
 */
export async function shopifySync(input: SyncInput = {}): Promise<SyncResult> {
  // A resource added after the first three comes behind its patch: a run recorded without it replays without it.
  const names = resourcesToSync(RESOURCE_DECLARATIONS, patched);
  const state = input.resume ?? freshState(input, new Date().toISOString(), names);
  setHandler(progressQuery, () => state);
  const report = () => setCurrentDetails(describeProgress(state));
  try {
    await plan(state, names, report);
    if (!(await syncResources(state, names, input.historyLimit ?? MAX_HISTORY_EVENTS, report, input.bulkPollMs))) {
      state.continuedAsNew += 1;
      await continueAsNew<typeof shopifySync>({ ...input, resume: state });
    }
    // Added with destroy events: runs started before it replay without this step.
    if (patched('deletion-events')) await applyDeletions(state, report);
    if (patched('reconciliation')) await reconcileWithShopify(state, input, report, input.bulkPollMs);
    await writeOutputs(state, report);
  } catch (error) {
    // Continuing as new is not a failure: the next run carries the state, and this run's details stay as they were.
    if (error instanceof ContinueAsNew) throw error;
    state.stage = 'failed';
    report();
    throw unwrap(error);
  }
  state.stage = 'done';
  report();
  return result(state, names);
}

/**
 * Watermarks and counts, once per run chain: a continued-as-new run plans only resources its state lacks (added to
 * RESOURCE_DECLARATIONS after the chain started).
 */
async function plan(state: SyncState, names: ResourceName[], report: () => void): Promise<void> {
  const unplanned = names.filter((name) => !state.planned || !state.resources[name]);
  if (unplanned.length === 0) return;
  state.stage = 'starting';
  for (const name of unplanned) state.resources[name] = freshProgress();
  report();
  const plans = await planSync.executeWithOptions({ summary: 'read watermarks and counts' }, [
    { full: state.mode === 'full', resources: unplanned },
  ]);
  for (const name of unplanned) {
    const progress = state.resources[name];
    progress.updatedAtMin = plans[name].updatedAtMin;
    progress.expected = plans[name].expected;
    if (plans[name].method) progress.method = plans[name].method;
    // Nothing new in the window: done without a page, the watermark left as it is. Plans recorded before this
    // never say so; the patch keeps a run started by the previous version paging as it did.
    if (plans[name].unchanged && patched('skip-unchanged-resources')) {
      progress.unchanged = true;
      progress.done = true;
      log.info(`Stage ${name} done: nothing updated since the watermark, not read`, { resource: name });
    }
  }
  state.planned = true;
}

/** Pages every resource to its end, or until the history is long: returns whether all are done. */
async function syncResources(
  state: SyncState,
  names: ResourceName[],
  historyLimit: number,
  report: () => void,
  bulkPollMs = FIRST_BULK_POLL_MS,
): Promise<boolean> {
  state.stage = 'shopify';
  report();
  log.info(`Shopify stages started (${state.mode})`);
  const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;
  // Runs recorded before bulk operations replay without them (and page, as they did); runs that page throughout
  // record no marker at all.
  const bulkOperations = names.some((name) => state.resources[name].method === 'bulk') && patched('bulk-operations');
  let bulkRunning = 0;

  async function syncResource(name: ResourceName): Promise<void> {
    const progress = state.resources[name];
    progress.startedAt ??= new Date().toISOString();
    if (bulkOperations && progress.method === 'bulk') {
      await condition(() => bulkRunning < MAX_CONCURRENT_BULK_OPERATIONS);
      bulkRunning += 1;
      try {
        await bulkResource(name, progress);
      } finally {
        bulkRunning -= 1;
      }
      return;
    }
    while (!progress.done) {
      if (historyIsLong()) return;
      const page = await syncPage.executeWithOptions({ summary: `${name} from page ${progress.pages + 1}` }, [
        { resource: name, cursor: progress.cursor, updatedAtMin: progress.updatedAtMin, page: progress.pages + 1 },
      ]);
      // Results recorded before an activity stored several pages have no page count: they stored one.
      progress.pages += page.pages ?? 1;
      progress.records += page.records;
      progress.childRecords += page.childRecords;
      progress.requests += page.requests;
      progress.throttledMs += page.throttledMs;
      if (
        page.maxUpdatedAt !== null &&
        (progress.maxUpdatedAt === null || Date.parse(page.maxUpdatedAt) > Date.parse(progress.maxUpdatedAt))
      ) {
        progress.maxUpdatedAt = page.maxUpdatedAt;
      }
      progress.cursor = page.nextCursor;
      if (page.nextCursor === null) {
        await commitWatermark.executeWithOptions({ summary: `commit ${name} watermark` }, [
          { resource: name, maxUpdatedAt: progress.maxUpdatedAt, startedAt: progress.startedAt },
        ]);
        progress.done = true;
        log.info(`Stage ${name} done: ${progress.records} records in ${progress.pages} pages`, { resource: name });
      }
      report();
    }
  }

  /**
   * One bulk operation for the resource: started once (its id kept in the state, so a new worker or a continued run
   * waits for the same one), checked with timers in between, then stored by one activity, then the watermark.
   */
  async function bulkResource(name: ResourceName, progress: ResourceProgress): Promise<void> {
    while (!progress.done) {
      if (historyIsLong()) return;
      if (!progress.bulkOperationId) {
        const window = progress.bulkWindows?.[0];
        const input = window
          ? { resource: name, updatedAtMin: window.min, updatedAtMax: window.max }
          : { resource: name, updatedAtMin: progress.updatedAtMin };
        const started = await startBulkSync.executeWithOptions({ summary: `start ${name} bulk operation` }, [input]);
        progress.bulkOperationId = started.operationId;
        progress.bulkPolls = 0;
        report();
      }
      const operationId = progress.bulkOperationId;
      const poll = await pollBulkSync.executeWithOptions({ summary: `check ${name} bulk operation` }, [
        { resource: name, operationId },
      ]);
      progress.bulkPolls = (progress.bulkPolls ?? 0) + 1;
      if (poll.state === 'running') {
        await sleep(bulkPollDelayMs(progress.bulkPolls, bulkPollMs));
        continue;
      }
      if (poll.state === 'rerun') {
        rerunBulk(name, progress, poll);
        continue;
      }
      const stored = await ingestBulkSync.executeWithOptions({ summary: `store ${name} bulk result` }, [
        { resource: name, operationId },
      ]);
      if (stored.state === 'rerun') {
        rerunBulk(name, progress, stored);
        continue;
      }
      progress.records += stored.records;
      progress.childRecords += stored.childRecords;
      if (
        stored.maxUpdatedAt !== null &&
        (progress.maxUpdatedAt === null || Date.parse(stored.maxUpdatedAt) > Date.parse(progress.maxUpdatedAt))
      ) {
        progress.maxUpdatedAt = stored.maxUpdatedAt;
      }
      if (progress.bulkWindows && progress.bulkWindows.length > 1) {
        // The next narrower window, the watermark once the last (open-ended) one is stored.
        progress.bulkWindows.shift();
        progress.bulkOperationId = null;
        report();
        continue;
      }
      // The watermark is capped at startedAt, taken before the first operation started: never later than it.
      await commitWatermark.executeWithOptions({ summary: `commit ${name} watermark` }, [
        { resource: name, maxUpdatedAt: progress.maxUpdatedAt, startedAt: progress.startedAt! },
      ]);
      progress.done = true;
      log.info(`Stage ${name} done: ${progress.records} records through bulk operation ${operationId}`, {
        resource: name,
      });
      report();
    }
  }

  function rerunBulk(name: ResourceName, progress: ResourceProgress, why: BulkRerun): void {
    // Added with narrower windows: runs started before it ran the same window again after a TIMEOUT.
    if (why.reason === 'TIMEOUT' && patched('bulk-timeout-windows')) {
      const current = progress.bulkWindows?.[0] ?? { min: progress.updatedAtMin, max: null };
      const halves =
        (progress.bulkSplits ?? 0) < MAX_BULK_SPLITS
          ? splitWindow(current, progress.startedAt!, why.oldestUpdatedAt)
          : null;
      if (halves) {
        progress.bulkWindows = [...halves, ...(progress.bulkWindows ?? []).slice(1)];
        progress.bulkSplits = (progress.bulkSplits ?? 0) + 1;
        log.warn(`${name}: ${why.message} Exporting it in two windows, split at ${halves[0].max}.`, { resource: name });
        progress.bulkOperationId = null;
        report();
        return;
      }
    }
    progress.bulkReruns = (progress.bulkReruns ?? 0) + 1;
    if (progress.bulkReruns > MAX_BULK_RERUNS) {
      throw ApplicationFailure.nonRetryable(
        `The ${name} bulk operation failed ${progress.bulkReruns} times on Shopify's side; last: ${why.message} ` +
          `Nothing more was started. Try again later; if it keeps timing out, sync increments (smaller windows) first.`,
        'ShopifyBulkFailed',
      );
    }
    log.warn(`${name}: running the bulk operation again (${why.reason}): ${why.message}`, { resource: name });
    progress.bulkOperationId = null;
    report();
  }

  /** The bulk operations started and not stored yet. Runs recorded before this replay without cancelling them. */
  function unstoredOperations(): BulkPollInput[] {
    const running = names.filter((name) => state.resources[name].bulkOperationId && !state.resources[name].done);
    if (running.length === 0 || !patched('cancel-bulk-operations')) return [];
    return running.map((name) => ({ resource: name, operationId: state.resources[name].bulkOperationId! }));
  }

  // Resources page concurrently; the worker's shared rate limiter keeps the shop's bucket from overflowing.
  try {
    await Promise.all(names.map(syncResource));
  } catch (error) {
    // Cancelled, or failed by one resource (the others' operations would run on for nothing): none stays running.
    if (isCancellation(error) || patched('cancel-bulk-operations-on-failure')) {
      await cancelAtShopify(unstoredOperations());
    }
    throw error;
  }
  return names.every((name) => state.resources[name].done);
}

/**
 * Cancels bulk operations a run is leaving behind, so none keeps running at Shopify; in a scope of its own, since a
 * cancelled run's scope is cancelled. One that cannot be cancelled is logged: the run is ending either way.
 */
async function cancelAtShopify(operations: BulkPollInput[]): Promise<void> {
  if (operations.length === 0) return;
  await CancellationScope.nonCancellable(() =>
    Promise.all(
      operations.map(({ resource, operationId }) =>
        cancelBulkSync
          .executeWithOptions({ summary: `cancel ${resource} bulk operation` }, [{ resource, operationId }])
          .catch((error: unknown) =>
            log.warn(`${resource}: could not cancel bulk operation ${operationId}: ${rootCause(error)}`, { resource }),
          ),
      ),
    ),
  );
}

/** Records Shopify deleted leave the database before the outputs are written from it. */
async function applyDeletions(state: SyncState, report: () => void): Promise<void> {
  state.deletions = await applyDeletionEvents.executeWithOptions({ summary: 'apply destroy events' }, []);
  log.info(`Deletions: ${state.deletions.detail}`);
  report();
}

/**
 * Shopify's full lists of ids compared with the database, when asked (`--reconcile`) or every RECONCILE_INTERVAL:
 * one ids-only bulk operation per due resource, waited for with timers, then compared. The sync's own bulk
 * operations are finished by now, so these three stay within MAX_CONCURRENT_BULK_OPERATIONS.
 */
async function reconcileWithShopify(
  state: SyncState,
  input: SyncInput,
  report: () => void,
  pollMs = FIRST_BULK_POLL_MS,
): Promise<void> {
  const plan = await planReconciliation.executeWithOptions({ summary: 'is reconciliation due?' }, [
    { requested: input.reconcile === true },
  ]);
  const reconciliation = { ran: plan.due.length > 0, detail: plan.detail, tables: [] as ReconcileTableReport[] };
  state.reconciliation = reconciliation;
  report();
  // Listings started and not yet read: cancelled at Shopify if the run is cancelled or fails meanwhile.
  const listing = new Map<ResourceName, string>();
  const listAndReconcile = async (resource: ResourceName) => {
    const started = await startReconcileListing.executeWithOptions({ summary: `list ${resource} ids` }, [{ resource }]);
    listing.set(resource, started.operationId);
    for (let polls = 1; ; polls += 1) {
      const poll = await pollBulkSync.executeWithOptions({ summary: `check ${resource} id listing` }, [
        { resource, operationId: started.operationId },
      ]);
      if (poll.state !== 'running') break;
      await sleep(bulkPollDelayMs(polls, pollMs));
    }
    listing.delete(resource);
    const tables = await applyReconciliation.executeWithOptions({ summary: `reconcile ${resource}` }, [
      { ...started, resource, force: input.force === true },
    ]);
    reconciliation.tables.push(...tables);
    for (const table of tables) log.info(table.message);
    report();
  };
  try {
    await Promise.all(plan.due.map(listAndReconcile));
  } catch (error) {
    if (listing.size > 0 && patched('cancel-reconcile-listings')) {
      await cancelAtShopify([...listing].map(([resource, operationId]) => ({ resource, operationId })));
    }
    throw error;
  }
}

/** CSVs, analytics, dashboard, then Sheets. A failed push never undoes the local outputs; it fails the run after them. */
async function writeOutputs(state: SyncState, report: () => void): Promise<void> {
  state.stage = 'outputs';
  report();
  const stage = async (run: () => Promise<StageReport>) => {
    const started = Date.now();
    const result = { ...(await run()), durationMs: Date.now() - started };
    log.info(`Stage ${result.name} ${result.status} in ${result.durationMs} ms: ${result.detail}`);
    state.stages.push(result);
    report();
  };
  await stage(() => exportCsv.executeWithOptions({ summary: 'export CSVs' }, []));
  await stage(() => computeAnalytics.executeWithOptions({ summary: 'compute analytics' }, []));
  // Added after the first release: runs started before it replay without this stage.
  if (patched('render-dashboard')) {
    await stage(() => renderDashboard.executeWithOptions({ summary: 'render dashboard' }, []));
  }
  let sheetsError: unknown;
  await stage(() =>
    pushToSheets
      .executeWithOptions({ summary: 'push to Google Sheets' }, [{ requested: state.sheets }])
      .catch((error) => {
        sheetsError = error;
        return { name: 'sheets', status: 'failed' as const, detail: rootCause(error) };
      }),
  );
  if (sheetsError) {
    throw ApplicationFailure.nonRetryable(
      `Google Sheets push failed: ${rootCause(sheetsError)} (SQLite, CSVs and analytics are complete.)`,
      'SheetsPushFailed',
    );
  }
}

function result(state: SyncState, names: ResourceName[]): SyncResult {
  const resources = {} as SyncResult['resources'];
  for (const name of names) {
    const { pages, records, childRecords, requests, throttledMs, method, unchanged } = state.resources[name];
    resources[name] = {
      ...{ pages, records, childRecords, requests, throttledMs },
      ...(method ? { method } : {}),
      ...(unchanged ? { unchanged } : {}),
    };
  }
  return {
    mode: state.mode,
    startedAt: state.startedAt,
    finishedAt: new Date().toISOString(),
    resources,
    stages: state.stages,
    continuedAsNew: state.continuedAsNew,
    ...(state.deletions ? { deletions: state.deletions } : {}),
    ...(state.reconciliation ? { reconciliation: state.reconciliation } : {}),
  };
}

function rootCause(error: unknown): string {
  return error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
}

/** Fail the run with the activity's own message (e.g. the 401 explanation), not "Activity task failed". */
function unwrap(error: unknown): unknown {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: error.cause.message,
      type: error.cause.type ?? undefined,
      nonRetryable: true,
      cause: error,
    });
  }
  return error;
}
