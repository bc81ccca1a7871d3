import { ProgressReporter, seconds } from '../../client/progress-reporter';
import { describeRetry, retryStatus } from '../../client/retry-status';
import { msToTs } from '@temporalio/common/lib/time';
import { RESOURCE_NAMES, SyncResult, SyncState } from '../../common/contract';
import { describeProgress } from '../../workflows/progress-text';

function progress(records: Record<string, number>, expected: number | null = 1000): SyncState {
  const resources = Object.fromEntries(
    RESOURCE_NAMES.map((name) => [
      name,
      {
        cursor: null,
        pages: Math.ceil((records[name] ?? 0) / 250),
        records: records[name] ?? 0,
        childRecords: 0,
        requests: 0,
        throttledMs: 0,
        done: (records[name] ?? 0) === expected,
        updatedAtMin: null,
        maxUpdatedAt: null,
        startedAt: null,
        expected,
      },
    ]),
  ) as SyncState['resources'];
  return {
    mode: 'full',
    sheets: false,
    startedAt: '',
    stage: 'shopify',
    planned: true,
    resources,
    stages: [],
    continuedAsNew: 0,
  };
}

function sink() {
  let text = '';
  return {
    stream: { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream,
    text: () => text,
  };
}

describe('ProgressReporter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('draws a live bar per resource on a terminal, with rate and ETA, redrawn in place', () => {
    const out = sink();
    const reporter = new ProgressReporter(out.stream, true);
    reporter.update(progress({ products: 1000, customers: 0, orders: 0 }));
    jest.setSystemTime(2_000);
    reporter.update(progress({ products: 1000, customers: 500, orders: 250 }));
    const text = out.text();
    expect(text).toContain('products  [########################] 1000/1000 records · 4 pages · done');
    expect(text).toContain('customers [############------------] 500/1000 records · 2 pages · 250/s · ETA 2.0s');
    expect(text).toContain('\x1b[4F'); // cursor back up over the previous frame
  });

  it('says how each resource is read, in the same words as the Web UI details', () => {
    const state = progress({ products: 0, customers: 0, orders: 0 });
    state.resources.orders = {
      ...state.resources.orders,
      method: 'bulk',
      bulkOperationId: 'gid://shopify/BulkOperation/1',
    };
    state.resources.products = { ...state.resources.products, method: 'bulk', bulkOperationId: null };
    state.resources.customers = { ...state.resources.customers, unchanged: true, done: true };
    const out = sink();
    new ProgressReporter(out.stream, true).update(state);
    const details = describeProgress(state);
    for (const words of [
      'through a bulk operation, Shopify exporting',
      'through a bulk operation, starting',
      'nothing updated since the last sync, not read',
    ]) {
      expect(out.text()).toContain(words);
      expect(details).toContain(words);
    }
  });

  it('prints plain lines when not on a terminal, at most every few seconds', () => {
    const out = sink();
    const reporter = new ProgressReporter(out.stream, false, 5_000);
    reporter.update(progress({ orders: 250 }));
    jest.setSystemTime(1_000);
    reporter.update(progress({ orders: 500 }));
    jest.setSystemTime(6_000);
    reporter.update(progress({ orders: 750 }));
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^stage: shopify \| products .* \| orders\s+\[.*\] 750\/1000 records/);
    expect(out.text()).not.toContain('\x1b');
  });

  it('ends with the summary table and the output paths', () => {
    const out = sink();
    const result: SyncResult = {
      mode: 'incremental',
      startedAt: '',
      finishedAt: '',
      continuedAsNew: 0,
      resources: {
        products: { pages: 1, records: 3, childRecords: 5, requests: 1, throttledMs: 0 },
        customers: { pages: 1, records: 2, childRecords: 0, requests: 2, throttledMs: 2000 },
        orders: { pages: 0, records: 7, childRecords: 9, requests: 0, throttledMs: 0, method: 'bulk' },
      },
      stages: [
        { name: 'csv', status: 'done', detail: '5 files, 26 rows', outputs: ['/d/orders.csv'], durationMs: 120 },
      ],
    };
    new ProgressReporter(out.stream, false).finish(result);
    expect(out.text()).toMatch(/customers\s+2\s+0\s+1\s+2\s+2.0s/);
    expect(out.text()).toMatch(/orders\s+7\s+9\s+bulk\s+-\s+0.0s/); // a bulk operation: no pages to count
    expect(out.text()).toMatch(/csv\s+done in 0.1s: 5 files, 26 rows\n\s+\/d\/orders.csv/);
    expect(out.text()).not.toContain('deletions');
    expect(out.text()).not.toContain('not read');

    const withUnchanged = sink();
    const products = { pages: 0, records: 0, childRecords: 0, requests: 0, throttledMs: 0, unchanged: true };
    new ProgressReporter(withUnchanged.stream, false).finish({
      ...result,
      resources: { ...result.resources, products },
    });
    expect(withUnchanged.text()).toMatch(/products\s+0\s+0\s+-\s+-\s+0.0s/);
    expect(withUnchanged.text()).toContain('(products: nothing updated since the last sync, not read)');

    const withDeletions = sink();
    const detail = '3 destroy events; removed 2 orders, 1 products';
    const deletions = {
      applied: true,
      events: 3,
      removed: { orders: 2, products: 1 },
      ignored: 0,
      watermark: null,
      detail,
    };
    new ProgressReporter(withDeletions.stream, false).finish({ ...result, deletions });
    expect(withDeletions.text()).toContain(`  deletions  ${detail}\n  csv`);
  });

  it('shows, while Temporal retries a step, its latest failure and when the next attempt comes', () => {
    const raw = {
      pendingActivities: [
        { activityType: { name: 'syncPage' }, attempt: 1 },
        {
          activityType: { name: 'planSync' },
          attempt: 3,
          lastFailure: { message: 'Could not reach Shopify at http://127.0.0.1:9 (ECONNREFUSED); will retry.' },
          nextAttemptScheduleTime: msToTs('1700000012000'),
        },
      ],
    };
    const retry = retryStatus({ raw } as unknown as Parameters<typeof retryStatus>[0]);
    expect(retry).toEqual({
      step: 'planSync',
      attempt: 3,
      reason: 'Could not reach Shopify at http://127.0.0.1:9 (ECONNREFUSED); will retry.',
      nextAttemptAt: new Date(1_700_000_012_000),
    });
    const line = describeRetry(retry!, new Date(1_700_000_000_000));
    expect(line).toBe(
      'retrying planSync: Could not reach Shopify at http://127.0.0.1:9 (ECONNREFUSED); will retry. — ' +
        'attempt 3 at 22:13:32Z (in 12 s)',
    );

    const out = sink();
    new ProgressReporter(out.stream, false).update(progress({ orders: 0 }), line);
    expect(out.text()).toContain(' | retrying planSync: Could not reach Shopify');
    expect(retryStatus({ raw: { pendingActivities: [raw.pendingActivities[0]] } } as never)).toBeNull();
  });

  it.each([
    [1_500, '1.5s'],
    [59_940, '59.9s'],
    [60_000, '1m00s'],
    [119_600, '2m00s'],
    [125_000, '2m05s'],
    [3_599_700, '60m00s'],
  ])('prints %i ms as %s (never "1m60s")', (ms, text) => {
    expect(seconds(ms)).toBe(text);
  });
});
