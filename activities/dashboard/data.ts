/**
 * The dashboard's data: small per-day aggregates computed in SQLite, from which the browser recomputes every figure
 * exactly for any date range (money as integer thousandths, like analytics_summary.json). Layout and meaning of each
 * field: `DashboardData` below; dashboards/README.md gives the sizes.
 */
import type Database from 'better-sqlite3';
import { mainCurrency, ORDER_FACTS, orderWindow, ordersByDay, withOrderFacts } from '../exports/analytics';

type Db = Database.Database;
type Row = Record<string, unknown>;

export const DASHBOARD_DATA_VERSION = 1 as const;

/** Day index of records whose `created_at` has no usable shop-local date: counted only in the "all time" range. */
export const UNDATED = -1;

export interface DashboardData {
  version: typeof DASHBOARD_DATA_VERSION;
  generated_at: string;
  /** The most frequent order currency (as in the summary); amounts of all currencies are added together. */
  currency: string | null;
  window: { first_order_at: string | null; last_order_at: string | null };
  /** Shop-local date of day index 0: the earliest order or customer creation date; null when there is none. */
  start: string | null;
  /** Day indexes of the earliest and latest order dates (null without dated orders): the presets' anchors. */
  first_order_day: number | null;
  last_order_day: number | null;
  /**
   * Orders per shop-local day: [day, orders, sales, discounts, net, refunded, cancelled, processing_ms,
   * processing_orders]. Money in thousandths: sales = Σ total_price; discounts = Σ total_discounts; net = Σ
   * (total_price − total_refunded) over orders not cancelled; refunded = Σ total_refunded (all orders); cancelled =
   * count with cancelled_at; processing = Σ ms from created_at to the first fulfillment and how many orders have one.
   */
  days: number[][];
  /** Shipping regions: [country ('Unknown' if none), country code, province ('Unknown' if none), province code]. */
  regions: Array<[string, string | null, string, string | null]>;
  /** Orders per day and region: [day, region index, orders, sales]. */
  region_days: number[][];
  /** financial_status values ('unknown' for null) and fulfillment_status values ('unfulfilled' for null). */
  financial_statuses: string[];
  fulfillment_statuses: string[];
  /** Orders per day and status pair: [day, financial index, fulfillment index, orders]. */
  status_days: number[][];
  /** Customer accounts' default-address countries: [country ('Unknown' if none), country code]. */
  customer_countries: Array<[string, string | null]>;
  /** Customer rows per creation day and country: [day, country index, customers]. Sums to the customers table. */
  customer_days: number[][];
  /**
   * One entry per customer with orders (`orders.customer_id`, guests excluded), no ids: the days they ordered, as
   * a flat list of triples [day, orders, value, Δday, orders, value, …] ascending by day, the first day absolute
   * (UNDATED first if any), the next ones as the difference from the previous; value = Σ total_price thousandths.
   */
  buyers: number[][];
}

/** Runs a query with integers as BigInt, then checks each fits a JavaScript number exactly. */
function all(db: Db, sql: string): Row[] {
  return db.prepare(sql).safeIntegers(true).all() as Row[];
}

function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`dashboard: ${String(value)} does not fit an exact number`);
  return n;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of a valid `YYYY-MM-DD` at UTC midnight, or null ('2024-02-30' and other text are not dates). */
function dayMs(key: string | null): number | null {
  const match = key === null ? null : DAY.exec(key);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === key ? ms : null;
}

/** Interns values, returning their index; keys compare by JSON so nulls and tuples work. */
class Dictionary<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  id(value: T): number {
    const key = JSON.stringify(value);
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.set(key, id);
    }
    return id;
  }
}

/**
 * Sorts rows by their key (all but the last `sums` columns) and adds rows whose key is equal: undated keys can
 * collapse onto one. The rows are the caller's fresh arrays and may be reused.
 */
function merge(rows: number[][], sums: number): number[][] {
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length - sums; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  const merged: number[][] = [];
  for (const row of rows.sort(compare)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && compare(last, row) === 0) {
      for (let i = row.length - sums; i < row.length; i++) last[i] += row[i];
    } else {
      merged.push(row);
    }
  }
  return merged;
}

export function computeDashboardData(db: Db, options: { now?: Date } = {}): DashboardData {
  // One read transaction (withOrderFacts): every aggregate comes from the same snapshot even while a sync writes.
  // The order aggregates read the per-order fields the analytics summary uses (ORDER_FACTS), one pass over orders.
  return withOrderFacts(db, () => {
    const dayRows = ordersByDay(db);
    const regionRows = all(
      db,
      `SELECT day, country, country_code AS cc, province, province_code AS pc, COUNT(*) AS orders, SUM(price) AS sales
       FROM ${ORDER_FACTS} GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 3, 4, 5`,
    );
    const statusRows = all(
      db,
      `SELECT day, financial, fulfillment, COUNT(*) AS orders
       FROM ${ORDER_FACTS} GROUP BY 1, 2, 3 ORDER BY 2, 3`,
    );
    const customerRows = all(
      db,
      `SELECT substr(created_at, 1, 10) AS day, COALESCE(country, 'Unknown') AS country, country_code AS cc,
         COUNT(*) AS customers
       FROM customers GROUP BY 1, 2, 3 ORDER BY 2, 3`,
    );
    const buyerRows = all(
      db,
      `SELECT customer_id, day, COUNT(*) AS orders, SUM(price) AS value
       FROM ${ORDER_FACTS} WHERE customer_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    // Day 0 is the earliest valid date among orders and customers.
    let startMs: number | null = null;
    for (const row of [...dayRows, ...customerRows]) {
      const ms = dayMs(text(row.day));
      if (ms !== null && (startMs === null || ms < startMs)) startMs = ms;
    }
    // Per distinct date, not per row: a few hundred dates against tens of thousands of region, status and buyer rows.
    const dayIndexes = new Map<string | null, number>();
    const dayIndex = (value: unknown): number => {
      const key = text(value);
      let index = dayIndexes.get(key);
      if (index === undefined) {
        const ms = dayMs(key);
        index = ms === null || startMs === null ? UNDATED : Math.round((ms - startMs) / 86_400_000);
        dayIndexes.set(key, index);
      }
      return index;
    };

    const days = merge(
      dayRows.map((r) => [
        dayIndex(r.day),
        num(r.orders),
        num(r.sales),
        num(r.discounts),
        num(r.net),
        num(r.refunded),
        num(r.cancelled),
        num(r.processing_ms),
        num(r.processing_orders),
      ]),
      8,
    );
    const dated = days.map((d) => d[0]).filter((d) => d !== UNDATED);

    const regions = new Dictionary<[string, string | null, string, string | null]>();
    const regionDays = merge(
      regionRows.map((r) => [
        dayIndex(r.day),
        regions.id([String(r.country), text(r.cc), String(r.province), text(r.pc)]),
        num(r.orders),
        num(r.sales),
      ]),
      2,
    );

    const financial = new Dictionary<string>();
    const fulfillment = new Dictionary<string>();
    const statusDays = merge(
      statusRows.map((r) => [
        dayIndex(r.day),
        financial.id(String(r.financial)),
        fulfillment.id(String(r.fulfillment)),
        num(r.orders),
      ]),
      1,
    );

    const customerCountries = new Dictionary<[string, string | null]>();
    const customerDays = merge(
      customerRows.map((r) => [
        dayIndex(r.day),
        customerCountries.id([String(r.country), text(r.cc)]),
        num(r.customers),
      ]),
      1,
    );

    const buyers: number[][] = [];
    let current: bigint | null = null;
    let entries: number[][] = [];
    const flush = () => {
      if (entries.length === 0) return;
      const sorted = merge(entries, 2);
      const flat: number[] = [];
      let previous = 0;
      sorted.forEach(([day, orders, value], i) => {
        flat.push(i === 0 ? day : day - previous, orders, value);
        previous = day;
      });
      buyers.push(flat);
      entries = [];
    };
    for (const row of buyerRows) {
      const id = row.customer_id as bigint;
      if (id !== current) {
        flush();
        current = id;
      }
      entries.push([dayIndex(row.day), num(row.orders), num(row.value)]);
    }
    flush();

    return {
      version: DASHBOARD_DATA_VERSION,
      generated_at: (options.now ?? new Date()).toISOString(),
      currency: mainCurrency(db),
      window: orderWindow(db),
      start: startMs === null ? null : new Date(startMs).toISOString().slice(0, 10),
      first_order_day: dated.length ? Math.min(...dated) : null,
      last_order_day: dated.length ? Math.max(...dated) : null,
      days,
      regions: regions.values,
      region_days: regionDays,
      financial_statuses: financial.values,
      fulfillment_statuses: fulfillment.values,
      status_days: statusDays,
      customer_countries: customerCountries.values,
      customer_days: customerDays,
      buyers,
    };
  });
}
