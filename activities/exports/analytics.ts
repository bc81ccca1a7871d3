/**
 * The analytics summary (docs/analytics.md defines every field). Aggregated in SQLite, so only grouped results
 * reach JavaScript; money is summed in integer thousandths and reported as exact decimal strings.
 */
import path from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { divideRounded, formatThousandths, meanMoney, ratio2, thousandthsSql as t } from './money';
import type { Db } from '../store/sql';

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

/**
 * The per-order fields the reports group by, read from `orders` in one pass into a temporary table: an order row
 * carries its raw JSON (kilobytes), so each scan of `orders` costs far more than the arithmetic on it, and the
 * summary and the dashboard each group the same orders several ways. Money is already in thousandths (a missing
 * amount is 0), nullable groups already carry the name they are reported under.
 */
export const ORDER_FACTS = 'temp.report_orders';

const ORDER_FACTS_SQL = `SELECT id, created_at,
     julianday(created_at) AS instant,
     substr(created_at, 1, 10) AS day,
     COALESCE(${t('total_price')}, 0) AS price,
     COALESCE(${t('total_discounts')}, 0) AS discounts,
     COALESCE(${t('total_refunded')}, 0) AS refunded,
     cancelled_at IS NOT NULL AS cancelled,
     julianday(first_fulfilled_at) AS fulfilled,
     currency, customer_id,
     COALESCE(shipping_country, 'Unknown') AS country, shipping_country_code AS country_code,
     COALESCE(shipping_province, 'Unknown') AS province, shipping_province_code AS province_code,
     COALESCE(financial_status, 'unknown') AS financial,
     COALESCE(fulfillment_status, 'unfulfilled') AS fulfillment
   FROM orders`;

/** Page cache of each schema while the reports run, in KiB (as a negative cache_size). */
const REPORT_CACHE_KIB = 2000;

/**
 * Runs `work` in one read transaction with ORDER_FACTS filled from the orders of that snapshot, and drops the table
 * after (on failure the rollback drops it). Temporary tables are private to the connection, even a read-only one.
 *
 * Memory stays flat however many orders there are: both page caches (main and temp) are held to 2 MB meanwhile, and
 * so are SQLite's sorters, which take the main cache size as their in-memory budget (then spill to temporary files).
 * With better-sqlite3's default of 16 MB, reading the orders and grouping them by day and by customer raised the
 * summary's peak RSS by ~44 MB at 392k orders (~13 MB at 2 MB, the same at 100k), and took as long: each report
 * reads a page once. The table itself (~110 bytes per order) lives mostly in a temporary file.
 */
export function withOrderFacts<T>(db: Db, work: () => T): T {
  const caches = (['main', 'temp'] as const).map((schema) => ({
    schema,
    size: Number(db.pragma(`${schema}.cache_size`, { simple: true })),
  }));
  for (const { schema } of caches) db.pragma(`${schema}.cache_size = -${REPORT_CACHE_KIB}`);
  try {
    return db.transaction(() => {
      db.exec(`CREATE TEMP TABLE ${ORDER_FACTS} AS ${ORDER_FACTS_SQL}`);
      const result = work();
      db.exec(`DROP TABLE ${ORDER_FACTS}`);
      return result;
    })();
  } finally {
    for (const { schema, size } of caches) db.pragma(`${schema}.cache_size = ${size}`);
  }
}

/**
 * Orders per shop-local day (the first 10 characters of created_at; null when there is none), ascending, with the
 * sums the summary and the dashboard need: orders, sales, discounts, net (total_price − total_refunded of orders not
 * cancelled), refunded, cancelled, processing_ms (created_at to first fulfillment, whole milliseconds) and
 * processing_orders (orders with both instants). Integers as BigInt. Needs ORDER_FACTS (`withOrderFacts`).
 */
export function ordersByDay(db: Db): Row[] {
  return all(
    db,
    `SELECT day, COUNT(*) AS orders, SUM(price) AS sales, SUM(discounts) AS discounts,
       SUM(CASE WHEN cancelled THEN 0 ELSE price - refunded END) AS net, SUM(refunded) AS refunded,
       SUM(cancelled) AS cancelled, SUM(processing_ms) AS processing_ms, COUNT(processing_ms) AS processing_orders
     FROM (SELECT day, price, discounts, refunded, cancelled,
             CAST(ROUND((fulfilled - instant) * 86400000) AS INTEGER) AS processing_ms
           FROM ${ORDER_FACTS})
     GROUP BY day ORDER BY day`,
  );
}

/** Instants, not text: '2024-03-01T22:30:00-04:00' is later than '2024-03-02T01:00:00+00:00'. Needs ORDER_FACTS. */
export function orderWindow(db: Db): AnalyticsSummary['window'] {
  const row = one(
    db,
    // The earliest instant (ties: lowest id) and the latest (ties: highest id); MIN and MAX skip nulls.
    `SELECT
       (SELECT created_at FROM ${ORDER_FACTS} WHERE instant = (SELECT MIN(instant) FROM ${ORDER_FACTS})
          ORDER BY id LIMIT 1) AS first,
       (SELECT created_at FROM ${ORDER_FACTS} WHERE instant = (SELECT MAX(instant) FROM ${ORDER_FACTS})
          ORDER BY id DESC LIMIT 1) AS last`,
  );
  return { first_order_at: text(row.first), last_order_at: text(row.last) };
}

/** The most frequent order currency (ties: alphabetical first). Needs ORDER_FACTS. */
export function mainCurrency(db: Db): string | null {
  const rows = all(
    db,
    `SELECT currency FROM ${ORDER_FACTS} WHERE currency IS NOT NULL
     GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1`,
  );
  return rows.length ? text(rows[0].currency) : null;
}

/** Totals, processing time and the sales by day and month, all from the per-day sums. */
function fromDays(days: Row[]) {
  let orders = 0n;
  let sales = 0n;
  let discounts = 0n;
  let net = 0n;
  let processed = 0n;
  let processingMs = 0n;
  const byDay: AnalyticsSummary['sales_by_day'] = [];
  const byMonth = new Map<string, { orders: bigint; sales: bigint }>();
  for (const row of days) {
    orders += big(row.orders);
    sales += big(row.sales);
    discounts += big(row.discounts);
    net += big(row.net);
    processed += big(row.processing_orders);
    processingMs += big(row.processing_ms);
    if (row.day === null) continue;
    const day = String(row.day);
    byDay.push({ date: day, orders: count(row.orders), sales: money(row.sales) });
    // substr(created_at, 1, 7) counts characters, as code points do. Days come in ascending byte order, so the
    // days of a month are adjacent and months come out ascending too.
    const month = Array.from(day).slice(0, 7).join('');
    const sums = byMonth.get(month) ?? { orders: 0n, sales: 0n };
    sums.orders += big(row.orders);
    sums.sales += big(row.sales);
    byMonth.set(month, sums);
  }
  return {
    orders,
    sales,
    discounts,
    net,
    // Summed in whole milliseconds so the rounding is exact (and matches any other exact computation).
    avgProcessingDays: processed === 0n ? null : ratio2(processingMs, processed * 86_400_000n),
    byDay,
    byMonth: [...byMonth].map(([month, sums]) => ({
      month,
      orders: Number(sums.orders),
      sales: formatThousandths(sums.sales),
    })),
  };
}

/**
 * Sales by country and by province, orders by status and the main currency, from one grouping of the orders by all
 * of them at once (a few hundred groups), kept in a second temporary table that each list re-groups.
 */
function breakdowns(db: Db) {
  const groups = 'temp.report_groups';
  db.exec(
    `CREATE TEMP TABLE ${groups} AS
     SELECT country, country_code, province, province_code, financial, fulfillment, currency,
       COUNT(*) AS orders, SUM(price) AS sales
     FROM ${ORDER_FACTS} GROUP BY country, country_code, province, province_code, financial, fulfillment, currency`,
  );
  const byStatus = (column: 'financial' | 'fulfillment') =>
    all(
      db,
      `SELECT ${column} AS status, SUM(orders) AS orders FROM ${groups} GROUP BY 1 ORDER BY orders DESC, status`,
    ).map((r) => ({ status: String(r.status), orders: count(r.orders) }));
  const result = {
    currency: text(
      all(
        db,
        `SELECT currency FROM ${groups} WHERE currency IS NOT NULL
         GROUP BY currency ORDER BY SUM(orders) DESC, currency LIMIT 1`,
      )[0]?.currency ?? null,
    ),
    countries: all(
      db,
      `SELECT country, country_code, SUM(orders) AS orders, SUM(sales) AS sales
       FROM ${groups} GROUP BY 1, 2 ORDER BY sales DESC, country, country_code`,
    ).map((r) => ({
      country: String(r.country),
      country_code: text(r.country_code),
      orders: count(r.orders),
      sales: money(r.sales),
    })),
    provinces: all(
      db,
      `SELECT country_code, province, province_code, SUM(orders) AS orders, SUM(sales) AS sales
       FROM ${groups} GROUP BY 1, 2, 3 ORDER BY sales DESC, country_code, province, province_code`,
    ).map((r) => ({
      country_code: text(r.country_code),
      province: String(r.province),
      province_code: text(r.province_code),
      orders: count(r.orders),
      sales: money(r.sales),
    })),
    financial: byStatus('financial'),
    fulfillment: byStatus('fulfillment'),
  };
  db.exec(`DROP TABLE ${groups}`);
  return result;
}

/**
 * Line items are grouped by product from a scan of the table, sorted: walking idx_line_items_product_id instead
 * (the planner's choice) fetches each of the rows from the table by id, twice as slow.
 */
function topProducts(db: Db): AnalyticsSummary['top_products_by_quantity'] {
  return all(
    db,
    `WITH top AS (
       SELECT product_id, SUM(COALESCE(quantity, 0)) AS units,
         SUM(COALESCE(${t('price')}, 0) * COALESCE(quantity, 0)) AS sales
       FROM line_items NOT INDEXED WHERE product_id IS NOT NULL
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

/**
 * Repeat customer rate and lifetime value from one grouping by customer: the median and p90 are picked by rank in
 * SQL, so per-customer values never leave SQLite.
 */
function customerFigures(db: Db) {
  // Ranks 1..n: the median is the mean of ranks (n+1)/2 and (n+2)/2 (equal when n is odd); p90 is the nearest
  // rank, ceil(0.9 n) = (9n + 9) / 10 in integer division.
  const ranked = all(
    db,
    `WITH buyers AS (
       SELECT COUNT(*) AS orders, SUM(price) AS value FROM ${ORDER_FACTS}
       WHERE customer_id IS NOT NULL GROUP BY customer_id),
     ranked AS (
       SELECT value, ROW_NUMBER() OVER (ORDER BY value) AS position, COUNT(*) OVER () AS n,
         SUM(value) OVER () AS total, SUM(orders >= 2) OVER () AS repeaters
       FROM buyers)
     SELECT position, value, n, total, repeaters FROM ranked
     WHERE position IN ((n + 1) / 2, (n + 2) / 2, (9 * n + 9) / 10)`,
  );
  if (ranked.length === 0) {
    return { repeatRate: 0, clv: { customers: 0, mean: '0.00', median: '0.00', p90: '0.00' } };
  }
  const n = big(ranked[0].n);
  const at = (rank: bigint) => big(ranked.find((r) => big(r.position) === rank)?.value);
  return {
    repeatRate: ratio2(100n * big(ranked[0].repeaters), n),
    clv: {
      customers: Number(n),
      mean: meanMoney(big(ranked[0].total), n),
      // Two cent amounts average to a whole thousandth; a half thousandth only arises from 3-decimal currencies.
      median: formatThousandths(divideRounded(at((n + 1n) / 2n) + at((n + 2n) / 2n), 2n)),
      p90: formatThousandths(at((9n * n + 9n) / 10n)),
    },
  };
}

export function computeAnalytics(db: Db, options: AnalyticsOptions = {}): AnalyticsSummary {
  // One read transaction: every figure comes from the same snapshot even while a sync writes.
  return withOrderFacts(db, () => {
    const days = fromDays(ordersByDay(db));
    const groups = breakdowns(db);
    const customers = customerFigures(db);
    return {
      generated_at: (options.now ?? new Date()).toISOString(),
      window: orderWindow(db),
      currency: groups.currency,
      total_orders: Number(days.orders),
      total_sales: formatThousandths(days.sales),
      aov: meanMoney(days.sales, days.orders),
      total_customers: count(one(db, 'SELECT COUNT(*) AS n FROM customers').n),
      total_discounts: formatThousandths(days.discounts),
      net_sales: formatThousandths(days.net),
      repeat_customer_rate: customers.repeatRate,
      avg_processing_days: days.avgProcessingDays,
      sales_by_day: days.byDay,
      sales_by_month: days.byMonth,
      top_products_by_quantity: topProducts(db),
      sales_by_country: groups.countries,
      sales_by_province: groups.provinces,
      orders_by_financial_status: groups.financial,
      orders_by_fulfillment_status: groups.fulfillment,
      customer_lifetime_value: customers.clv,
    };
  });
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
