/**
 * The dashboard's data: small per-day aggregates computed in SQLite, from which the browser recomputes every figure
 * exactly for any date range (money as integer thousandths, like analytics_summary.json). Layout and meaning of each
 * field: `DashboardData` below; dashboards/README.md gives the sizes.
 */
import { mainCurrency, ORDER_FACTS, orderWindow, ordersByDay, withOrderFacts } from '../exports/analytics';
import type { Db } from '../store/sql';

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

/** Runs a query with integers as BigInt, each row as an array of its columns, one row at a time. */
function rows(db: Db, sql: string): IterableIterator<unknown[]> {
  return db.prepare(sql).safeIntegers(true).raw(true).iterate() as IterableIterator<unknown[]>;
}

/** Checks that an integer fits a JavaScript number exactly. */
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

/** Receives the JSON text of the data, piece by piece, in order. */
export type DataSink = (piece: string) => void;

/** Writes a JSON array of rows as they come: `[row,row,…]`, never holding more than one row. */
class ArrayWriter {
  private first = true;
  constructor(private readonly out: DataSink) {
    out('[');
  }
  row(row: unknown): void {
    this.out(this.first ? JSON.stringify(row) : `,${JSON.stringify(row)}`);
    this.first = false;
  }
  end(): void {
    this.out(']');
  }
}

/** Shop-local dates mapped to day indexes, kept in SQLite as well (DAY_INDEX) for the grouped queries to join. */
const DAY_INDEX = 'temp.report_day_index';

/** The per-day lists' groups by shop-local date and keys, a few rows per date; filled before any is written. */
const GROUPS = {
  regions: 'temp.report_region_days',
  statuses: 'temp.report_status_days',
  customers: 'temp.report_customer_days',
};

/**
 * A per-day list grouped by day index and some key columns, from `table` (GROUPS): its rows hold `day`, the key
 * columns and the sum columns, grouped by date and keys. Its key tuples are interned in their SQL order, as the
 * list's dictionaries; then the rows are written ordered by day index and key ids, with sums added up when undated
 * dates collapse onto UNDATED. One day's rows are in memory at a time. Drops the table after.
 */
function writePerDay(
  db: Db,
  out: DataSink,
  spec: {
    table: string;
    keys: string[];
    sums: string[];
    /** Interns one key tuple (the columns' values as text or null), returning its ids. */
    intern: (key: Array<string | null>) => number[];
    /** The dictionaries' members, written before the list: `,"name":[…]…`. */
    dictionaries: () => string;
    name: keyof DashboardData;
  },
): void {
  const { table, keys, sums } = spec;
  // Tuples compare as text, as the dictionaries do (String of each value).
  const ids = new Map<string, number[]>();
  for (const row of rows(db, `SELECT DISTINCT ${keys.join(', ')} FROM ${table} ORDER BY ${keys.join(', ')}`)) {
    const key = row.map(text);
    ids.set(JSON.stringify(key), spec.intern(key));
  }
  out(spec.dictionaries());
  out(`,${JSON.stringify(spec.name)}:`);
  const list = new ArrayWriter(out);
  let day: number | null = null;
  let pending: number[][] = [];
  const flush = () => {
    for (const row of merge(pending, sums.length)) list.row(row);
    pending = [];
  };
  const grouped = rows(
    db,
    `SELECT d.idx, ${keys.map((k) => `g.${k}`).join(', ')}, ${sums.map((s) => `SUM(g.${s})`).join(', ')}
     FROM ${table} AS g JOIN ${DAY_INDEX} AS d ON d.day IS g.day
     GROUP BY d.idx, ${keys.map((k) => `g.${k}`).join(', ')} ORDER BY d.idx`,
  );
  for (const row of grouped) {
    const index = num(row[0]);
    if (index !== day) {
      flush();
      day = index;
    }
    const key = ids.get(JSON.stringify(row.slice(1, 1 + keys.length).map(text)))!;
    pending.push([index, ...key, ...row.slice(1 + keys.length).map(num)]);
  }
  flush();
  list.end();
  db.exec(`DROP TABLE ${table}`);
}

/**
 * Writes the dashboard data as JSON, exactly the text `JSON.stringify` gives for `DashboardData`, piece by piece
 * from iterating queries: neither the per-customer rows nor the lists nor the whole text are held in memory. Returns
 * the number of orders and of (merged) days.
 */
export function writeDashboardData(
  db: Db,
  out: DataSink,
  options: { now?: Date } = {},
): { orders: number; days: number } {
  // One read transaction (withOrderFacts): every aggregate comes from the same snapshot even while a sync writes.
  // The order aggregates read the per-order fields the analytics summary uses (ORDER_FACTS), one pass over orders.
  return withOrderFacts(db, () => {
    db.exec(
      `CREATE TEMP TABLE ${GROUPS.regions} AS
       SELECT day, country, country_code AS cc, province, province_code AS pc, COUNT(*) AS orders, SUM(price) AS sales
       FROM ${ORDER_FACTS} GROUP BY 1, 2, 3, 4, 5`,
    );
    db.exec(
      `CREATE TEMP TABLE ${GROUPS.statuses} AS
       SELECT day, financial, fulfillment, COUNT(*) AS orders FROM ${ORDER_FACTS} GROUP BY 1, 2, 3`,
    );
    db.exec(
      `CREATE TEMP TABLE ${GROUPS.customers} AS
       SELECT substr(created_at, 1, 10) AS day, COALESCE(country, 'Unknown') AS country, country_code AS cc,
         COUNT(*) AS customers
       FROM customers GROUP BY 1, 2, 3`,
    );
    // One row per distinct shop-local date: a few hundred, not one per order.
    const dayRows = ordersByDay(db);
    const dates = new Set<string | null>(dayRows.map((row) => text(row.day)));
    for (const [day] of rows(db, `SELECT DISTINCT day FROM ${GROUPS.customers}`)) dates.add(text(day));
    // Day 0 is the earliest valid date among orders and customers.
    let startMs: number | null = null;
    for (const date of dates) {
      const ms = dayMs(date);
      if (ms !== null && (startMs === null || ms < startMs)) startMs = ms;
    }
    const dayIndexes = new Map<string | null, number>();
    for (const date of dates) {
      const ms = dayMs(date);
      dayIndexes.set(date, ms === null || startMs === null ? UNDATED : Math.round((ms - startMs) / 86_400_000));
    }
    const dayIndex = (value: unknown): number => dayIndexes.get(text(value)) ?? UNDATED;
    db.exec(`CREATE TEMP TABLE ${DAY_INDEX} (day TEXT UNIQUE, idx INTEGER NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${DAY_INDEX} (day, idx) VALUES (?, ?)`);
    for (const [date, index] of dayIndexes) insert.run(date, index);

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

    // The members in DashboardData's order, as JSON.stringify writes them: the small ones first, as one object
    // whose closing brace is left off.
    const head = {
      version: DASHBOARD_DATA_VERSION,
      generated_at: (options.now ?? new Date()).toISOString(),
      currency: mainCurrency(db),
      window: orderWindow(db),
      start: startMs === null ? null : new Date(startMs).toISOString().slice(0, 10),
      first_order_day: dated.length ? Math.min(...dated) : null,
      last_order_day: dated.length ? Math.max(...dated) : null,
      days,
    };
    out(JSON.stringify(head).slice(0, -1));

    const regions = new Dictionary<[string, string | null, string, string | null]>();
    writePerDay(db, out, {
      table: GROUPS.regions,
      keys: ['country', 'cc', 'province', 'pc'],
      sums: ['orders', 'sales'],
      intern: ([country, cc, province, pc]) => [regions.id([String(country), cc, String(province), pc])],
      dictionaries: () => `,"regions":${JSON.stringify(regions.values)}`,
      name: 'region_days',
    });

    const financial = new Dictionary<string>();
    const fulfillment = new Dictionary<string>();
    writePerDay(db, out, {
      table: GROUPS.statuses,
      keys: ['financial', 'fulfillment'],
      sums: ['orders'],
      intern: ([fin, ful]) => [financial.id(String(fin)), fulfillment.id(String(ful))],
      dictionaries: () =>
        `,"financial_statuses":${JSON.stringify(financial.values)}` +
        `,"fulfillment_statuses":${JSON.stringify(fulfillment.values)}`,
      name: 'status_days',
    });

    const customerCountries = new Dictionary<[string, string | null]>();
    writePerDay(db, out, {
      table: GROUPS.customers,
      keys: ['country', 'cc'],
      sums: ['customers'],
      intern: ([country, cc]) => [customerCountries.id([String(country), cc])],
      dictionaries: () => `,"customer_countries":${JSON.stringify(customerCountries.values)}`,
      name: 'customer_days',
    });

    // Buyers: the (customer, date) groups come ordered by customer, so one customer's days are in memory at a time.
    out(',"buyers":');
    const buyers = new ArrayWriter(out);
    let current: bigint | null = null;
    let entries: number[][] = [];
    const flush = () => {
      if (entries.length === 0) return;
      const flat: number[] = [];
      let previous = 0;
      merge(entries, 2).forEach(([day, orders, value], i) => {
        flat.push(i === 0 ? day : day - previous, orders, value);
        previous = day;
      });
      buyers.row(flat);
      entries = [];
    };
    const buyerRows = rows(
      db,
      `SELECT customer_id, day, COUNT(*) AS orders, SUM(price) AS value
       FROM ${ORDER_FACTS} WHERE customer_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    for (const [customer, day, orders, value] of buyerRows) {
      const id = customer as bigint;
      if (id !== current) {
        flush();
        current = id;
      }
      entries.push([dayIndex(day), num(orders), num(value)]);
    }
    flush();
    buyers.end();
    out('}');

    db.exec(`DROP TABLE ${DAY_INDEX}`);
    return { orders: days.reduce((sum, day) => sum + day[1], 0), days: days.length };
  });
}

/** The dashboard data as an object: what data.js holds (the same text, parsed). */
export function computeDashboardData(db: Db, options: { now?: Date } = {}): DashboardData {
  const pieces: string[] = [];
  writeDashboardData(db, (piece) => pieces.push(piece), options);
  return JSON.parse(pieces.join('')) as DashboardData;
}
