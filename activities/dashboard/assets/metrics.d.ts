/** Types of metrics.js (plain JavaScript, shared by the browser and Node's tests). */
import type { DashboardData } from '../data';

export interface Range {
  /** No bounds: every record, also those without a usable date. */
  all: boolean;
  preset: string | null;
  /** Inclusive day indexes (null only for 'all' without orders). */
  from: number | null;
  to: number | null;
}

export type RangeSpec = { preset: string } | { from?: string | null; to?: string | null } | null;

export interface Group {
  orders: number;
  /** Money string like the summary's. */
  sales: string;
  salesThousandths: number;
}

export interface Result {
  range: Range;
  days: number;
  daily: Record<
    | 'orders'
    | 'sales'
    | 'discounts'
    | 'net'
    | 'refunded'
    | 'cancelled'
    | 'processingMs'
    | 'processingOrders'
    | 'newCustomers'
    | 'firstOrders'
    | 'repeatOrders'
    | 'buyerOrders',
    number[]
  >;
  financialDaily: number[][];
  totals: Record<
    'orders' | 'sales' | 'discounts' | 'net' | 'refunded' | 'cancelled' | 'processingMs' | 'processingOrders',
    number
  >;
  kpis: {
    total_orders: number;
    total_sales: string;
    aov: string;
    total_customers: number;
    total_discounts: string;
    net_sales: string;
    total_refunded: string;
    cancelled_orders: number;
    avg_processing_days: number | null;
    repeat_customer_rate: number;
    customers_with_orders: number;
    new_customers: number;
    returning_customers: number;
    repeat_customers: number;
    clv: { customers: number; mean: string; median: string; p90: string };
  };
  countries: Array<Group & { country: string; country_code: string | null }>;
  provinces: Array<
    Group & { country_code: string | null; country: string; province: string; province_code: string | null }
  >;
  financial: Array<{ status: string; orders: number }>;
  fulfillment: Array<{ status: string; orders: number }>;
  customerCountries: Array<{ country: string; country_code: string | null; customers: number }>;
  orderCountBuckets: Record<'1' | '2' | '3–5' | '6+', number>;
  segments: Record<'new_one_order' | 'new_repeat' | 'returning_one_order' | 'returning_repeat', number>;
  clvValues: number[];
  secondOrderGaps: number[];
}

export interface Periods {
  granularity: 'day' | 'week' | 'month';
  keys: string[];
  days: number[];
  complete: boolean[];
  sums: Record<string, number[]>;
}

export const UNDATED: -1;
export const PRESETS: Record<string, number | null>;
export function formatThousandths(value: number | bigint): string;
export function divideRounded(numerator: number | bigint, denominator: number | bigint): bigint;
export function meanMoney(total: number | bigint, count: number | bigint): string;
export function ratio2(numerator: number | bigint, denominator: number | bigint): number;
export function parseMoney(text: string): number;
export function compareText(a: string | null, b: string | null): number;
export function dayToDate(data: DashboardData, day: number): string;
export function dateToDay(data: DashboardData, date: string): number | null;
export function resolveRange(data: DashboardData, spec: RangeSpec): Range;
export function previousRange(range: Range): Range | null;
export function rangeLength(range: Range): number;
export function compute(data: DashboardData, range: Range): Result;
export function autoGranularity(days: number): 'day' | 'week' | 'month';
export function periods(
  data: DashboardData,
  result: Result,
  granularity: 'auto' | 'day' | 'week' | 'month',
  extra?: Record<string, number[]>,
): Periods;
