import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, Db } from '../../activities/store/database';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { AnalyticsSummary, computeAnalytics, writeAnalytics } from '../../activities/exports/analytics';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { tempDir } from '../helpers/tmp';

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
  upsertRecords(db, resourceSpec('products'), products);
  upsertRecords(db, resourceSpec('customers'), customers);
  upsertRecords(db, resourceSpec('orders'), orders);
}

describe('analytics', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

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

  it.each([1, 2, 3])('equals the independent computation on generated orders (seed %i)', (seed) => {
    const shop = generateShop(seed, 300);
    for (let i = 0; i < shop.orders.length; i += 50)
      upsertRecords(db, resourceSpec('orders'), shop.orders.slice(i, i + 50));
    upsertRecords(db, resourceSpec('customers'), shop.customers);
    upsertRecords(db, resourceSpec('products'), shop.products);
    const { generated_at: _ignored, ...summary } = computeAnalytics(db);
    expect(summary).toEqual(analyticsFromApiRecords(shop.orders, shop.customers, shop.products));
    expect(summary.total_orders).toBe(300);
    expect(summary.top_products_by_quantity).toHaveLength(10);
  });
});

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
