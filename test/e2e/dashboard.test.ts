import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import type { AnalyticsSummary } from '../../activities/exports/analytics';
import { DASHBOARD_DIR, DASHBOARD_INDEX, renderDashboard } from '../../activities/dashboard/render';
import { PAGES } from '../../activities/dashboard/pages';
import type { SyncResult } from '../../common/contract';
import { DashboardServer, startDashboardServer } from '../../client/dashboard';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { launchChromium, screenshot as takeScreenshot } from '../helpers/browser';
import { analyticsFromApiRecords } from '../helpers/independent-analytics';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'dashboard');
const ORDERS = 700;

type Rec = Record<string, unknown>;
type Expected = Omit<AnalyticsSummary, 'generated_at'>;

interface ChartState {
  name: string;
  series: number;
  points: number;
  width: number;
  height: number;
  painted: number;
}

/** Runs in the page: every chart container's ECharts option and how much of its canvas is painted. */
const CHART_STATES = `[...document.querySelectorAll('[data-chart]')].map((el) => {
  const chart = echarts.getInstanceByDom(el);
  const series = chart ? chart.getOption().series || [] : [];
  const points = series.reduce((n, s) => n + (s.data || []).filter((v) => v !== null && v !== undefined).length, 0);
  const canvas = el.querySelector('canvas');
  let painted = 0;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  }
  return { name: el.dataset.chart, series: series.length, points, width: canvas ? canvas.width : 0,
    height: canvas ? canvas.height : 0, painted };
})`;

const dayOf = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 10) : null);

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** What the figures of [from, to] must be: the independent computation over the records of that range. */
function expectedFor(store: ShopifyStore, from: string, to: string): Expected {
  const within = (r: Rec) => {
    const day = dayOf(r.created_at);
    return day !== null && day >= from && day <= to;
  };
  return analyticsFromApiRecords(
    [...store.records('orders')].filter(within),
    [...store.records('customers')].filter(within),
    store.records('products'),
  );
}

/** The figures a page shows: data-kpi name → { value: data-value (exact), text: what is displayed }. */
async function readKpis(page: Page): Promise<Record<string, { value: string | null; text: string }>> {
  const kpis: Record<string, { value: string | null; text: string }> = {};
  const elements = page.locator('[data-kpi]');
  for (let i = 0; i < (await elements.count()); i++) {
    const el = elements.nth(i);
    kpis[(await el.getAttribute('data-kpi'))!] = {
      value: await el.getAttribute('data-value'),
      text: ((await el.textContent()) ?? '').trim(),
    };
  }
  return kpis;
}

/** The displayed text is the exact value with digit grouping ('755,019.97'), or '—' for null. */
function expectShown(kpis: Awaited<ReturnType<typeof readKpis>>, expected: Record<string, string>): void {
  const values = Object.fromEntries(Object.keys(expected).map((name) => [name, kpis[name]?.value]));
  expect(values).toEqual(expected);
  for (const name of Object.keys(expected)) {
    const { value, text } = kpis[name];
    expect(value === 'null' ? text === '—' : text.replace(/,/g, '') === value).toBe(true);
  }
}

const overviewKpis = (s: Expected) => ({
  total_orders: String(s.total_orders),
  total_sales: s.total_sales,
  aov: s.aov,
  total_customers: String(s.total_customers),
  avg_processing_days: String(s.avg_processing_days),
  total_discounts: s.total_discounts,
});

const customerKpis = (s: Expected) => ({
  customers_with_orders: String(s.customer_lifetime_value.customers),
  repeat_customer_rate: String(s.repeat_customer_rate),
  clv_mean: s.customer_lifetime_value.mean,
  clv_median: s.customer_lifetime_value.median,
  clv_p90: s.customer_lifetime_value.p90,
});

const scorecardKpis = (s: Expected) => ({
  total_sales: s.total_sales,
  net_sales: s.net_sales,
  total_orders: String(s.total_orders),
  aov: s.aov,
  customers_with_orders: String(s.customer_lifetime_value.customers),
  repeat_customer_rate: String(s.repeat_customer_rate),
  avg_processing_days: String(s.avg_processing_days),
  total_discounts: s.total_discounts,
});

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction('window.dashboard && window.dashboard.ready === true');
}

/** A full-page screenshot under OUTPUT_DIR, checked to be a real, non-trivial PNG. */
const screenshot = (page: Page, name: string) => takeScreenshot(page, path.join(OUTPUT_DIR, name), 30_000);

/** Every chart of the page has series with data and a canvas with a good part of it painted. */
async function expectChartsDrawn(page: Page, names: string[]): Promise<void> {
  const charts = (await page.evaluate(CHART_STATES)) as ChartState[];
  expect(charts.map((c) => c.name).sort()).toEqual([...names].sort());
  for (const chart of charts) {
    expect({ name: chart.name, series: chart.series > 0, points: chart.points > 0 }).toEqual({
      name: chart.name,
      series: true,
      points: true,
    });
    expect(chart.width * chart.height).toBeGreaterThan(100_000);
    expect(chart.painted / (chart.width * chart.height)).toBeGreaterThan(0.01);
  }
}

describe('dashboard end to end: a sync, the rendered dashboard, its four pages in headless Chromium', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let server: DashboardServer;
  let browser: Browser | undefined;
  let page: Page;
  let summary: AnalyticsSummary;
  let result: SyncResult;
  let dashboardDir: string;
  let renderedBySync: boolean;
  const data = tempDir();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
    store = createShopifyStore({ seed: 21, products: 30, customers: 220, orders: ORDERS });
    await store.listen(0);
    result = await runSyncInProcess(env, testConfig(data.dir, store.url, {}, 'e2e-dashboard'), { full: true });

    // Once the dashboard stage is wired into the workflow the sync writes it; until then the test renders it.
    dashboardDir = path.join(data.dir, DASHBOARD_DIR);
    renderedBySync = fs.existsSync(path.join(dashboardDir, DASHBOARD_INDEX));
    if (!renderedBySync) {
      const db = openReadOnly(data.dir);
      try {
        await renderDashboard(db, data.dir);
      } finally {
        db.close();
      }
    }
    summary = JSON.parse(fs.readFileSync(path.join(data.dir, 'analytics_summary.json'), 'utf8'));
    server = await startDashboardServer({ dir: dashboardDir, port: 0 });

    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('the sync finished; the dashboard folder holds the pages and assets, all local', async () => {
    expect(result.resources.orders.records).toBe(ORDERS);
    const stage = result.stages.find((s) => s.name === 'dashboard');
    if (renderedBySync) {
      expect(stage).toMatchObject({ status: 'done', outputs: [path.join(dashboardDir, DASHBOARD_INDEX)] });
    } else {
      expect(stage).toBeUndefined();
    }
    expect(fs.readdirSync(dashboardDir).sort()).toEqual(
      [
        ...PAGES.map((p) => p.file),
        'dashboard.css',
        'dashboard.js',
        'data.js',
        'echarts.min.js',
        'metrics.js',
        'world.js',
      ].sort(),
    );
    // No temporary or previous folders are left next to it.
    expect(fs.readdirSync(data.dir).filter((name) => name.includes(DASHBOARD_DIR))).toEqual([DASHBOARD_DIR]);
    for (const p of PAGES) {
      const html = fs.readFileSync(path.join(dashboardDir, p.file), 'utf8');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    expect(fs.readFileSync(path.join(dashboardDir, 'data.js'), 'utf8')).toMatch(/^window\.DASHBOARD_DATA = \{/);
  });

  it('Overview: the six KPI cards equal analytics_summary.json exactly; both charts are drawn', async () => {
    await page.goto(`${server.url}index.html`);
    await waitReady(page);
    expectShown(await readKpis(page), overviewKpis(summary));
    await expectChartsDrawn(page, ['sales-aov', 'customers-orders']);
    expect(await page.getAttribute('[data-preset="all"]', 'class')).toContain('active');
    await screenshot(page, 'overview.png');

    // Per month, the sales bars are the summary's sales_by_month.
    await page.goto(`${server.url}index.html#range=all&g=month`);
    await waitReady(page);
    const bars = (await page.evaluate(
      `echarts.getInstanceByDom(document.querySelector('[data-chart="sales-aov"]')).getOption().series[0].data`,
    )) as number[];
    expect(bars.filter((v) => v !== 0)).toEqual(summary.sales_by_month.map((m) => Number(m.sales)));
  });

  it('Geographic: the map, the region and customer bars are drawn; the table is sales_by_country', async () => {
    await page.goto(`${server.url}geographic.html#range=all`);
    await waitReady(page);
    await expectChartsDrawn(page, ['sales-map', 'sales-provinces', 'customers-countries']);
    const rows = page.locator('[data-table="regions"] tbody tr');
    const table: Array<{ country: string; country_code: string | null; orders: number; sales: string }> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      table.push({
        country: cells[0],
        country_code: cells[1] === '—' ? null : cells[1],
        orders: Number(cells[2].replace(/,/g, '')),
        sales: cells[3].replace(/,/g, ''),
      });
    }
    expect(table).toEqual(summary.sales_by_country);
    const mapped = (await page.evaluate(
      `echarts.getInstanceByDom(document.querySelector('[data-chart="sales-map"]')).getOption().series[0].data.map((d) => d.name)`,
    )) as string[];
    expect(mapped).toContain('US');
    await screenshot(page, 'geographic.png');
  });

  it('Orders & Customers: repeat rate and CLV equal the summary; the status donuts are its status counts', async () => {
    await page.goto(`${server.url}orders-customers.html#range=all`);
    await waitReady(page);
    expectShown(await readKpis(page), customerKpis(summary));
    await expectChartsDrawn(page, [
      'order-timeline',
      'financial-status',
      'fulfillment-status',
      'customer-segments',
      'order-buckets',
      'clv-histogram',
      'repeat-purchases',
      'second-order',
    ]);
    const donut = async (name: string) =>
      (await page.evaluate(
        `echarts.getInstanceByDom(document.querySelector('[data-chart="${name}"]')).getOption().series[0].data.map((d) => d.value)`,
      )) as number[];
    expect(await donut('financial-status')).toEqual(summary.orders_by_financial_status.map((s) => s.orders));
    expect(await donut('fulfillment-status')).toEqual(summary.orders_by_fulfillment_status.map((s) => s.orders));
    expect((await donut('customer-segments')).reduce((a, b) => a + b, 0)).toBe(
      summary.customer_lifetime_value.customers,
    );
    await screenshot(page, 'orders-customers.png');
  });

  it('Coherent Analysis: all time has no previous period; the scorecards equal the summary; charts drawn', async () => {
    await page.goto(`${server.url}coherent-analysis.html#range=all`);
    await waitReady(page);
    expectShown(await readKpis(page), scorecardKpis(summary));
    expect(await page.textContent('[data-delta="total_sales"]')).toBe('no previous period');
    await expectChartsDrawn(page, ['aov-orders', 'discounts-sales', 'cumulative-sales', 'trend-index']);
    await screenshot(page, 'coherent-analysis.png');
  });

  it('Last 30 days: every page shows the independent computation for that range, and the filter follows', async () => {
    const last = [...store.records('orders')].map((o) => dayOf(o.created_at)!).sort()[ORDERS - 1];
    const from = addDays(last, -29);
    const expected = expectedFor(store, from, last);
    const before = expectedFor(store, addDays(from, -30), addDays(from, -1));
    expect(expected.total_orders).toBeGreaterThan(0);
    expect(expected.total_orders).toBeLessThan(summary.total_orders);

    await page.goto(`${server.url}index.html#range=all`);
    await waitReady(page);
    await page.click('[data-preset="30d"]');
    expect(new URL(page.url()).hash).toBe('#range=30d');
    expect(await page.inputValue('[data-range="from"]')).toBe(from);
    expect(await page.inputValue('[data-range="to"]')).toBe(last);
    const overview = await readKpis(page);
    expect(overview.total_sales.value).not.toBe(summary.total_sales);
    expectShown(overview, overviewKpis(expected));
    await screenshot(page, 'overview-last-30-days.png');

    // The tab links carry the filter to the other pages.
    await page.click('[data-page-link="orders-customers"]');
    await waitReady(page);
    expect(new URL(page.url()).pathname).toBe('/orders-customers.html');
    expect(new URL(page.url()).hash).toBe('#range=30d');
    expectShown(await readKpis(page), customerKpis(expected));

    // A page opened without a hash takes the last filter from localStorage.
    await page.goto(`${server.url}coherent-analysis.html`);
    await waitReady(page);
    expect(await page.getAttribute('[data-preset="30d"]', 'class')).toContain('active');
    expectShown(await readKpis(page), scorecardKpis(expected));
    expect(await page.textContent('[data-previous="total_sales"]')).toBe(
      `previous: ${before.total_sales.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`,
    );
    await expectChartsDrawn(page, ['aov-orders', 'discounts-sales', 'cumulative-sales', 'trend-index']);
    await screenshot(page, 'coherent-analysis-last-30-days.png');

    // Typed dates are a range too: from the 10th last day to the last one.
    await page.goto(`${server.url}geographic.html#from=${addDays(last, -9)}&to=${last}`);
    await waitReady(page);
    const tenDays = expectedFor(store, addDays(last, -9), last);
    const firstRow = await page.locator('[data-table="regions"] tbody tr').first().locator('td').allTextContents();
    expect([firstRow[0], firstRow[3].replace(/,/g, '')]).toEqual([
      tenDays.sales_by_country[0].country,
      tenDays.sales_by_country[0].sales,
    ]);
  });

  it('opens from file:// as well, with nothing fetched from the network', async () => {
    const requests: string[] = [];
    const filePage = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    filePage.on('request', (request) => requests.push(request.url()));
    try {
      await filePage.goto(`file://${path.join(dashboardDir, DASHBOARD_INDEX)}#range=all`);
      await waitReady(filePage);
      expectShown(await readKpis(filePage), overviewKpis(summary));
      await expectChartsDrawn(filePage, ['sales-aov', 'customers-orders']);
    } finally {
      await filePage.close();
    }
    expect(requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:'))).toEqual([]);
  });
});
