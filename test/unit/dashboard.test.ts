import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import vm from 'node:vm';
import { computeDashboardData, DashboardData, UNDATED } from '../../activities/dashboard/data';
import * as M from '../../activities/dashboard/assets/metrics';
import { renderDashboard } from '../../activities/dashboard/render';
import { PAGES } from '../../activities/dashboard/pages';
import { worldGeoJson } from '../../activities/dashboard/world';
import { AnalyticsSummary, computeAnalytics } from '../../activities/exports/analytics';
import { divideRounded, formatThousandths, meanMoney, ratio2 } from '../../activities/exports/money';
import { Db, openDatabase } from '../../activities/store/database';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { startDashboardServer } from '../../client/dashboard';
import { createShopifyStore } from '../../emulators/shopify';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { tempDir } from '../helpers/tmp';

type Rec = Record<string, unknown>;
type Expected = Omit<AnalyticsSummary, 'generated_at'>;

const NOW = new Date('2026-07-01T00:00:00Z');

function databaseOf(dir: string, records: { products?: Rec[]; customers?: Rec[]; orders?: Rec[] }): Db {
  const db = openDatabase(dir);
  for (const name of ['products', 'customers', 'orders'] as const) {
    const list = records[name] ?? [];
    for (let i = 0; i < list.length; i += 500)
      upsertRecords(db, resourceSpec(name), asNodes(name, list.slice(i, i + 500)));
  }
  return db;
}

/** The figures of a dashboard range in the summary's shape, to compare with an analytics computation. */
function figures(result: M.Result) {
  const k = result.kpis;
  return {
    total_orders: k.total_orders,
    total_sales: k.total_sales,
    aov: k.aov,
    total_customers: k.total_customers,
    total_discounts: k.total_discounts,
    net_sales: k.net_sales,
    repeat_customer_rate: k.repeat_customer_rate,
    avg_processing_days: k.avg_processing_days,
    sales_by_country: result.countries.map(({ country, country_code, orders, sales }) => ({
      country,
      country_code,
      orders,
      sales,
    })),
    sales_by_province: result.provinces.map(({ country_code, province, province_code, orders, sales }) => ({
      country_code,
      province,
      province_code,
      orders,
      sales,
    })),
    orders_by_financial_status: result.financial,
    orders_by_fulfillment_status: result.fulfillment,
    customer_lifetime_value: k.clv,
  };
}

const pick = (s: Expected) => ({
  total_orders: s.total_orders,
  total_sales: s.total_sales,
  aov: s.aov,
  total_customers: s.total_customers,
  total_discounts: s.total_discounts,
  net_sales: s.net_sales,
  repeat_customer_rate: s.repeat_customer_rate,
  avg_processing_days: s.avg_processing_days,
  sales_by_country: s.sales_by_country,
  sales_by_province: s.sales_by_province,
  orders_by_financial_status: s.orders_by_financial_status,
  orders_by_fulfillment_status: s.orders_by_fulfillment_status,
  customer_lifetime_value: s.customer_lifetime_value,
});

const dayOf = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 10) : null);

function inDays(records: Iterable<Rec>, from: string, to: string): Rec[] {
  return [...records].filter((r) => {
    const day = dayOf(r.created_at);
    return day !== null && day >= from && day <= to;
  });
}

describe('dashboard figures on the emulated store', () => {
  const tmp = tempDir();
  const store = createShopifyStore({ seed: 4, products: 30, customers: 150, orders: 600 });
  const records = {
    products: [...store.records('products')],
    customers: [...store.records('customers')],
    orders: [...store.records('orders')],
  };
  let db: Db;
  let data: DashboardData;

  beforeAll(() => {
    db = databaseOf(tmp.dir, records);
    data = computeDashboardData(db, { now: NOW });
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('all time equals analytics_summary.json (computeAnalytics), field by field', () => {
    const summary = computeAnalytics(db, { now: NOW });
    const result = M.compute(data, M.resolveRange(data, { preset: 'all' }));
    expect(figures(result)).toEqual(pick(summary));

    const byDay = M.periods(data, result, 'day');
    const days = byDay.keys
      .map((date, i) => ({ date, orders: byDay.sums.orders[i], sales: M.formatThousandths(byDay.sums.sales[i]) }))
      .filter((d) => d.orders > 0);
    expect(days).toEqual(summary.sales_by_day);
    const byMonth = M.periods(data, result, 'month');
    expect(byMonth.keys).toEqual(summary.sales_by_month.map((m) => m.month));
    expect(byMonth.sums.sales.map((s) => M.formatThousandths(s))).toEqual(summary.sales_by_month.map((m) => m.sales));
    expect(data.window).toEqual(summary.window);
    expect(data.currency).toBe(summary.currency);
  });

  it('every sub-range equals an independent computation over the records of that range', () => {
    const last = M.dayToDate(data, data.last_order_day!);
    const first = M.dayToDate(data, data.first_order_day!);
    const specs: Array<[M.RangeSpec, string, string]> = [
      [{ preset: '30d' }, M.dayToDate(data, data.last_order_day! - 29), last],
      [{ preset: '90d' }, M.dayToDate(data, data.last_order_day! - 89), last],
      [{ preset: '365d' }, M.dayToDate(data, data.last_order_day! - 364), last],
      [{ from: '2025-01-15', to: '2025-03-02' }, '2025-01-15', '2025-03-02'],
      // Bounds the wrong way round are swapped; a missing one is the data's end.
      [{ from: '2025-12-31', to: '2025-12-01' }, '2025-12-01', '2025-12-31'],
      [{ from: '2026-05-01', to: null }, '2026-05-01', last],
      [{ from: first, to: last }, first, last],
    ];
    for (const [spec, from, to] of specs) {
      const range = M.resolveRange(data, spec);
      expect([M.dayToDate(data, range.from!), M.dayToDate(data, range.to!)]).toEqual([from, to]);
      const expected = analyticsFromApiRecords(
        inDays(records.orders, from, to),
        inDays(records.customers, from, to),
        records.products,
      );
      expect({ spec, ...figures(M.compute(data, range)) }).toEqual({ spec, ...pick(expected) });
    }
  });

  it('new and returning customers, order buckets and segments add up', () => {
    const range = M.resolveRange(data, { preset: '90d' });
    const r = M.compute(data, range);
    const k = r.kpis;
    expect(k.new_customers + k.returning_customers).toBe(k.customers_with_orders);
    expect(Object.values(r.orderCountBuckets).reduce((a, b) => a + b, 0)).toBe(k.customers_with_orders);
    expect(Object.values(r.segments).reduce((a, b) => a + b, 0)).toBe(k.customers_with_orders);
    expect(r.segments.new_repeat + r.segments.returning_repeat).toBe(k.repeat_customers);
    expect(r.daily.newCustomers.reduce((a, b) => a + b, 0)).toBe(k.new_customers);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(r.daily.firstOrders) + sum(r.daily.repeatOrders)).toBe(sum(r.daily.buyerOrders));
    expect(sum(r.daily.orders)).toBe(k.total_orders);
    // Returning customers ordered before the range: recomputed from the records.
    const from = M.dayToDate(data, range.from!);
    const to = M.dayToDate(data, range.to!);
    const firstDay = new Map<number, string>();
    for (const o of records.orders) {
      const id = (o.customer as Rec | null)?.id as number | undefined;
      const day = dayOf(o.created_at);
      if (id === undefined || day === null) continue;
      if (!firstDay.has(id) || day < firstDay.get(id)!) firstDay.set(id, day);
    }
    const buyers = new Set(
      inDays(records.orders, from, to)
        .map((o) => (o.customer as Rec | null)?.id as number | undefined)
        .filter((id) => id !== undefined),
    );
    expect(k.returning_customers).toBe([...buyers].filter((id) => firstDay.get(id)! < from).length);
  });

  it('periods: Monday weeks and calendar months, partial ends flagged, sums equal the totals', () => {
    const r = M.compute(data, M.resolveRange(data, { from: '2025-03-05', to: '2025-05-20' }));
    const weeks = M.periods(data, r, 'week');
    expect(weeks.keys[0]).toBe('2025-03-03'); // the Monday before Wednesday 2025-03-05
    expect(weeks.keys.every((k) => new Date(`${k}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(weeks.days[0]).toBe(5);
    expect(weeks.complete[0]).toBe(false);
    expect(weeks.complete.slice(1, -1).every(Boolean)).toBe(true);
    const months = M.periods(data, r, 'month');
    expect(months.keys).toEqual(['2025-03', '2025-04', '2025-05']);
    expect(months.complete).toEqual([false, true, false]);
    expect(months.days).toEqual([27, 30, 20]);
    for (const p of [weeks, months]) expect(p.sums.sales.reduce((a, b) => a + b, 0)).toBe(r.totals.sales);
    expect(M.autoGranularity(30)).toBe('day');
    expect(M.autoGranularity(365)).toBe('week');
    expect(M.autoGranularity(729)).toBe('month');
  });

  it('previous period: the same number of days just before; none for all time', () => {
    const range = M.resolveRange(data, { preset: '30d' });
    const previous = M.previousRange(range)!;
    expect(M.rangeLength(previous)).toBe(30);
    expect(previous.to).toBe(range.from! - 1);
    expect(M.previousRange(M.resolveRange(data, { preset: 'all' }))).toBeNull();
  });

  it('data.js stays small: per-day aggregates and one short list per buying customer', () => {
    const bytes = Buffer.byteLength(JSON.stringify(data));
    expect(bytes).toBeLessThan(60_000);
    expect(data.buyers.length).toBe(computeAnalytics(db).customer_lifetime_value.customers);
    expect(JSON.stringify(data)).not.toMatch(/@/); // no e-mail addresses or other personal data
  });
});

describe('dashboard figures: awkward records', () => {
  const tmp = tempDir();
  const US = { country: 'United States', country_code: 'US', province: 'New York', province_code: 'NY' };
  const customers: Rec[] = [
    { id: 1, created_at: '2024-03-01T10:00:00-04:00', default_address: US },
    { id: 2, created_at: null },
    { id: 3, created_at: '2024-03-05T10:00:00-04:00', default_address: { country: 'Kuwait', country_code: 'KW' } },
  ];
  const orders: Rec[] = [
    {
      id: 1,
      customer: { id: 1 },
      created_at: '2024-03-01T22:30:00-04:00',
      total_price: '10.125', // a 3-decimal currency
      total_discounts: '0.50',
      currency: 'KWD',
      financial_status: 'paid',
      shipping_address: US,
      fulfillments: [{ id: 11, created_at: '2024-03-02T22:30:00-04:00' }],
    },
    {
      id: 2,
      customer: { id: 1 },
      created_at: '2024-03-03T09:00:00+09:00',
      total_price: '20.00',
      cancelled_at: '2024-03-04T00:00:00+09:00',
      refunds: [{ id: 21, transactions: [{ kind: 'refund', status: 'success', amount: '5.00' }] }],
      fulfillments: [{ id: 12, created_at: '2024-03-03T21:00:00+09:00' }],
    },
    { id: 3, created_at: '2024-03-03T10:00:00-04:00', total_price: '30.10', shipping_address: US }, // a guest
    { id: 4, customer: { id: 2 }, created_at: null, total_price: '7.77' }, // no date
    { id: 5, customer: { id: 4 }, created_at: 'not a date', total_price: '1.111' }, // a customer not synced
    { id: 6, customer: { id: 1 }, created_at: '2024-02-30T10:00:00-04:00', total_price: '3.00' }, // no such day
  ];
  let db: Db;
  let data: DashboardData;

  beforeAll(() => {
    db = databaseOf(tmp.dir, { customers, orders });
    data = computeDashboardData(db, { now: NOW });
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('all time counts undated records too and still equals computeAnalytics', () => {
    expect(data.days.filter((d) => d[0] === UNDATED)).toEqual([[UNDATED, 3, 11881, 0, 11881, 0, 0, 0, 0]]);
    const result = M.compute(data, M.resolveRange(data, { preset: 'all' }));
    expect(figures(result)).toEqual(pick(computeAnalytics(db, { now: NOW })));
    expect(result.kpis.total_sales).toBe('72.106');
  });

  it('a bounded range leaves undated records out and equals the independent computation', () => {
    const range = M.resolveRange(data, { from: '2024-03-01', to: '2024-03-03' });
    const result = M.compute(data, range);
    expect(figures(result)).toEqual(
      pick(
        analyticsFromApiRecords(
          inDays(orders, '2024-03-01', '2024-03-03'),
          inDays(customers, '2024-03-01', '2024-03-03'),
          [],
        ),
      ),
    );
    expect(result.kpis).toMatchObject({
      total_orders: 3,
      total_sales: '60.225',
      total_customers: 1,
      net_sales: '40.225',
    });
  });

  it('day 0 is the earliest date of orders and customers; the presets end on the last order date', () => {
    expect(data.start).toBe('2024-03-01');
    expect(M.dayToDate(data, data.last_order_day!)).toBe('2024-03-03');
    expect(M.resolveRange(data, { preset: '30d' })).toMatchObject({ from: -27, to: 2 });
    expect(M.dateToDay(data, '2024-02-30')).toBeNull();
    expect(M.dateToDay(data, '2024-03-05')).toBe(4);
  });
});

describe('dashboard data: the lists as written', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('per-day lists ordered by day then ids, undated dates merged first; dictionaries in first-seen order', () => {
    const at = (
      id: number,
      created_at: string | null,
      financial: string,
      fulfillment: string | null,
      customer?: number,
    ) => ({
      id,
      created_at,
      financial_status: financial,
      fulfillment_status: fulfillment,
      total_price: `${id}.00`,
      ...(customer === undefined ? {} : { customer: { id: customer } }),
    });
    const db = databaseOf(tmp.dir, {
      customers: [
        { id: 1, created_at: '2024-03-02T10:00:00Z' },
        { id: 2, created_at: 'nope' },
      ],
      orders: [
        at(1, '2024-03-01T10:00:00Z', 'authorized', 'partial'),
        at(2, '2024-03-01T11:00:00Z', 'paid', 'fulfilled', 1),
        at(3, 'garbage', 'paid', null, 1),
        at(4, null, 'authorized', 'partial', 1),
        at(5, '2024-02-30T10:00:00Z', 'paid', 'fulfilled', 2),
      ],
    });
    const data = computeDashboardData(db, { now: NOW });
    db.close();
    expect(data).toMatchObject({
      start: '2024-03-01',
      first_order_day: 0,
      last_order_day: 0,
      regions: [['Unknown', null, 'Unknown', null]],
      region_days: [
        [UNDATED, 0, 3, 12000],
        [0, 0, 2, 3000],
      ],
      financial_statuses: ['authorized', 'paid'],
      // In the order the (financial, fulfillment) pairs first appear, not sorted: status_days sort by these ids.
      fulfillment_statuses: ['partial', 'fulfilled', 'unfulfilled'],
      status_days: [
        [UNDATED, 0, 0, 1],
        [UNDATED, 1, 1, 1],
        [UNDATED, 1, 2, 1],
        [0, 0, 0, 1],
        [0, 1, 1, 1],
      ],
      customer_countries: [['Unknown', null]],
      customer_days: [
        [UNDATED, 0, 1],
        [1, 0, 1],
      ],
      buyers: [
        [UNDATED, 2, 7000, 1, 1, 2000],
        [UNDATED, 1, 5000],
      ],
    });
  });
});

describe('dashboard figures: no orders at all', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('shows zeros, no processing time, and empty ranges', () => {
    const db = databaseOf(tmp.dir, { customers: [{ id: 1, created_at: '2024-01-01T00:00:00Z' }] });
    const data = computeDashboardData(db);
    const summary = computeAnalytics(db);
    db.close();
    const result = M.compute(data, M.resolveRange(data, { preset: 'all' }));
    expect(figures(result)).toEqual(pick(summary));
    expect(result.kpis).toMatchObject({ total_orders: 0, aov: '0.00', avg_processing_days: null, total_customers: 1 });
    const last30 = M.compute(data, M.resolveRange(data, { preset: '30d' }));
    expect(last30.days).toBe(0);
    expect(M.periods(data, last30, 'auto').keys).toEqual([]);
  });
});

describe('dashboard money arithmetic agrees with activities/exports/money.ts', () => {
  it('formats, divides and averages exactly like the summary', () => {
    const values = [0, 1, 5, 10, 15, 125, 1000, 1005, 999_999, -1, -1005, -10, 123_456_789_012, 2 ** 53 - 1];
    for (const v of values) expect(M.formatThousandths(v)).toBe(formatThousandths(BigInt(v)));
    for (const [n, d] of [
      [5, 2],
      [-5, 2],
      [7, 3],
      [1, 2],
      [-1, 2],
      [10, -4],
      [2 ** 53 - 1, 10],
    ]) {
      expect(M.divideRounded(n, d)).toBe(divideRounded(BigInt(n), BigInt(d)));
      if (d > 0) expect(M.meanMoney(n, d)).toBe(meanMoney(BigInt(n), BigInt(d)));
      expect(M.ratio2(n, d)).toBe(ratio2(BigInt(n), BigInt(d)));
    }
    expect(M.parseMoney('1234.5')).toBe(1_234_500);
    expect(M.parseMoney('-0.125')).toBe(-125);
  });

  it('orders text byte-wise like SQLite, null first', () => {
    const words = ['b', 'a', null, 'Z', 'é', '\u{1F600}', '\uFF5E', 'ab'];
    const sqlite = [...words].sort((a, b) =>
      a === null ? -1 : b === null ? 1 : Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    expect([...words].sort(M.compareText)).toEqual(sqlite);
  });
});

describe('renderDashboard', () => {
  const tmp = tempDir();
  const store = createShopifyStore({ seed: 9, products: 10, customers: 40, orders: 150 });
  let db: Db;
  beforeAll(() => {
    db = databaseOf(tmp.dir, {
      products: [...store.records('products')],
      customers: [...store.records('customers')],
      orders: [...store.records('orders')],
    });
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('writes the pages and assets (mode 0600) and a data.js that evaluates to the data', async () => {
    const rendered = await renderDashboard(db, tmp.dir, { now: NOW });
    expect(rendered.dir).toBe(path.join(tmp.dir, 'dashboard'));
    expect(rendered.file).toBe(path.join(tmp.dir, 'dashboard', 'index.html'));
    expect(rendered.orders).toBe(150);
    const files = fs.readdirSync(rendered.dir).sort();
    expect(files).toEqual(
      [
        'coherent-analysis.html',
        'dashboard.css',
        'dashboard.js',
        'data.js',
        'echarts.min.js',
        'geographic.html',
        'index.html',
        'metrics.js',
        'orders-customers.html',
        'world.js',
      ].sort(),
    );
    for (const file of files) expect(fs.statSync(path.join(rendered.dir, file)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(rendered.dir).mode & 0o777).toBe(0o700);

    const sandbox: { window: { DASHBOARD_DATA?: unknown } } = { window: {} };
    vm.runInNewContext(fs.readFileSync(path.join(rendered.dir, 'data.js'), 'utf8'), sandbox);
    expect(sandbox.window.DASHBOARD_DATA).toEqual(computeDashboardData(db, { now: NOW }));
    expect(rendered.dataBytes).toBe(fs.statSync(path.join(rendered.dir, 'data.js')).size);

    for (const page of PAGES) {
      const html = fs.readFileSync(path.join(rendered.dir, page.file), 'utf8');
      for (const src of html.match(/(?<=src=")[^"]+/g) ?? []) expect(files).toContain(src);
      for (const link of PAGES) expect(html).toContain(`href="${link.file}"`);
    }
  });

  it('a data.js larger than a write chunk (64 KB) is the data exactly, its size reported', async () => {
    const big = createShopifyStore({ seed: 5, products: 20, customers: 300, orders: 2000 });
    const dir = path.join(tmp.dir, 'big');
    const bigDb = databaseOf(dir, {
      products: [...big.records('products')],
      customers: [...big.records('customers')],
      orders: [...big.records('orders')],
    });
    try {
      const rendered = await renderDashboard(bigDb, dir, { now: NOW });
      const script = fs.readFileSync(path.join(rendered.dir, 'data.js'), 'utf8');
      expect(rendered.dataBytes).toBe(Buffer.byteLength(script));
      expect(rendered.dataBytes).toBeGreaterThan(65_536);
      const data = computeDashboardData(bigDb, { now: NOW });
      expect(script).toBe(`window.DASHBOARD_DATA = ${JSON.stringify(data)};\n`);
      expect(rendered.orders).toBe(2000);
      expect(rendered.days).toBe(data.days.length);
      expect(data.buyers.length).toBe(computeAnalytics(bigDb).customer_lifetime_value.customers);
    } finally {
      bigDb.close();
    }
  });

  it('a second render replaces the folder whole and leaves nothing behind', async () => {
    const out = path.join(tmp.dir, 'other', 'dash');
    await renderDashboard(db, tmp.dir, { outDir: out, fileMode: 0o644 });
    fs.writeFileSync(path.join(out, 'stale.txt'), 'from an older version');
    await renderDashboard(db, tmp.dir, { outDir: out, fileMode: 0o644 });
    expect(fs.existsSync(path.join(out, 'stale.txt'))).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dash']);
    expect(fs.statSync(out).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(out, 'index.html')).mode & 0o777).toBe(0o644);
  });

  it('a render removes the half-built folders of a worker killed mid-render, and keeps a live one', async () => {
    const out = path.join(tmp.dir, 'killed', 'dashboard');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid is free
    const stale = `${out}.tmp-${dead}-0123456789ab`;
    const live = `${out}.tmp-${process.ppid}-0123456789ab`;
    for (const dir of [stale, live]) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'data.js'), 'half written');
    }
    await renderDashboard(db, tmp.dir, { outDir: out });
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['dashboard', path.basename(live)]);
  });

  it('the world map: every longitude within ±180, Antarctica left out, one ISO code per country', () => {
    const world = worldGeoJson();
    const names = world.features.map((f) => f.properties.name);
    expect(names).not.toContain('Antarctica');
    expect(names).toEqual(expect.arrayContaining(['Russia', 'Fiji', 'United States of America']));
    const codes = world.features.map((f) => f.properties.iso);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['US', 'RU', 'FJ', 'GB', 'XK']));
    const longitudes = JSON.stringify(world.features.map((f) => f.geometry.coordinates))
      .match(/-?\d+(\.\d+)?/g)!
      .map(Number)
      .filter((_, i) => i % 2 === 0);
    expect(Math.max(...longitudes.map(Math.abs))).toBeLessThanOrEqual(180);
  });

  it('the server serves the folder only: GET/HEAD, content types, 404 outside, 405 for other methods', async () => {
    const rendered = await renderDashboard(db, tmp.dir);
    const server = await startDashboardServer({ dir: rendered.dir, port: 0 });
    const request = (method: string, pathname: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = http.request(`${server.url.replace(/\/$/, '')}${pathname}`, { method }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await request('GET', '/');
      expect([index.status, index.type]).toEqual([200, 'text/html; charset=utf-8']);
      expect(index.body).toContain('data-kpi="total_sales"');
      expect((await request('GET', '/data.js')).type).toBe('text/javascript; charset=utf-8');
      expect((await request('HEAD', '/dashboard.css')).status).toBe(200);
      expect((await request('GET', '/../shopify_data.db')).status).toBe(404);
      expect((await request('GET', '/%2e%2e/shopify_data.db')).status).toBe(404);
      expect((await request('GET', '/missing.html')).status).toBe(404);
      expect((await request('POST', '/index.html')).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
