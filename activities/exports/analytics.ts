/**
 * The analytics summary (docs/analytics.md defines every field). Aggregated in SQLite, so only grouped results
 * reach JavaScript; money is summed in integer thousandths and reported as exact decimal strings.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { writeFileAtomic } from './atomic-file';
import { divideRounded, formatThousandths, meanMoney, ratio2, thousandthsSql as t } from './money';

type Db = Database.Database;

export const ANALYTICS_FILE = 'analytics_summary.json';

export interface AnalyticsSummary {
  generated_at: string;
  window: { first_order_at: string | null; last_order_at: string | null };
  currency: string | null;
  total_orders: number;
  total_sales: string;
  aov: string;
  total_customers: number;
  total_discounts: string;
  net_sales: string;
  repeat_customer_rate: number;
  avg_processing_days: number | null;
  sales_by_day: Array<{ date: string; orders: number; sales: string }>;
  sales_by_month: Array<{ month: string; orders: number; sales: string }>;
  top_products_by_quantity: Array<{ product_id: number; title: string | null; quantity: number; sales: string }>;
  sales_by_country: Array<{ country: string; country_code: string | null; orders: number; sales: string }>;
  sales_by_province: Array<{
    country_code: string | null;
    province: string;
    province_code: string | null;
    orders: number;
    sales: string;
  }>;
  orders_by_financial_status: Array<{ status: string; orders: number }>;
  orders_by_fulfillment_status: Array<{ status: string; orders: number }>;
  customer_lifetime_value: { customers: number; mean: string; median: string; p90: string };
}

export interface AnalyticsOptions {
  /** Time written as generated_at (tests pin it). */
  now?: Date;
}

export interface WriteAnalyticsOptions extends AnalyticsOptions {
  /** Mode of analytics_summary.json. Default 0o600. */
  fileMode?: number;
}

type Row = Record<string, unknown>;

/** Runs a query with integers as BigInt (sums of thousandths may pass 2^53). */
function all(db: Db, sql: string): Row[] {
  return db.prepare(sql).safeIntegers(true).all() as Row[];
}

function one(db: Db, sql: string): Row {
  return all(db, sql)[0];
}

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt((value as number | null) ?? 0));
const count = (value: unknown): number => Number(big(value));
const money = (value: unknown): string => formatThousandths(big(value));
const text = (value: unknown): string | null => (value === null ? null : String(value));

const price = `COALESCE(${t('total_price')}, 0)`;
const sales = `SUM(${price})`;

function totals(db: Db) {
  const row = one(
    db,
    `SELECT COUNT(*) AS orders, ${sales} AS sales,
       SUM(COALESCE(${t('total_discounts')}, 0)) AS discounts,
       SUM(CASE WHEN cancelled_at IS NULL THEN ${price} - COALESCE(${t('total_refunded')}, 0) END) AS net
     FROM orders`,
  );
  return { orders: big(row.orders), sales: big(row.sales), discounts: big(row.discounts), net: big(row.net) };
}

/** Instants, not text: '2024-03-01T22:30:00-04:00' is later than '2024-03-02T01:00:00+00:00'. */
export function orderWindow(db: Db): AnalyticsSummary['window'] {
  const row = one(
    db,
    `SELECT
       (SELECT created_at FROM orders WHERE julianday(created_at) IS NOT NULL
          ORDER BY julianday(created_at), id LIMIT 1) AS first,
       (SELECT created_at FROM orders WHERE julianday(created_at) IS NOT NULL
          ORDER BY julianday(created_at) DESC, id DESC LIMIT 1) AS last`,
  );
  return { first_order_at: text(row.first), last_order_at: text(row.last) };
}

/** The most frequent order currency (ties: alphabetical first). */
export function mainCurrency(db: Db): string | null {
  const rows = all(
    db,
    `SELECT currency FROM orders WHERE currency IS NOT NULL GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1`,
  );
  return rows.length ? text(rows[0].currency) : null;
}

function repeatCustomerRate(db: Db): number {
  const row = one(
    db,
    `SELECT COUNT(*) AS buyers, SUM(n >= 2) AS repeaters
     FROM (SELECT COUNT(*) AS n FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id)`,
  );
  const buyers = big(row.buyers);
  return buyers === 0n ? 0 : ratio2(100n * big(row.repeaters), buyers);
}

/** Summed in whole milliseconds so the rounding is exact (and matches any other exact computation). */
function avgProcessingDays(db: Db): number | null {
  const row = one(
    db,
    `SELECT COUNT(*) AS n,
       SUM(CAST(ROUND((julianday(first_fulfilled_at) - julianday(created_at)) * 86400000) AS INTEGER)) AS ms
     FROM orders WHERE julianday(first_fulfilled_at) IS NOT NULL AND julianday(created_at) IS NOT NULL`,
  );
  const n = big(row.n);
  return n === 0n ? null : ratio2(big(row.ms), n * 86_400_000n);
}

/** Shop-local calendar periods: the first `length` characters of created_at, before its UTC offset. */
function salesByPeriod(db: Db, length: 7 | 10) {
  return all(
    db,
    `SELECT substr(created_at, 1, ${length}) AS period, COUNT(*) AS orders, ${sales} AS sales
     FROM orders WHERE created_at IS NOT NULL GROUP BY period ORDER BY period`,
  ).map((r) => ({ period: String(r.period), orders: count(r.orders), sales: money(r.sales) }));
}

function topProducts(db: Db): AnalyticsSummary['top_products_by_quantity'] {
  return all(
    db,
    `WITH top AS (
       SELECT product_id, SUM(COALESCE(quantity, 0)) AS units,
         SUM(COALESCE(${t('price')}, 0) * COALESCE(quantity, 0)) AS sales
       FROM line_items WHERE product_id IS NOT NULL
       GROUP BY product_id ORDER BY units DESC, product_id LIMIT 10)
     SELECT product_id, units, sales,
       COALESCE((SELECT title FROM products WHERE id = top.product_id),
                (SELECT title FROM line_items WHERE product_id = top.product_id ORDER BY id DESC LIMIT 1)) AS title
     FROM top ORDER BY units DESC, product_id`,
  ).map((r) => ({
    product_id: count(r.product_id),
    title: text(r.title),
    quantity: count(r.units),
    sales: money(r.sales),
  }));
}

function salesByCountry(db: Db): AnalyticsSummary['sales_by_country'] {
  return all(
    db,
    `SELECT COALESCE(shipping_country, 'Unknown') AS country, shipping_country_code AS country_code,
       COUNT(*) AS orders, ${sales} AS sales
     FROM orders GROUP BY 1, 2 ORDER BY sales DESC, country, country_code`,
  ).map((r) => ({
    country: String(r.country),
    country_code: text(r.country_code),
    orders: count(r.orders),
    sales: money(r.sales),
  }));
}

function salesByProvince(db: Db): AnalyticsSummary['sales_by_province'] {
  return all(
    db,
    `SELECT shipping_country_code AS country_code, COALESCE(shipping_province, 'Unknown') AS province,
       shipping_province_code AS province_code, COUNT(*) AS orders, ${sales} AS sales
     FROM orders GROUP BY 1, 2, 3 ORDER BY sales DESC, country_code, province, province_code`,
  ).map((r) => ({
    country_code: text(r.country_code),
    province: String(r.province),
    province_code: text(r.province_code),
    orders: count(r.orders),
    sales: money(r.sales),
  }));
}

function ordersByStatus(db: Db, column: 'financial_status' | 'fulfillment_status', ifNull: string) {
  return all(
    db,
    `SELECT COALESCE(${column}, '${ifNull}') AS status, COUNT(*) AS orders
     FROM orders GROUP BY 1 ORDER BY orders DESC, status`,
  ).map((r) => ({ status: String(r.status), orders: count(r.orders) }));
}

/** Median and p90 are picked by rank in SQL, so per-customer values never leave SQLite. */
function customerLifetimeValue(db: Db): AnalyticsSummary['customer_lifetime_value'] {
  const values = `SELECT SUM(${price}) AS value FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id`;
  const totalsRow = one(db, `SELECT COUNT(*) AS n, SUM(value) AS total FROM (${values})`);
  const n = big(totalsRow.n);
  if (n === 0n) return { customers: 0, mean: '0.00', median: '0.00', p90: '0.00' };
  // Ranks 1..n: the median is the mean of ranks (n+1)/2 and (n+2)/2 (equal when n is odd); p90 is the nearest
  // rank, ceil(0.9 n) = (9n + 9) / 10 in integer division.
  const lowMid = (n + 1n) / 2n;
  const highMid = (n + 2n) / 2n;
  const p90Rank = (9n * n + 9n) / 10n;
  const ranked = all(
    db,
    `SELECT position, value FROM (SELECT value, ROW_NUMBER() OVER (ORDER BY value) AS position FROM (${values}))
     WHERE position IN (${lowMid}, ${highMid}, ${p90Rank})`,
  );
  const at = (rank: bigint) => big(ranked.find((r) => big(r.position) === rank)?.value);
  return {
    customers: Number(n),
    mean: meanMoney(big(totalsRow.total), n),
    // Two cent amounts average to a whole thousandth; a half thousandth only arises from 3-decimal currencies.
    median: formatThousandths(divideRounded(at(lowMid) + at(highMid), 2n)),
    p90: formatThousandths(at(p90Rank)),
  };
}

export function computeAnalytics(db: Db, options: AnalyticsOptions = {}): AnalyticsSummary {
  // One read transaction: every figure comes from the same snapshot even while a sync writes.
  return db.transaction(() => {
    const total = totals(db);
    return {
      generated_at: (options.now ?? new Date()).toISOString(),
      window: orderWindow(db),
      currency: mainCurrency(db),
      total_orders: Number(total.orders),
      total_sales: formatThousandths(total.sales),
      aov: meanMoney(total.sales, total.orders),
      total_customers: count(one(db, 'SELECT COUNT(*) AS n FROM customers').n),
      total_discounts: formatThousandths(total.discounts),
      net_sales: formatThousandths(total.net),
      repeat_customer_rate: repeatCustomerRate(db),
      avg_processing_days: avgProcessingDays(db),
      sales_by_day: salesByPeriod(db, 10).map(({ period, ...rest }) => ({ date: period, ...rest })),
      sales_by_month: salesByPeriod(db, 7).map(({ period, ...rest }) => ({ month: period, ...rest })),
      top_products_by_quantity: topProducts(db),
      sales_by_country: salesByCountry(db),
      sales_by_province: salesByProvince(db),
      orders_by_financial_status: ordersByStatus(db, 'financial_status', 'unknown'),
      orders_by_fulfillment_status: ordersByStatus(db, 'fulfillment_status', 'unfulfilled'),
      customer_lifetime_value: customerLifetimeValue(db),
    };
  })();
}

/** Computes the summary and atomically replaces `dataDir/analytics_summary.json` with it (2-space JSON). */
export async function writeAnalytics(
  db: Db,
  dataDir: string,
  options: WriteAnalyticsOptions = {},
): Promise<{ file: string; summary: AnalyticsSummary }> {
  const summary = computeAnalytics(db, options);
  const file = path.join(dataDir, ANALYTICS_FILE);
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  await writeFileAtomic(
    file,
    async (out) => {
      out.end(json);
    },
    { mode: options.fileMode ?? 0o600 },
  );
  return { file, summary };
}
