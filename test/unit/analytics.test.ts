import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../activities/store/database';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { AnalyticsSummary, computeAnalytics, writeAnalytics } from '../../activities/exports/analytics';
import {
  divideRounded,
  formatThousandths,
  meanMoney,
  ratio2,
  thousandthsSql as t,
} from '../../activities/exports/money';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { withTempDatabase } from '../helpers/temp-database';

type Rec = Record<string, unknown>;
const NOW = new Date('2024-06-01T12:00:00Z');

const US_NY = { country: 'United States', country_code: 'US', province: 'New York', province_code: 'NY' };
const item = (id: number, product_id: number | null, quantity: number, price: string, title: string) => ({
  id,
  product_id,
  quantity,
  price,
  title,
});
const refund = (id: number, ...transactions: Rec[]) => ({ id, transactions });

/** Six orders whose every figure is worked out by hand below. */
const ORDERS: Rec[] = [
  {
    id: 1,
    customer: { id: 1 },
    // Local date 2024-03-01, but 02:30 UTC on March 2nd.
    created_at: '2024-03-01T22:30:00-04:00',
    total_price: '100.00',
    total_discounts: '10.00',
    currency: 'USD',
    financial_status: 'paid',
    fulfillment_status: 'fulfilled',
    shipping_address: US_NY,
    fulfillments: [{ id: 101, created_at: '2024-03-04T00:00:00-04:00' }],
    line_items: [
      item(11, 100, 2, '40.00', 'Widget (old name)'),
      item(12, 200, 1, '20.00', 'Retired thing'),
      item(13, 50, 0, '5.00', 'Sticker v1'),
    ],
  },
  {
    id: 2,
    customer: { id: 1 },
    // Local date 2024-03-02, but 16:00 UTC on March 1st: the earliest order.
    created_at: '2024-03-02T01:00:00+09:00',
    total_price: '50.50',
    total_discounts: '0.00',
    currency: 'USD',
    financial_status: 'partially_refunded',
    fulfillment_status: null,
    shipping_address: { country: 'Japan', country_code: 'JP', province: 'Tokyo', province_code: '13' },
    refunds: [
      refund(
        201,
        { kind: 'refund', status: 'success', amount: '10.25' },
        { kind: 'refund', status: 'failure', amount: '99.00' },
      ),
    ],
    line_items: [item(21, 300, 3, '16.50', 'Gadget (line)')],
  },
  {
    id: 3,
    customer: null,
    created_at: '2024-04-15T10:00:00+00:00',
    total_price: '20.00',
    total_discounts: '2.50',
    currency: 'CAD',
    financial_status: 'paid',
    fulfillment_status: 'partial',
    shipping_address: null,
    fulfillments: [
      { id: 301, created_at: '2024-04-16T10:00:00+00:00' },
      { id: 302, created_at: '2024-04-15T22:00:00+00:00' },
    ],
    line_items: [item(31, 100, 1, '20.00', 'Widget'), item(32, null, 5, '1.00', 'Custom engraving')],
  },
  {
    id: 4,
    customer: { id: 2 },
    created_at: '2024-04-15T23:59:59-07:00',
    cancelled_at: '2024-04-16T10:00:00-07:00',
    total_price: '30.00',
    total_discounts: '0.00',
    currency: 'USD',
    financial_status: 'voided',
    fulfillment_status: null,
    shipping_address: { country: 'United States', country_code: 'US', province: 'California', province_code: 'CA' },
    line_items: [item(41, 300, 2, '15.00', 'Gadget (line)')],
  },
  {
    id: 5,
    customer: { id: 2 },
    created_at: '2024-04-20T12:00:00-04:00',
    total_price: '0.01',
    total_discounts: '0.00',
    currency: 'USD',
    financial_status: 'paid',
    fulfillment_status: 'fulfilled',
    shipping_address: US_NY,
    // 2024-04-21T00:00:00-04:00 written in UTC: twelve hours after the order.
    fulfillments: [{ id: 501, created_at: '2024-04-21T04:00:00Z' }],
    refunds: [refund(502, { kind: 'refund', status: 'success', amount: '0.01' })],
    line_items: [item(51, 300, 1, '0.01', 'Gadget (line)')],
  },
  {
    id: 6,
    customer: { id: 3 },
    created_at: '2024-05-01T09:00:00+05:30',
    total_price: '75.00',
    total_discounts: '0.00',
    currency: 'EUR',
    financial_status: 'pending',
    fulfillment_status: null,
    shipping_address: { country: 'Germany', country_code: 'DE', province: 'Berlin', province_code: 'BE' },
    line_items: [item(61, 100, 1, '75.00', 'Widget'), item(62, 50, 1, '5.00', 'Sticker v2')],
  },
];
const CUSTOMERS: Rec[] = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, email: 'never-ordered@example.com' }];
// Products 50 and 200 were deleted: their titles come from their latest line item.
const PRODUCTS: Rec[] = [
  { id: 100, title: 'Widget' },
  { id: 300, title: 'Gadget' },
  { id: 999, title: 'Never sold' },
];

const EXPECTED: AnalyticsSummary = {
  generated_at: '2024-06-01T12:00:00.000Z',
  window: { first_order_at: '2024-03-02T01:00:00+09:00', last_order_at: '2024-05-01T09:00:00+05:30' },
  currency: 'USD',
  total_orders: 6,
  // 100.00 + 50.50 + 20.00 + 30.00 + 0.01 + 75.00
  total_sales: '275.51',
  // 275.51 / 6 = 45.918…
  aov: '45.92',
  total_customers: 4,
  total_discounts: '12.50',
  // Order 4 is cancelled; refunds 10.25 (the failed 99.00 does not count) and 0.01: 275.51 - 30.00 - 10.26
  net_sales: '235.25',
  // Customers 1 and 2 ordered twice, 3 once; the guest is not counted: 2 / 3
  repeat_customer_rate: 66.67,
  // Order 1: 2 days 1.5 hours (2.0625), order 3: 0.5 (earliest fulfillment), order 5: 0.5 → 3.0625 / 3 = 1.0208
  avg_processing_days: 1.02,
  sales_by_day: [
    { date: '2024-03-01', orders: 1, sales: '100.00' },
    { date: '2024-03-02', orders: 1, sales: '50.50' },
    { date: '2024-04-15', orders: 2, sales: '50.00' },
    { date: '2024-04-20', orders: 1, sales: '0.01' },
    { date: '2024-05-01', orders: 1, sales: '75.00' },
  ],
  sales_by_month: [
    { month: '2024-03', orders: 2, sales: '150.50' },
    { month: '2024-04', orders: 3, sales: '50.01' },
    { month: '2024-05', orders: 1, sales: '75.00' },
  ],
  top_products_by_quantity: [
    { product_id: 300, title: 'Gadget', quantity: 6, sales: '79.51' },
    { product_id: 100, title: 'Widget', quantity: 4, sales: '175.00' },
    { product_id: 50, title: 'Sticker v2', quantity: 1, sales: '5.00' },
    { product_id: 200, title: 'Retired thing', quantity: 1, sales: '20.00' },
  ],
  sales_by_country: [
    { country: 'United States', country_code: 'US', orders: 3, sales: '130.01' },
    { country: 'Germany', country_code: 'DE', orders: 1, sales: '75.00' },
    { country: 'Japan', country_code: 'JP', orders: 1, sales: '50.50' },
    { country: 'Unknown', country_code: null, orders: 1, sales: '20.00' },
  ],
  sales_by_province: [
    { country_code: 'US', province: 'New York', province_code: 'NY', orders: 2, sales: '100.01' },
    { country_code: 'DE', province: 'Berlin', province_code: 'BE', orders: 1, sales: '75.00' },
    { country_code: 'JP', province: 'Tokyo', province_code: '13', orders: 1, sales: '50.50' },
    { country_code: 'US', province: 'California', province_code: 'CA', orders: 1, sales: '30.00' },
    { country_code: null, province: 'Unknown', province_code: null, orders: 1, sales: '20.00' },
  ],
  orders_by_financial_status: [
    { status: 'paid', orders: 3 },
    { status: 'partially_refunded', orders: 1 },
    { status: 'pending', orders: 1 },
    { status: 'voided', orders: 1 },
  ],
  orders_by_fulfillment_status: [
    { status: 'unfulfilled', orders: 3 },
    { status: 'fulfilled', orders: 2 },
    { status: 'partial', orders: 1 },
  ],
  // Customer values 30.01, 75.00, 150.50: mean 255.51 / 3 = 85.17, p90 is rank ceil(2.7) = 3.
  customer_lifetime_value: { customers: 3, mean: '85.17', median: '75.00', p90: '150.50' },
};

function load(db: Db, orders: Rec[], customers: Rec[], products: Rec[]): void {
  upsertRecords(db, resourceSpec('products'), asNodes('products', products));
  upsertRecords(db, resourceSpec('customers'), asNodes('customers', customers));
  upsertRecords(db, resourceSpec('orders'), asNodes('orders', orders));
}

describe('analytics', () => {
  let dir: string;
  let db: Db;
  withTempDatabase((d, p) => ((db = d), (dir = p)));

  it('SQLite julianday honours UTC offsets', () => {
    const row = db
      .prepare(
        `SELECT julianday('2024-03-01T22:30:00-04:00') = julianday('2024-03-02T02:30:00Z') AS same,
           (julianday('2024-04-21T04:00:00Z') - julianday('2024-04-20T12:00:00-04:00')) * 24 AS hours`,
      )
      .get();
    expect(row).toEqual({ same: 1, hours: 12 });
  });

  it('computes every metric of a hand-made shop', () => {
    load(db, ORDERS, CUSTOMERS, PRODUCTS);
    expect(computeAnalytics(db, { now: NOW })).toEqual(EXPECTED);
  });

  it('agrees with the independent computation on the hand-made shop', () => {
    load(db, ORDERS, CUSTOMERS, PRODUCTS);
    const { generated_at: _ignored, ...rest } = EXPECTED;
    expect(analyticsFromApiRecords(ORDERS, CUSTOMERS, PRODUCTS)).toEqual(rest);
  });

  it('takes the median of an even count as the exact mean of the middle two', () => {
    const extra = { id: 7, customer: { id: 4 }, created_at: '2024-05-02T09:00:00+00:00', total_price: '10.01' };
    load(db, [...ORDERS, extra], CUSTOMERS, PRODUCTS);
    // Values 10.01, 30.01, 75.00, 150.50: median (30.01 + 75.00) / 2, p90 rank ceil(3.6) = 4, mean 265.52 / 4.
    expect(computeAnalytics(db).customer_lifetime_value).toEqual({
      customers: 4,
      mean: '66.38',
      median: '52.505',
      p90: '150.50',
    });
  });

  it('reports an empty shop with zeros and nulls', () => {
    expect(computeAnalytics(db, { now: NOW })).toEqual({
      generated_at: NOW.toISOString(),
      window: { first_order_at: null, last_order_at: null },
      currency: null,
      total_orders: 0,
      total_sales: '0.00',
      aov: '0.00',
      total_customers: 0,
      total_discounts: '0.00',
      net_sales: '0.00',
      repeat_customer_rate: 0,
      avg_processing_days: null,
      sales_by_day: [],
      sales_by_month: [],
      top_products_by_quantity: [],
      sales_by_country: [],
      sales_by_province: [],
      orders_by_financial_status: [],
      orders_by_fulfillment_status: [],
      customer_lifetime_value: { customers: 0, mean: '0.00', median: '0.00', p90: '0.00' },
    });
  });

  it('writes analytics_summary.json atomically, pretty-printed and owner-only', async () => {
    load(db, ORDERS, CUSTOMERS, PRODUCTS);
    const { file, summary } = await writeAnalytics(db, dir, { now: NOW });
    expect(file).toBe(path.join(dir, 'analytics_summary.json'));
    expect(summary).toEqual(EXPECTED);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(EXPECTED, null, 2)}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('equals the one-query-per-figure SQL definitions on hostile dates and instant ties', () => {
    // created_at that is null, not a date, shorter than a month, astral characters (substr counts characters, not
    // UTF-16 units), an impossible day; two first and two last orders at the same instant written differently.
    const stamps: Array<string | null> = [
      '2024-03-01T22:30:00-04:00',
      '2024-03-02T02:30:00Z',
      null,
      'not a date',
      'abc',
      '\u{1F600}\u{1F600}\u{1F600}\u{1F600}-05-06T00:00:00Z',
      '\u{1F600}\u{1F600}\u{1F600}\u{1F600}-05-07T00:00:00Z',
      '2024-04-31T00:00:00+09:00',
      '2024-05-01T00:00:00+00:00',
      '2024-04-30T20:00:00-04:00',
      '2024-04-30T20:00:00-04:00',
    ];
    const orders = stamps.map((created_at, i) => ({
      id: 20 + i,
      created_at,
      customer: i % 4 === 3 ? null : { id: 1 + (i % 4) },
      cancelled_at: i % 5 === 1 ? '2024-05-02T00:00:00Z' : null,
      total_price: ['10.00', '0.125', null, '7.5', '-1.00'][i % 5],
      total_discounts: i % 2 ? '1.005' : null,
      currency: ['USD', 'EUR', null][i % 3],
      financial_status: ['paid', null, 'pending'][i % 3],
      fulfillment_status: [null, 'fulfilled'][i % 2],
      shipping_address: i % 3 ? { country: 'Canada', country_code: 'CA', province: i % 2 ? 'Québec' : null } : null,
      fulfillments: i % 2 ? [{ id: 900 + i, created_at: '2024-05-03T00:00:00-07:00' }] : [],
      refunds: i % 3 ? [{ id: 800 + i, transactions: [{ kind: 'refund', status: 'success', amount: '0.50' }] }] : [],
    }));
    load(db, orders, CUSTOMERS, PRODUCTS);
    const { generated_at: _ignored, top_products_by_quantity: _unchanged, ...summary } = computeAnalytics(db);
    expect(summary).toEqual(definitions(db));
    expect(summary.window).toEqual({ first_order_at: stamps[0], last_order_at: stamps[10] });
    expect(summary.sales_by_month.map((m) => m.month)).toContain('\u{1F600}\u{1F600}\u{1F600}\u{1F600}-05');
    expect(summary.currency).toBe('EUR');
  });

  it('equals the SQL definitions when every order is cancelled', () => {
    load(
      db,
      ORDERS.map((o) => ({ ...o, cancelled_at: '2024-06-01T00:00:00Z' })),
      CUSTOMERS,
      PRODUCTS,
    );
    const { generated_at: _ignored, top_products_by_quantity: _unchanged, ...summary } = computeAnalytics(db);
    expect(summary).toEqual(definitions(db));
    expect(summary.net_sales).toBe('0.00');
  });

  it.each([1, 2, 3])('equals the independent computation on generated orders (seed %i)', (seed) => {
    const shop = generateShop(seed, 300);
    for (let i = 0; i < shop.orders.length; i += 50)
      upsertRecords(db, resourceSpec('orders'), asNodes('orders', shop.orders.slice(i, i + 50)));
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', shop.customers));
    upsertRecords(db, resourceSpec('products'), asNodes('products', shop.products));
    const { generated_at: _ignored, ...summary } = computeAnalytics(db);
    expect(summary).toEqual(analyticsFromApiRecords(shop.orders, shop.customers, shop.products));
    expect(summary.total_orders).toBe(300);
    expect(summary.top_products_by_quantity).toHaveLength(10);
  });
});

/**
 * The summary's figures (all but top products) the plain way, one SQL query over `orders` each, as docs/analytics.md
 * states them: the reference for the one-pass computation.
 */
function definitions(db: Db): Omit<AnalyticsSummary, 'generated_at' | 'top_products_by_quantity'> {
  const rows = (sql: string) =>
    db.prepare(sql).safeIntegers(true).all() as Array<Record<string, bigint | string | null>>;
  const big = (value: unknown) => (value === null ? 0n : BigInt(value as bigint));
  const money = (value: unknown) => formatThousandths(big(value));
  const price = `COALESCE(${t('total_price')}, 0)`;
  const totals = rows(
    `SELECT COUNT(*) AS orders, SUM(${price}) AS sales, SUM(COALESCE(${t('total_discounts')}, 0)) AS discounts,
       SUM(CASE WHEN cancelled_at IS NULL THEN ${price} - COALESCE(${t('total_refunded')}, 0) END) AS net
     FROM orders`,
  )[0];
  const window = rows(
    `SELECT
       (SELECT created_at FROM orders WHERE julianday(created_at) IS NOT NULL
          ORDER BY julianday(created_at), id LIMIT 1) AS first,
       (SELECT created_at FROM orders WHERE julianday(created_at) IS NOT NULL
          ORDER BY julianday(created_at) DESC, id DESC LIMIT 1) AS last`,
  )[0];
  const processing = rows(
    `SELECT COUNT(*) AS n,
       SUM(CAST(ROUND((julianday(first_fulfilled_at) - julianday(created_at)) * 86400000) AS INTEGER)) AS ms
     FROM orders WHERE julianday(first_fulfilled_at) IS NOT NULL AND julianday(created_at) IS NOT NULL`,
  )[0];
  const period = (length: number) =>
    rows(
      `SELECT substr(created_at, 1, ${length}) AS period, COUNT(*) AS orders, SUM(${price}) AS sales
       FROM orders WHERE created_at IS NOT NULL GROUP BY period ORDER BY period`,
    );
  const status = (column: string, ifNull: string) =>
    rows(
      `SELECT COALESCE(${column}, '${ifNull}') AS status, COUNT(*) AS orders
       FROM orders GROUP BY 1 ORDER BY orders DESC, status`,
    ).map((r) => ({ status: String(r.status), orders: Number(r.orders) }));
  const buyers = rows(
    `SELECT COUNT(*) AS orders, SUM(${price}) AS value FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id`,
  );
  const values = buyers.map((b) => big(b.value)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(values.length);
  const at = (rank: bigint) => values[Number(rank) - 1];
  return {
    window: { first_order_at: window.first as string | null, last_order_at: window.last as string | null },
    currency:
      (rows(
        `SELECT currency FROM orders WHERE currency IS NOT NULL
         GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1`,
      )[0]?.currency as string | undefined) ?? null,
    total_orders: Number(totals.orders),
    total_sales: money(totals.sales),
    aov: meanMoney(big(totals.sales), big(totals.orders)),
    total_customers: Number(rows('SELECT COUNT(*) AS n FROM customers')[0].n),
    total_discounts: money(totals.discounts),
    net_sales: money(totals.net),
    repeat_customer_rate: n === 0n ? 0 : ratio2(100n * BigInt(buyers.filter((b) => big(b.orders) >= 2n).length), n),
    avg_processing_days: big(processing.n) === 0n ? null : ratio2(big(processing.ms), big(processing.n) * 86_400_000n),
    sales_by_day: period(10).map((r) => ({ date: String(r.period), orders: Number(r.orders), sales: money(r.sales) })),
    sales_by_month: period(7).map((r) => ({
      month: String(r.period),
      orders: Number(r.orders),
      sales: money(r.sales),
    })),
    sales_by_country: rows(
      `SELECT COALESCE(shipping_country, 'Unknown') AS country, shipping_country_code AS country_code,
         COUNT(*) AS orders, SUM(${price}) AS sales
       FROM orders GROUP BY 1, 2 ORDER BY sales DESC, country, country_code`,
    ).map((r) => ({
      country: String(r.country),
      country_code: r.country_code as string | null,
      orders: Number(r.orders),
      sales: money(r.sales),
    })),
    sales_by_province: rows(
      `SELECT shipping_country_code AS country_code, COALESCE(shipping_province, 'Unknown') AS province,
         shipping_province_code AS province_code, COUNT(*) AS orders, SUM(${price}) AS sales
       FROM orders GROUP BY 1, 2, 3 ORDER BY sales DESC, country_code, province, province_code`,
    ).map((r) => ({
      country_code: r.country_code as string | null,
      province: String(r.province),
      province_code: r.province_code as string | null,
      orders: Number(r.orders),
      sales: money(r.sales),
    })),
    orders_by_financial_status: status('financial_status', 'unknown'),
    orders_by_fulfillment_status: status('fulfillment_status', 'unfulfilled'),
    customer_lifetime_value:
      n === 0n
        ? { customers: 0, mean: '0.00', median: '0.00', p90: '0.00' }
        : {
            customers: Number(n),
            mean: meanMoney(
              values.reduce((sum, v) => sum + v, 0n),
              n,
            ),
            median: formatThousandths(divideRounded(at((n + 1n) / 2n) + at((n + 2n) / 2n), 2n)),
            p90: formatThousandths(at((9n * n + 9n) / 10n)),
          },
  };
}

/** A deterministic pseudo-random shop with the quirks the metrics must survive. */
function generateShop(seed: number, count: number): { orders: Rec[]; customers: Rec[]; products: Rec[] } {
  let state = seed * 0x9e3779b9;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)];
  const money = (maxCents: number) => {
    const thousandths = int(maxCents) * 10 + (random() < 0.05 ? int(10) : 0);
    const whole = Math.floor(thousandths / 1000);
    const fraction = String(thousandths % 1000).padStart(3, '0');
    return `${whole}.${fraction.endsWith('0') ? fraction.slice(0, 2) : fraction}`;
  };
  const offsets = ['-04:00', '-07:00', '+09:00', '+05:30', '+00:00', 'Z', '-03:30'];
  const stamp = (ms: number) => {
    const offset = pick(offsets);
    const minutes =
      offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
    return new Date(ms + minutes * 60_000).toISOString().slice(0, 19) + offset;
  };
  const places = [
    { country: 'United States', country_code: 'US', province: 'New York', province_code: 'NY' },
    { country: 'United States', country_code: 'US', province: 'California', province_code: 'CA' },
    { country: 'Canada', country_code: 'CA', province: 'Québec', province_code: 'QC' },
    { country: 'Japan', country_code: 'JP', province: '東京都', province_code: '13' },
    { country: 'Ireland', country_code: 'IE', province: null, province_code: null },
    { country: null, country_code: null, province: null, province_code: null },
  ];
  const productIds = Array.from({ length: 25 }, (_, i) => 7_000_000_000 + i * 13);
  const products = productIds
    .filter(() => random() < 0.8)
    .map((id) => ({ id, title: random() < 0.1 ? null : `Product ${id}` }));
  const customerIds = Array.from({ length: 120 }, (_, i) => 6_000_000_000 + i * 7);
  const customers = customerIds.filter(() => random() < 0.9).map((id) => ({ id, email: `c${id}@example.com` }));
  const start = Date.parse('2023-12-25T00:00:00Z');
  let lineItemId = 13_000_000_000;
  const orders = Array.from({ length: count }, (_, i) => {
    const createdMs = start + int(90 * 86_400) * 1000;
    const refunds = Array.from({ length: random() < 0.2 ? 1 + int(2) : 0 }, (_, r) => ({
      id: 9_000_000 + i * 10 + r,
      transactions: Array.from({ length: 1 + int(2) }, () => ({
        kind: pick(['refund', 'refund', 'sale']),
        status: pick(['success', 'success', 'failure']),
        amount: money(3000),
      })),
    }));
    return {
      id: 5_000_000_000 + i * 3,
      customer: random() < 0.15 ? null : { id: pick(customerIds) },
      created_at: stamp(createdMs),
      cancelled_at: random() < 0.1 ? stamp(createdMs + 3_600_000) : null,
      total_price: money(50_000),
      total_discounts: money(2_000),
      currency: pick(['USD', 'USD', 'CAD', 'EUR', null]),
      financial_status: pick(['paid', 'pending', 'refunded', 'partially_refunded', 'voided', null]),
      fulfillment_status: pick(['fulfilled', 'partial', null, null]),
      shipping_address: random() < 0.1 ? null : pick(places),
      refunds,
      fulfillments: Array.from({ length: int(3) }, (_, f) => ({
        id: 8_000_000 + i * 10 + f,
        created_at: stamp(createdMs + int(10 * 86_400) * 1000),
      })),
      line_items: Array.from({ length: int(4) }, () => ({
        id: (lineItemId += 1 + int(3)),
        product_id: random() < 0.1 ? null : pick(productIds),
        title: `Line title ${int(5)}`,
        quantity: int(5),
        price: money(10_000),
      })),
    };
  });
  return { orders, customers, products };
}
