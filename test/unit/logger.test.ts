import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import vm from 'node:vm';
import { claimLogFile, createLogger } from '../../common/logger';
import { WinstonTemporalLogger } from '../../worker/temporal-logger';
import { tempDir } from '../helpers/tmp';

describe('log files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('are written owner-only', async () => {
    const logger = createLogger(
      { logDir: tmp.dir, logLevel: 'info', logFormat: 'text' },
      { console: false, file: true },
    );
    logger.info('page 1 stored');
    const finished = once(logger, 'finish');
    logger.end();
    await finished;
    const file = logger.filePath!;
    expect(fs.readFileSync(file, 'utf8')).toMatch(/page 1 stored/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('log lines', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  async function linesOf(logger: ReturnType<typeof createLogger>): Promise<string> {
    const finished = once(logger, 'finish');
    logger.end();
    await finished;
    return fs.readFileSync(logger.filePath!, 'utf8');
  }

  it('two processes started in the same second write separate files', () => {
    const now = new Date(2026, 10, 30, 8, 1, 2);
    const first = claimLogFile(tmp.dir, now);
    const second = claimLogFile(tmp.dir, now);
    expect(path.basename(first)).toBe('shopify_sync_20261130_080102.log');
    expect(path.basename(second)).toBe('shopify_sync_20261130_080102_2.log');
  });

  it("carry an error's type, message and causes, not {} (also for errors made in the workflow sandbox)", async () => {
    const logger = createLogger(
      { logDir: tmp.dir, logLevel: 'info', logFormat: 'text' },
      { console: false, file: true },
    );
    const failure = Object.assign(new Error('Could not reach Shopify at http://127.0.0.1:9; will retry.'), {
      type: 'ShopifyUnavailable',
    });
    const sandboxed = vm.runInNewContext('new Error("Activity task failed", { cause: inner })', { inner: failure });
    logger.warn('Activity failed', { error: failure });
    logger.warn('Workflow failed', { error: sandboxed });
    const text = await linesOf(logger);
    expect(text).toContain(
      'Activity failed {"error":{"type":"ShopifyUnavailable","message":"Could not reach Shopify at http://127.0.0.1:9; will retry."}}',
    );
    expect(text).toContain(
      'Workflow failed {"error":{"type":"Error","message":"Activity task failed","cause":"Could not reach Shopify',
    );
  });

  it("the worker's warnings about a run link to it in the Web UI", async () => {
    const logger = createLogger(
      { logDir: tmp.dir, logLevel: 'info', logFormat: 'text' },
      { console: false, file: true },
    );
    const temporal = new WinstonTemporalLogger(logger, { uiUrl: 'http://localhost:8233', namespace: 'default' });
    temporal.warn('Activity failed', {
      workflowId: 'shopify-sync-acme',
      workflowRunId: 'r1',
      activityType: 'syncPage',
    });
    temporal.info('Activity completed', { workflowId: 'shopify-sync-acme', workflowRunId: 'r1' });
    const text = await linesOf(logger);
    expect(text).toMatch(
      /warn \[shopify-sync-acme r1 syncPage\]: Activity failed {"webUi":"http:\/\/localhost:8233\/namespaces\/default\/workflows\/shopify-sync-acme\/r1"}/,
    );
    expect(text).toMatch(/info \[shopify-sync-acme r1\]: Activity completed\n/);
  });
});
