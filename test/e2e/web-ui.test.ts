import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { SyncResult, syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createSyncWorker } from '../../worker/create-worker';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { launchChromium, screenshot as takeScreenshot } from '../helpers/browser';
import { freePort } from '../helpers/processes';
import { testConfig } from '../helpers/sync-harness';
import { quietTemporalCli, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'web-ui');
const STORE = 'e2e-store';
const WORKFLOW_ID = syncWorkflowId(STORE);
const STATIC_SUMMARY = `Full sync of ${STORE}`;
const ORDERS = 300;

/** A full-page screenshot under OUTPUT_DIR, checked to be a real, non-trivial PNG. */
const screenshot = (page: Page, name: string) => takeScreenshot(page, path.join(OUTPUT_DIR, name), 20_000);

describe('Temporal Web UI shows a finished sync (real dev server with its UI, headless system Chromium)', () => {
  let env: TestWorkflowEnvironment;
  let store: ShopifyStore;
  let browser: Browser | undefined;
  let page: Page;
  let uiUrl: string;
  let runId: string;
  let result: SyncResult;
  // A worker kept running while the UI is looked at: the UI reads "current details" (and the call stack) with
  // queries, which only a worker can answer, even for a closed run (it replays the history).
  let queryWorker: Worker | undefined;
  let queryWorkerDone: Promise<void> | undefined;
  const data = tempDir();

  beforeAll(async () => {
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    [env] = await Promise.all([
      TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: quietTemporalCli() },
          ui: true,
          uiPort,
          // The UI's history reads log "page size is larger than threshold" warnings: keep the test output clean.
          log: { format: 'pretty', level: 'error' },
        },
      }),
      workflowBundle(),
    ]);
    store = createShopifyStore({ seed: 11, products: 20, customers: 80, orders: ORDERS });
    const config = testConfig(data.dir, await store.listen(0), {}, 'e2e-web-ui');
    const workerOptions = { ...config, connection: env.nativeConnection, workflowBundle: await workflowBundle() };

    const { worker, close } = await createSyncWorker(workerOptions);
    try {
      const handle = await env.client.workflow.start(shopifySync, {
        workflowId: WORKFLOW_ID,
        taskQueue: config.app.temporal.taskQueue,
        args: [{ full: true }],
        staticSummary: STATIC_SUMMARY,
      });
      runId = handle.firstExecutionRunId;
      result = await worker.runUntil(handle.result());
    } finally {
      close();
    }

    const forQueries = await createSyncWorker(workerOptions);
    queryWorker = forQueries.worker;
    queryWorkerDone = forQueries.worker.run().finally(forQueries.close);

    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000); // A missing element fails the test in seconds, not minutes.
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (queryWorker?.getState() === 'RUNNING') queryWorker.shutdown();
    await queryWorkerDone;
    await store?.close();
    await env?.teardown();
    data.cleanup();
  });

  it('the sync ran to completion before the UI is opened', () => {
    expect(result.resources.orders.records).toBe(ORDERS);
    expect(result.resources.orders.pages).toBe(0); // a full sync reads through bulk operations, not pages
  });

  it('the workflow list shows the run: id, Completed, run id, type', async () => {
    // Generous: the first load of the UI on a cold machine can be slow.
    await page.goto(`${uiUrl}/namespaces/default/workflows`, { timeout: 45_000 });
    const link = page.getByRole('link', { name: WORKFLOW_ID, exact: true });
    await link.first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await link.count()).toBe(1);

    const row = page.locator('tr', { has: link });
    const cells = await row.innerText();
    expect(cells).toMatch(/completed/i);
    expect(cells).toContain(runId);
    expect(cells).toContain('shopifySync');
    await screenshot(page, 'workflow-list.png');
  });

  it("the run's page shows it Completed, its type, and the bulk activities' summaries", async () => {
    // Tall enough for the whole timeline: the UI scrolls inside its own container, so fullPage alone would cut it.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await page.getByRole('link', { name: WORKFLOW_ID, exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith(`/namespaces/default/workflows/${WORKFLOW_ID}/${runId}/`), {
      timeout: 30_000,
    });

    const status = page.getByTestId('execution-status');
    await status.waitFor({ state: 'visible', timeout: 30_000 });
    expect((await status.innerText()).trim()).toMatch(/^completed$/i);
    expect((await page.getByTestId('workflow-id-heading').innerText()).trim()).toBe(WORKFLOW_ID);
    const field = (name: string) => page.locator('dt', { hasText: name }).locator('xpath=following-sibling::dd[1]');
    expect((await field('Workflow Type').innerText()).trim()).toBe('shopifySync');
    expect(await field('Run ID').innerText()).toContain(runId.slice(0, 20));
    expect((await field('Task Queue').innerText()).trim()).toBe('e2e-web-ui');

    // The timeline names each activity with its summary ("store orders bulk result", "export CSVs", ...): a full
    // sync reads each resource through a bulk operation.
    await page.getByText('store orders bulk result').first().waitFor({ state: 'visible', timeout: 20_000 });
    const text = await page.locator('body').innerText();
    const activities = ['products', 'customers', 'orders'].flatMap((name) => [
      `startBulkSync • start ${name} bulk operation`,
      `ingestBulkSync • store ${name} bulk result`,
    ]);
    for (const activity of [...activities, 'exportCsv • export CSVs', 'computeAnalytics • compute analytics']) {
      expect(text).toContain(activity);
    }
    expect(text).toContain(`"records": ${ORDERS}`); // The result panel.
    await screenshot(page, 'workflow-run.png');
  });

  it('the User Metadata tab shows the static summary and the final current details', async () => {
    await page.getByTestId('user-metadata-tab').click();
    const summary = page.frameLocator('#user-metadata-summary').locator('body');
    await summary.getByText(STATIC_SUMMARY).waitFor({ state: 'visible', timeout: 20_000 });

    const details = page.frameLocator('#user-metadata-current-details').locator('body');
    await details.getByText('stage: done').waitFor({ state: 'visible', timeout: 20_000 });
    const detailsText = await details.innerText();
    expect(detailsText).toContain('full sync — stage: done');
    expect(detailsText).toContain(`orders: ${ORDERS} of ${ORDERS} records`);
    expect(detailsText).toMatch(new RegExp(`orders: ${ORDERS} of ${ORDERS} records.*\\(done\\)`));
    expect(detailsText).toMatch(/csv: done/);
    await screenshot(page, 'workflow-user-metadata.png');
  });
});
