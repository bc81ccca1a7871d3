import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type {
  BulkPollInput,
  BulkStartInput,
  ReconcileApplyInput,
  ResourceName,
  StageReport,
  SyncPageInput,
} from '../../common/contract';

/** Pages per resource in the stubbed shop; every page holds `RECORDS_PER_PAGE` records. */
export type ShopPages = Record<ResourceName, number>;
export const RECORDS_PER_PAGE = 10;

/** What the workflow asked of its activities, in order. */
export interface Calls {
  order: string[];
  plans: Array<{ full: boolean; resources: ResourceName[] }>;
  pages: SyncPageInput[];
  watermarks: Array<{ resource: ResourceName; maxUpdatedAt: string | null; startedAt: string }>;
  bulkStarts: BulkStartInput[];
  bulkPolls: BulkPollInput[];
  bulkIngests: BulkPollInput[];
  bulkCancels: BulkPollInput[];
  reconcilePlans: Array<{ requested: boolean }>;
  reconciles: ReconcileApplyInput[];
}

/**
 * Full syncs through bulk operations: each operation answers RUNNING to its first `runningPolls` checks, then
 * COMPLETED; the first `failures[resource]` operations of a resource end FAILED (INTERNAL_SERVER_ERROR) instead.
 */
export interface BulkScript {
  runningPolls: number;
  failures?: Partial<Record<ResourceName, number>>;
  /** Called at each check, e.g. to wait for the test before answering. */
  onPoll?: (input: BulkPollInput, calls: Calls) => Promise<void>;
  /** Operations started with these inputs end FAILED with TIMEOUT (e.g. windows too wide). */
  timesOut?: (start: BulkStartInput) => boolean;
  /** The resource's nth check fails the run (as ACCESS_DENIED does). */
  deniedAt?: { resource: ResourceName; poll: number };
}
/** Every record of a stubbed bulk result was last updated then. */
export const BULK_UPDATED_AT = '2026-11-20T08:00:00.000Z';

/** Page n of a resource was last updated on day n of November 2026: the watermark is the last page's. */
export function pageUpdatedAt(page: number): string {
  return `2026-11-${String(page).padStart(2, '0')}T10:00:00.000Z`;
}

const UPDATED_AT_MIN = '2026-10-31T00:00:00.000Z';

/**
 * Activities with the real signatures and no I/O: one page per `syncPage`, cursors `<resource>:<next page>`, local
 * outputs that report done, and a Sheets push that fails when told to.
 */
export function stubActivities(
  shop: ShopPages,
  options: {
    sheetsFailure?: ApplicationFailure;
    bulk?: BulkScript;
    /** Resources whose RECONCILE_INTERVAL has passed (default none); every resource when the run asks. */
    reconcileDue?: ResourceName[];
    /** Resources whose incremental window the plan finds unchanged (nothing new since the watermark). */
    unchanged?: ResourceName[];
  } = {},
) {
  const calls: Calls = {
    order: [],
    plans: [],
    pages: [],
    watermarks: [],
    bulkStarts: [],
    bulkPolls: [],
    bulkIngests: [],
    bulkCancels: [],
    reconcilePlans: [],
    reconciles: [],
  };
  const bulk = options.bulk;
  const operationResource = (id: string) => id.split('/')[0] as ResourceName;
  const operationNumber = (id: string) => Number(id.split('/')[1]);
  const output = (name: string) => async (): Promise<StageReport> => {
    calls.order.push(name);
    return { name, status: 'done', detail: `${name} written` };
  };
  const notUsedBySync = async (): Promise<never> => {
    throw new Error('not an activity of shopifySync');
  };
  const activities: Activities = {
    redactCustomerData: notUsedBySync,
    purgeErasedData: notUsedBySync,
    async planSync(input) {
      calls.order.push('planSync');
      calls.plans.push(input);
      return Object.fromEntries(
        input.resources.map((name) => [
          name,
          {
            updatedAtMin: UPDATED_AT_MIN,
            expected: null,
            method: input.full && bulk ? 'bulk' : 'pages',
            ...(!input.full && options.unchanged?.includes(name) ? { windowCount: 2, unchanged: true } : {}),
          },
        ]),
      );
    },
    async syncPage(input) {
      calls.order.push('syncPage');
      calls.pages.push(input);
      const page = input.cursor === null ? 1 : Number(input.cursor.split(':')[1]);
      const last = page >= shop[input.resource];
      return {
        nextCursor: last ? null : `${input.resource}:${page + 1}`,
        pages: 1,
        records: RECORDS_PER_PAGE,
        childRecords: 0,
        requests: 1,
        throttledMs: 0,
        maxUpdatedAt: pageUpdatedAt(page),
      };
    },
    async startBulkSync(input) {
      calls.order.push('startBulkSync');
      calls.bulkStarts.push(input);
      const n = calls.bulkStarts.filter((s) => s.resource === input.resource).length;
      return { operationId: `${input.resource}/${n}` };
    },
    async pollBulkSync(input) {
      calls.order.push('pollBulkSync');
      calls.bulkPolls.push(input);
      await bulk?.onPoll?.(input, calls);
      const polls = calls.bulkPolls.filter((p) => p.operationId === input.operationId).length;
      if (bulk?.deniedAt?.resource === input.resource && bulk.deniedAt.poll === polls) {
        throw ApplicationFailure.nonRetryable(`${input.operationId}: ACCESS_DENIED.`, 'ShopifyScopeError');
      }
      if (polls <= (bulk?.runningPolls ?? 0)) return { state: 'running', status: 'RUNNING', objectCount: 0 };
      const start = calls.bulkStarts.filter((s) => s.resource === input.resource)[
        operationNumber(input.operationId) - 1
      ];
      if (start && bulk?.timesOut?.(start)) {
        return { state: 'rerun', reason: 'TIMEOUT', message: `${input.operationId} timed out.` };
      }
      if (operationNumber(input.operationId) <= (bulk?.failures?.[operationResource(input.operationId)] ?? 0)) {
        return { state: 'rerun', reason: 'INTERNAL_SERVER_ERROR', message: `${input.operationId} failed.` };
      }
      return { state: 'completed', objectCount: shop[input.resource] * RECORDS_PER_PAGE };
    },
    async cancelBulkSync(input) {
      calls.order.push('cancelBulkSync');
      calls.bulkCancels.push(input);
      return { status: 'CANCELING' };
    },
    async ingestBulkSync(input) {
      calls.order.push('ingestBulkSync');
      calls.bulkIngests.push(input);
      return {
        state: 'stored',
        records: shop[input.resource] * RECORDS_PER_PAGE,
        childRecords: 0,
        lines: shop[input.resource] * RECORDS_PER_PAGE,
        orphans: 0,
        maxUpdatedAt: BULK_UPDATED_AT,
      };
    },
    async commitWatermark(input) {
      calls.order.push('commitWatermark');
      calls.watermarks.push(input);
      return input.maxUpdatedAt;
    },
    async applyDeletionEvents() {
      calls.order.push('deletionEvents');
      return {
        applied: true,
        events: 2,
        removed: { orders: 1, products: 1 },
        ignored: 0,
        watermark: null,
        detail: '2 destroy events; removed 1 orders, 1 products',
      };
    },
    async planReconciliation(input) {
      calls.order.push('planReconciliation');
      calls.reconcilePlans.push(input);
      const due = input.requested
        ? (['products', 'customers', 'orders'] as ResourceName[])
        : (options.reconcileDue ?? []);
      return { due, detail: input.requested ? 'requested (--reconcile)' : due.length ? 'due' : 'not due' };
    },
    async startReconcileListing(input) {
      calls.order.push(`startReconcileListing:${input.resource}`);
      return { operationId: `${input.resource}/ids`, listedAt: '2026-11-30T06:00:00.000Z' };
    },
    async applyReconciliation(input) {
      calls.order.push(`applyReconciliation:${input.resource}`);
      calls.reconciles.push(input);
      const report = { resource: input.resource, listed: 10, held: 11, judged: 11, missing: 1 };
      return [{ ...report, deleted: 1, refused: null, message: `Reconciliation of ${input.resource}: 1 removed.` }];
    },
    exportCsv: output('csv'),
    computeAnalytics: output('analytics'),
    renderDashboard: output('dashboard'),
    async pushToSheets() {
      calls.order.push('sheets');
      if (options.sheetsFailure) throw options.sheetsFailure;
      return { name: 'sheets', status: 'done', detail: 'pushed' };
    },
  };
  return { activities, calls };
}
