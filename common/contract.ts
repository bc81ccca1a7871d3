/**
 * What the client, the worker and the workflow agree on. Pure TypeScript with no Node imports:
 * the workflow bundle imports it too.
 */

export const DEFAULT_TASK_QUEUE = 'shopify-sync';
/** Query name of the workflow's progress (its SyncState): `temporal workflow query --name progress`. */
export const PROGRESS_QUERY = 'progress';
/**
 * The resources, in sync order, with what the workflow and the connection check must know of each (the rest of a
 * resource's declaration is in activities/store/resources.ts, which the workflow bundle cannot import):
 * - `patch`: the `patched()` id the workflow takes the resource behind. The first three have none; every resource
 *   added later has one (`'<name>-resource'`), so a run recorded without it replays without it.
 * - `scopes`: the Admin API access scopes reading it needs; the connection check asks for all of them.
 */
export const RESOURCE_DECLARATIONS = [
  { name: 'products', patch: null, scopes: ['read_products'] },
  { name: 'customers', patch: null, scopes: ['read_customers'] },
  // Without read_all_orders Shopify shows only the last 60 days of orders.
  { name: 'orders', patch: null, scopes: ['read_orders', 'read_all_orders'] },
] as const satisfies ReadonlyArray<ResourceDeclaration>;

export interface ResourceDeclaration {
  name: string;
  patch: string | null;
  scopes: readonly string[];
}

export type ResourceName = (typeof RESOURCE_DECLARATIONS)[number]['name'];
export const RESOURCE_NAMES: readonly ResourceName[] = RESOURCE_DECLARATIONS.map((r) => r.name);

/**
 * The resources a workflow run syncs: those without a patch, and those whose patch `isPatched` (the workflow's
 * `patched`) accepts. Asked only for resources with a patch, so histories of the first three carry no marker.
 */
export function resourcesToSync<Name extends string>(
  declarations: ReadonlyArray<{ name: Name; patch: string | null }>,
  isPatched: (patchId: string) => boolean,
): Name[] {
  return declarations.filter((r) => r.patch === null || isPatched(r.patch)).map((r) => r.name);
}

/** The access scopes of one resource. */
export function resourceScopes(name: ResourceName): string[] {
  return [...RESOURCE_DECLARATIONS.find((r) => r.name === name)!.scopes];
}

/** Stable workflow id: one sync per store at a time. */
export function syncWorkflowId(store: string): string {
  return `shopify-sync-${store}`;
}

export interface SyncInput {
  /** Ignore watermarks and fetch everything. */
  full?: boolean;
  /** Push to Google Sheets after the local outputs (still skipped when GOOGLE_SHEET_ID is unset). */
  sheets?: boolean;
  /** Continue as new past this many history events (default 10,000, far below Temporal's 51,200 limit). */
  historyLimit?: number;
  /** First wait between a bulk operation's status checks, growing to 30 s (default 2 s; tests pass less). */
  bulkPollMs?: number;
  /** Compare Shopify's full lists of ids with the database now, not only every RECONCILE_INTERVAL. */
  reconcile?: boolean;
  /** Let reconciliation remove more than its share guard allows (5% of a table). */
  force?: boolean;
  /** Internal: the state carried across continue-as-new. */
  resume?: SyncState;
}

export interface ResourceProgress {
  /** Opaque Shopify page_info of the next page to fetch; null before the first page. */
  cursor: string | null;
  pages: number;
  records: number;
  /** Records in child tables (variants, line items, ...). */
  childRecords: number;
  /** HTTP requests sent to Shopify (429s included) and time spent waiting for its rate limit. */
  requests: number;
  throttledMs: number;
  done: boolean;
  /** `updated_at_min` sent to Shopify (ISO), null in full mode or on the first sync. */
  updatedAtMin: string | null;
  /** Highest `updated_at` seen in this run (ISO), the next watermark's candidate. */
  maxUpdatedAt: string | null;
  /** When this run started paging the resource (ISO, workflow time). */
  startedAt: string | null;
  /** Records Shopify counted before a full sync, for the ETA; null when not counted. */
  expected: number | null;
  /** How the resource is read: one bulk operation, or pages (absent in runs started before bulk operations). */
  method?: SyncMethod;
  /** The bulk operation this run waits for or stores; kept across continue-as-new so no second one is started. */
  bulkOperationId?: string | null;
  /** Operations started again after Shopify failed one or its result expired. */
  bulkReruns?: number;
  /** Status checks of the current operation (they set the wait before the next). */
  bulkPolls?: number;
  /**
   * After Shopify timed out an operation: the `updated_at` windows still to export, oldest first, one operation each
   * (the first is the current one). Absent: one operation for everything since `updatedAtMin`.
   */
  bulkWindows?: BulkWindow[];
  /** Windows split in two after a TIMEOUT so far (bounded). */
  bulkSplits?: number;
  /** Incremental runs: the plan found nothing new in the window, so it was not read (done without pages). */
  unchanged?: boolean;
}

/** Records updated at or after `min` (null: any time) and before `max` (null: no end). */
export interface BulkWindow {
  min: string | null;
  max: string | null;
}

export type SyncMethod = 'bulk' | 'pages';

export type SyncStage = 'starting' | 'shopify' | 'outputs' | 'done' | 'failed';

export interface StageReport {
  name: string;
  status: 'done' | 'skipped' | 'failed';
  detail: string;
  /** Files the stage wrote (on the worker's machine). */
  outputs?: string[];
  durationMs?: number;
}

export interface SyncState {
  mode: 'full' | 'incremental';
  sheets: boolean;
  startedAt: string;
  stage: SyncStage;
  /** Watermarks read and counts taken: a continued-as-new run does not plan again. */
  planned: boolean;
  resources: Record<ResourceName, ResourceProgress>;
  stages: StageReport[];
  continuedAsNew: number;
  /** Destroy events applied after the Shopify stages; absent in runs from before them (or not yet applied). */
  deletions?: DeletionEventsReport;
  /** Reconciliation after the destroy events; absent in runs from before it (or not yet decided). */
  reconciliation?: ReconciliationReport;
}

/** What applyDeletionEvents removed: records Shopify deleted, found through its destroy events. */
export interface DeletionEventsReport {
  /** False in results of versions that read REST, which had no events: nothing was looked for, `detail` said so. */
  applied: boolean;
  /** Destroy events read (lookback included, so some may name records already gone). */
  events: number;
  /** Records removed here, per name deleted by: orders, customers, products, product_variants. */
  removed: Record<string, number>;
  /** Events that did not fit (wrong subject, unreadable id), so were not trusted. */
  ignored: number;
  /** The events watermark after this run (ISO), null when there is none yet. */
  watermark: string | null;
  detail: string;
}

export interface SyncResult {
  mode: 'full' | 'incremental';
  startedAt: string;
  finishedAt: string;
  resources: Record<
    ResourceName,
    Pick<ResourceProgress, 'pages' | 'records' | 'childRecords' | 'requests' | 'throttledMs' | 'method' | 'unchanged'>
  >;
  stages: StageReport[];
  continuedAsNew: number;
  deletions?: DeletionEventsReport;
  reconciliation?: ReconciliationReport;
}

/** Whether this run reconciles, and which resources: all when asked, else those whose RECONCILE_INTERVAL passed. */
export interface ReconciliationPlan {
  due: ResourceName[];
  detail: string;
}

export interface ReconcileListingInput {
  resource: ResourceName;
}

/** An ids-only bulk operation; records created after `listedAt` (ISO) are not judged by it. */
export interface ReconcileListingStarted {
  operationId: string;
  listedAt: string;
}

export interface ReconcileApplyInput extends ReconcileListingStarted {
  resource: ResourceName;
  force: boolean;
}

/** One table's reconciliation (products give two: products, product_variants). */
export interface ReconcileTableReport {
  resource: string;
  /** Distinct ids in the listing (0 when it was not read). */
  listed: number;
  /** Records stored here before reconciling. */
  held: number;
  /** Records old enough (and, for orders without read_all_orders, recent enough) to be judged. */
  judged: number;
  /** Judged records absent from the listing. */
  missing: number;
  deleted: number;
  /** Why nothing was removed: a listing cut short, or more missing than the set share. */
  refused: 'incomplete-listing' | 'too-many-missing' | null;
  /** What happened, for the run's report and the Web UI. */
  message: string;
}

export interface ReconciliationReport {
  ran: boolean;
  /** Why it ran (asked, due) or not (not due until …, off, REST). */
  detail: string;
  tables: ReconcileTableReport[];
}

/**
 * Input and output of the page activity, which stores consecutive pages of one resource (up to a page and time
 * budget): small, so the pages' records never enter Temporal history.
 */
export interface SyncPageInput {
  resource: ResourceName;
  /** Cursor of the activity's first page; null for the resource's first page. */
  cursor: string | null;
  updatedAtMin: string | null;
  /** Number of the activity's first page within the resource (for logs). */
  page: number;
}

/** Totals over the pages the activity stored. */
export interface SyncPageResult {
  /** Cursor of the next page after the activity's last; null once the resource's last page is stored. */
  nextCursor: string | null;
  /** Pages stored; absent in results recorded when the activity stored exactly one page. */
  pages?: number;
  records: number;
  childRecords: number;
  requests: number;
  throttledMs: number;
  maxUpdatedAt: string | null;
}

/** Inputs and outputs of the bulk activities: ids and counts only, never records or the signed result URL. */
export interface BulkStartInput {
  resource: ResourceName;
  updatedAtMin: string | null;
  /** Only records updated before this (a window after a TIMEOUT); absent or null: no end. */
  updatedAtMax?: string | null;
}

export interface BulkPollInput {
  resource: ResourceName;
  operationId: string;
}

export type BulkIngestInput = BulkPollInput;

/** `rerun`: the operation's result cannot be had (failed on Shopify's side, or expired): start a new one. */
export type BulkRerun = {
  state: 'rerun';
  reason: string;
  message: string;
  /** TIMEOUT: the resource's oldest `updated_at` at Shopify, where splitting a window without a start begins. */
  oldestUpdatedAt?: string | null;
};

export type BulkPollResult =
  { state: 'running'; status: string; objectCount: number } | { state: 'completed'; objectCount: number } | BulkRerun;

export type BulkIngestResult =
  | {
      state: 'stored';
      records: number;
      childRecords: number;
      lines: number;
      /** Lines whose parent was not in the file (only a partial result has any). */
      orphans: number;
      maxUpdatedAt: string | null;
    }
  | BulkRerun;

/**
 * Failure types that retrying cannot fix (a person must change a setting, a permission or the data): activities
 * throw them with ApplicationFailure.nonRetryable, and the workflow's retry policies list them too.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ShopifyAuthError',
  'ShopifyScopeError',
  'ShopifyNotFound',
  'ShopifyShopUnavailable',
  'ShopifyBadRequest',
  'ConfigError',
  'DatabaseCorrupt',
  'InvalidRecord',
  'SheetsPermissionDenied',
  'SheetsNotFound',
  'SheetsRejected',
  'SheetsTooLarge',
];
