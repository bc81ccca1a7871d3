/**
 * Screenshots of the dashboard for the README: `npx tsx dashboards/screenshots.ts [--orders 5000] [--out dir]`.
 * Builds the demo store's database directly from the emulator's records (no sync needed), renders the dashboard,
 * serves it and photographs each page in the system Chromium (1440 px wide, whole page).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { renderDashboard } from '../activities/dashboard/render';
import { PAGES } from '../activities/dashboard/pages';
import { writeAnalytics } from '../activities/exports/analytics';
import { openDatabase } from '../activities/store/database';
import { RESOURCES } from '../activities/store/resources';
import { upsertRecords } from '../activities/store/upsert';
import { startDashboardServer } from '../client/dashboard';
import { createShopifyStore } from '../emulators/shopify';
import { launchChromium } from '../test/helpers/browser';

/** The range each screenshot shows: the scorecards need a previous period to compare with. */
const RANGES: Record<string, string> = {
  overview: 'range=all',
  geographic: 'range=all',
  'orders-customers': 'range=all',
  'coherent-analysis': 'range=365d',
};

async function main(): Promise<void> {
  const flags = new Command()
    .option('--orders <n>', 'orders in the demo store', '5000')
    .option('--out <dir>', 'where the PNGs go', path.join(__dirname, 'screenshots'))
    .parse()
    .opts<{ orders: string; out: string }>();
  const orders = Number(flags.orders);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-screenshots-'));
  try {
    // The demo's store: `npm run demo` syncs the same records.
    const store = createShopifyStore({ orders, customers: Math.ceil(orders / 3), products: 200 });
    const db = openDatabase(work);
    for (const spec of RESOURCES) {
      let batch: Record<string, unknown>[] = [];
      for (const record of store.records(spec.name)) {
        batch.push(record);
        if (batch.length === 1000) batch = (upsertRecords(db, spec, batch), []);
      }
      if (batch.length) upsertRecords(db, spec, batch);
    }
    const now = new Date('2026-06-30T00:00:00Z');
    const { summary } = await writeAnalytics(db, work, { now });
    const rendered = await renderDashboard(db, work, { now });
    db.close();
    console.log(`Rendered ${rendered.dir}: ${orders} orders, data.js ${(rendered.dataBytes / 1024).toFixed(0)} KB`);

    const server = await startDashboardServer({ dir: rendered.dir, port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      fs.mkdirSync(flags.out, { recursive: true });
      for (const spec of PAGES) {
        await page.goto(`${server.url}${spec.file}#${RANGES[spec.id]}`);
        await page.waitForFunction(() => (globalThis as { dashboard?: { ready: boolean } }).dashboard?.ready);
        if (spec.id === 'overview') {
          const shown = await page.getAttribute('[data-kpi="total_sales"]', 'data-value');
          if (shown !== summary.total_sales) throw new Error(`total_sales ${shown} ≠ summary ${summary.total_sales}`);
        }
        const file = path.join(flags.out, `${spec.file === 'index.html' ? 'overview' : spec.id}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${file} (${(fs.statSync(file).size / 1024).toFixed(0)} KB)`);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
