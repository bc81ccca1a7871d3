import type { SyncMethod } from '../../../common/contract';
import type { GraphqlSource } from '../../store/resources';
import { pageQuery } from './query-builder';

/** The Standard plan's restore rate, for when Shopify's answer did not carry its `throttleStatus`. */
export const STANDARD_RESTORE_RATE = 100;

/**
 * What a bulk operation costs before its first record is stored, in seconds: Shopify queues and runs even a small
 * operation for several seconds, the workflow notices it completed at its 1st-5th status check (2 s, then half as long
 * again each time: 2 + 3 + 4.5 + 6.75 + 10 s), and starting, checking and downloading are activities of their own.
 * Its points cost nothing worth counting (the mutation and the checks are 10 and 1 points).
 */
export const BULK_FIXED_SECONDS = 30;

export interface MethodChoice {
  method: SyncMethod;
  /** Records in the window (Shopify's count). */
  count: number;
  /** How long paging the window would wait for the cost bucket. */
  pagingSeconds: number;
  /** Windows of more records than this go through a bulk operation. */
  threshold: number;
}

/**
 * Pages or a bulk operation for an incremental window of `count` records. Paging is bound by the cost bucket: each
 * page reserves its requested cost up front (the query's, by Shopify's method: 98 points an order, 63 a product, 5 a
 * customer), so a record takes `cost per record / restoreRate` seconds; a bulk operation costs no bucket points but a
 * fixed BULK_FIXED_SECONDS. Bulk wins once paging would wait longer than that: above
 * `BULK_FIXED_SECONDS × restoreRate / cost per record` records (30 orders, 47 products or 598 customers on the
 * Standard plan's 100 points/s; ten times as many on Plus). The requested cost over-states what Shopify finally
 * charges (it refunds the unused part), so the choice leans to bulk, the method that does not compete with other
 * clients of the app for the bucket.
 */
export function chooseSyncMethod(
  source: GraphqlSource,
  count: number,
  restoreRate: number | null,
  /** A threshold of the caller's instead of the cost model's (tests that must page a large window). */
  bulkAbove?: number,
): MethodChoice {
  const page = pageQuery(source);
  const costPerRecord = page.cost / page.first;
  const rate = restoreRate && restoreRate > 0 ? restoreRate : STANDARD_RESTORE_RATE;
  const threshold = bulkAbove ?? Math.floor((BULK_FIXED_SECONDS * rate) / costPerRecord);
  const pagingSeconds = Math.round((count * costPerRecord) / rate);
  return { method: count > threshold ? 'bulk' : 'pages', count, pagingSeconds, threshold };
}
