import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { ResourceName, StageReport, SyncPageInput } from '../../common/contract';

/** Pages per resource in the stubbed shop; every page holds `RECORDS_PER_PAGE` records. */
export type ShopPages = Record<ResourceName, number>;
export const RECORDS_PER_PAGE = 10;

/** What the workflow asked of its activities, in order. */
export interface Calls {
  order: string[];
  plans: Array<{ full: boolean; resources: ResourceName[] }>;
  pages: SyncPageInput[];
  watermarks: Array<{ resource: ResourceName; maxUpdatedAt: string | null; startedAt: string }>;
}

/** Page n of a resource was last updated on day n of November 2026: the watermark is the last page's. */
export function pageUpdatedAt(page: number): string {
  return `2026-11-${String(page).padStart(2, '0')}T10:00:00.000Z`;
}

const UPDATED_AT_MIN = '2026-10-31T00:00:00.000Z';

/**
 * Activities with the real signatures and no I/O: one page per `syncPage`, cursors `<resource>:<next page>`, local
 * outputs that report done, and a Sheets push that fails when told to.
 */
export function stubActivities(shop: ShopPages, options: { sheetsFailure?: ApplicationFailure } = {}) {
  const calls: Calls = { order: [], plans: [], pages: [], watermarks: [] };
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
        input.resources.map((name) => [name, { updatedAtMin: UPDATED_AT_MIN, expected: null }]),
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
