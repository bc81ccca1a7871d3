import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RESOURCE_NAMES, type ResourceName, type SyncResult } from '../../common/contract';
import { watermarkKey } from '../../activities/store/metadata';
import {
  createShopifyStore,
  type FaultRule,
  type ShopifyStore,
  type ShopifyStoreOptions,
} from '../../emulators/shopify';
import { pageQuery } from '../../activities/shopify/graphql/query-builder';
import { resourceSpec } from '../../activities/store/resources';
import { EQUAL } from '../helpers/compare';
import { activityRuns, compareDir, snapshotTables, until } from '../helpers/faults-inspect';
import { pageKey, pageRequests, searchedSince, servedPages, throttledRequests } from '../helpers/graphql-log';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { openReadOnly, runSyncInProcess, testConfig } from '../helpers/sync-harness';
import { tempDir } from '../helpers/tmp';

/**
 * Fault injection against the Shopify side: a real Temporal dev server, the emulator's GraphQL Admin API over real
 * HTTP, an in-process worker and a real SQLite file. Every run that is meant to survive its faults ends with the
 * database compared with the store (same ids, same raw JSON, same child rows, same money total, no duplicates); every
 * run that is meant to fail fast ends with the database exactly as it was. THROTTLED storms and failed bulk
 * operations are in bulk-faults.test.ts.
 */

const SIZES = { products: 20, customers: 120, orders: 60 } as const;
const STORE = 'e2e-store';
/** A Plus plan's cost bucket (1,000 points/s): these cases are about HTTP faults, not about waiting for points. */
const PLUS_PLAN = { maximumAvailable: 10_000, restoreRate: 1_000 };
const perPage = (resource: ResourceName) => pageQuery(resourceSpec(resource).graphql).first;
const pagesOf = (resource: ResourceName) => Math.ceil(SIZES[resource] / perPage(resource));

describe('Shopify faults: the sync survives transient failures and fails fast on permanent ones', () => {
  let env: TestWorkflowEnvironment;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    [env] = await Promise.all([startTemporal(), workflowBundle()]);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await env?.teardown();
  });

  /** A fresh store (listening) and a fresh data directory, both cleaned up after the file. */
  async function fixture(options: ShopifyStoreOptions) {
    const store = createShopifyStore({ seed: 21, ...SIZES, graphql: { costLimit: PLUS_PLAN }, ...options });
    const url = await store.listen(0);
    const data = tempDir('shopify-faults-');
    cleanups.push(
      () => store.close(),
      () => data.cleanup(),
    );
    return { store, url, dir: data.dir };
  }

  function expectExact(dir: string, store: ShopifyStore): number {
    const comparison = compareDir(dir, store);
    expect(comparison).toMatchObject(EQUAL);
    const rows = SIZES.products + SIZES.customers + SIZES.orders;
    expect(comparison.rowsCompared).toBeGreaterThan(rows);
    return comparison.rowsCompared;
  }

  const figures: string[] = [];
  afterAll(() => {
    // One line per case, for RELIABILITY.md.
    if (figures.length) console.log(`Shopify fault figures:\n${figures.join('\n')}`);
  });

  it('a small cost bucket (1,000 points, 250/s) is paced from throttleStatus: zero THROTTLED', async () => {
    // A bucket no larger than one page's requested cost (nearly 1,000 points): a first sync's pages would be
    // THROTTLED at once if sent back to back; the client waits for the points from each answer's throttleStatus.
    const { store, url, dir } = await fixture({
      graphql: { costLimit: { maximumAvailable: 1_000, restoreRate: 250 } },
    });
    const started = Date.now();
    const result = await runSyncInProcess(env, testConfig(dir, url), {});

    expect(throttledRequests(store.requestLog)).toEqual([]);
    expect(servedPages(store.requestLog, 'orders')).toHaveLength(pagesOf('orders'));
    const throttledMs = RESOURCE_NAMES.reduce((sum, name) => sum + result.resources[name].throttledMs, 0);
    expect(throttledMs).toBeGreaterThan(0);
    expect(result.resources.orders.records).toBe(SIZES.orders);
    const rows = expectExact(dir, store);
    figures.push(
      `cost bucket 1000@250/s | ${store.requestLog.length} requests, 0 THROTTLED, throttled ${throttledMs} ms | ` +
        `${rows} rows | ${Date.now() - started} ms`,
    );
  }, 120_000);

  type Transient = {
    name: string;
    faults: FaultRule[];
    timeoutMs?: number;
    /**
     * The page activities that must have been retried, with the failure Temporal recorded before the retry. Each
     * resource of this store fits in one page activity, whatever page the fault hits.
     */
    retried: Array<{ summary: string; attempt: number; type: string; message: RegExp }>;
  };
  const transient: Transient[] = [
    {
      name: '5xx bursts: HTML 500/502/503 on orders page 2, JSON 500/502/503 on customers, 503 on products',
      faults: [
        { kind: 'html5xx', status: 500, field: 'orders', nth: 2 },
        { kind: 'html5xx', status: 502, field: 'orders', nth: 3 },
        { kind: 'html5xx', status: 503, field: 'orders', nth: 4 },
        { kind: 'status', status: 500, field: 'customers', nth: 1 },
        { kind: 'status', status: 502, field: 'customers', nth: 2 },
        { kind: 'status', status: 503, field: 'customers', nth: 3 },
        { kind: 'status', status: 503, field: 'products', nth: 1 },
      ],
      retried: [
        {
          summary: 'orders from page 1',
          attempt: 4,
          type: 'ShopifyUnavailable',
          message: /is unavailable \(503: <html>/,
        },
        {
          summary: 'customers from page 1',
          attempt: 4,
          type: 'ShopifyUnavailable',
          message: /is unavailable \(503: Internal Server Error\); will retry/,
        },
        { summary: 'products from page 1', attempt: 2, type: 'ShopifyUnavailable', message: /is unavailable \(503/ },
      ],
    },
    {
      name: 'hung response on orders page 2 (SHOPIFY_TIMEOUT_MS 2000)',
      faults: [{ kind: 'hang', field: 'orders', nth: 2 }],
      timeoutMs: 2_000,
      retried: [
        { summary: 'orders from page 1', attempt: 2, type: 'ShopifyUnavailable', message: /timed out after 2000 ms/ },
      ],
    },
    {
      name: 'connection reset on orders page 2 and customers page 1',
      faults: [
        { kind: 'reset', field: 'orders', nth: 2 },
        { kind: 'reset', field: 'customers', nth: 1 },
      ],
      retried: [
        {
          summary: 'orders from page 1',
          attempt: 2,
          type: 'ShopifyUnavailable',
          message: /Could not reach Shopify store/,
        },
        { summary: 'customers from page 1', attempt: 2, type: 'ShopifyUnavailable', message: /Could not reach/ },
      ],
    },
    {
      name: 'truncated JSON body twice in a row on orders page 2, once on products page 1',
      faults: [
        { kind: 'truncated', field: 'orders', from: 2, times: 2 },
        { kind: 'truncated', field: 'products', nth: 1 },
      ],
      retried: [
        { summary: 'orders from page 1', attempt: 3, type: 'ShopifyBadResponse', message: /not complete JSON/ },
        { summary: 'products from page 1', attempt: 2, type: 'ShopifyBadResponse', message: /not complete JSON/ },
      ],
    },
    {
      name: 'non-JSON (HTML 200) body on orders page 3 and customers page 1',
      faults: [
        { kind: 'non-json', field: 'orders', nth: 3 },
        { kind: 'non-json', field: 'customers', nth: 1 },
      ],
      retried: [
        { summary: 'orders from page 1', attempt: 2, type: 'ShopifyBadResponse', message: /text\/html/ },
        { summary: 'customers from page 1', attempt: 2, type: 'ShopifyBadResponse', message: /not complete JSON/ },
      ],
    },
  ];

  it.each(transient)('transient: $name → retried, completes, exact', async ({ name, faults, timeoutMs, retried }) => {
    // A first sync pages every resource; each rule names the resource's page query (`field`), so its numbering is
    // pages only (1 = page 1), whatever count queries the plan sends.
    const { store, url, dir } = await fixture({ faults });
    const started = Date.now();
    const result = await runSyncInProcess(env, testConfig(dir, url, timeoutMs ? { timeoutMs } : {}), {});

    const injected = store.requestLog.filter((r) => r.fault !== undefined).length;
    expect(injected).toBe(faults.reduce((sum, rule) => sum + (rule.times ?? 1), 0));
    const runs = await activityRuns(env, STORE);
    for (const want of retried) {
      const run = runs.find((a) => a.summary === want.summary);
      expect(run).toMatchObject({ attempt: want.attempt, outcome: 'completed', lastFailure: { type: want.type } });
      expect(run?.lastFailure?.message).toMatch(want.message);
      // Never the token in a failure Temporal keeps.
      expect(run?.lastFailure?.message).not.toContain('shpat_');
    }
    // Nothing counted twice; every page fetched and stored once (a failed attempt keeps the pages it stored, and its
    // retry continues after them from the activity's checkpoint).
    for (const resource of RESOURCE_NAMES) {
      expect(result.resources[resource].records).toBe(SIZES[resource]);
      expect(result.resources[resource].pages).toBe(pagesOf(resource));
      const served = servedPages(store.requestLog, resource).filter((r) => r.fault === undefined);
      expect(new Set(served.map(pageKey)).size).toBe(served.length);
      expect(served).toHaveLength(pagesOf(resource));
    }
    const rows = expectExact(dir, store);
    figures.push(`${name} | ${injected} faults | ${rows} rows | ${Date.now() - started} ms`);
  });

  describe('permanent errors fail fast, non-retryable, leaving the stored data as it was', () => {
    let store: ShopifyStore;
    let url: string;
    let dir: string;
    let before: Record<string, unknown[]>;

    beforeAll(async () => {
      ({ store, url, dir } = await fixture({}));
      await runSyncInProcess(env, testConfig(dir, url), { full: true });
      before = snapshotTables(dir);
    });

    const permanent: Array<{ status: number; type: string; phrases: RegExp[] }> = [
      {
        status: 401,
        type: 'ShopifyAuthError',
        phrases: [/rejected the access token \(401 Unauthorized/, /Check SHOPIFY_API_TOKEN/, /custom app installed/],
      },
      {
        status: 403,
        type: 'ShopifyScopeError',
        phrases: [/\(403 Forbidden: \[API\] This action requires merchant approval/, /missing an access scope/],
      },
      {
        status: 404,
        type: 'ShopifyNotFound',
        phrases: [/404 Not Found/, /Check SHOPIFY_STORE/, /SHOPIFY_API_VERSION \("2026-10"\)/],
      },
      {
        status: 402,
        type: 'ShopifyShopUnavailable',
        phrases: [/is frozen \(402 Payment Required/, /billing needs attention/],
      },
      { status: 423, type: 'ShopifyShopUnavailable', phrases: [/is locked \(423 Locked/, /contact Shopify support/] },
    ];

    it.each(permanent)('$status on the first request → $type at once, one request, data unchanged', async (c) => {
      store.setFaults([{ kind: 'status', status: c.status, from: 1 }]);
      store.clearRequestLog();
      const started = Date.now();
      const failure = await runSyncInProcess(env, testConfig(dir, url), { full: true }).catch((e: unknown) => e);
      const elapsed = Date.now() - started;

      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause.type).toBe(c.type);
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toContain(`Shopify store "${STORE}"`);
      for (const phrase of c.phrases) expect(cause.message).toMatch(phrase);
      expect(elapsed).toBeLessThan(10_000);
      // One call, one request: no in-call retry, no Temporal retry.
      expect(store.requestLog.map((r) => r.status)).toEqual([c.status]);
      const runs = await activityRuns(env, STORE);
      expect(runs).toEqual([
        expect.objectContaining({
          type: 'planSync',
          attempt: 1,
          outcome: 'failed',
          failure: expect.objectContaining({ type: c.type, nonRetryable: true }),
        }),
      ]);
      expect(snapshotTables(dir)).toEqual(before);
      const comparison = compareDir(dir, store);
      expect(comparison).toMatchObject(EQUAL);
      figures.push(`${c.status} | failed in ${elapsed} ms, 1 request | ${comparison.rowsCompared} rows unchanged`);
    });

    it('403 on orders only, mid-sync (products and customers page concurrently) → one 403, orders unchanged', async () => {
      // A change in each resource: an incremental run pages only what changed.
      for (const name of RESOURCE_NAMES) store.mutate(name, { update: 1 });
      store.setFaults([{ kind: 'status', status: 403, field: 'orders', from: 1 }]);
      store.clearRequestLog();
      const started = Date.now();
      const failure = await runSyncInProcess(env, testConfig(dir, url), {}).catch((e: unknown) => e);
      const elapsed = Date.now() - started;

      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('ShopifyScopeError');
      expect(cause.message).toMatch(/refused \/admin\/api\/2026-10\/graphql\.json \(403 Forbidden: .*read_orders/);
      expect(elapsed).toBeLessThan(10_000);
      expect(pageRequests(store.requestLog, 'orders').map((r) => r.status)).toEqual([403]);
      expect(store.requestLog.filter((r) => r.status === 403)).toHaveLength(1);
      // The orders and their child rows are as they were, and so is their watermark; products and customers may
      // have stored their change before the run failed.
      const orderTables = [resourceSpec('orders').table.name, ...resourceSpec('orders').children.map((c) => c.name)];
      const ordersOf = (snapshot: Record<string, unknown[]>) => ({
        ...Object.fromEntries(orderTables.map((table) => [table, snapshot[table]])),
        watermark: (snapshot.metadata as { key: string; value: string }[]).find(
          (m) => m.key === watermarkKey('orders'),
        ),
      });
      expect(ordersOf(snapshotTables(dir))).toEqual(ordersOf(before));
      // Nothing was lost: the next run, Shopify answering again, ends equal to the store.
      store.setFaults([]);
      await runSyncInProcess(env, testConfig(dir, url), {});
      const comparison = compareDir(dir, store);
      expect(comparison).toMatchObject(EQUAL);
      figures.push(
        `403 orders mid-sync | failed in ${elapsed} ms | orders unchanged, then ${comparison.rowsCompared} rows equal`,
      );
    });
  });

  it('an order edited while the sync pages past it: read again before the run ends; the watermark stays below the edit', async () => {
    // The store's clock can run ahead of the worker's (clock skew): an order on a later page is saved "2 minutes
    // in the future", which would push an uncapped watermark past the edit made on page 1.
    let skewMs = 0;
    const orders = 150;
    const { store, url, dir } = await fixture({
      orders,
      now: () => new Date(Date.now() + skewMs),
      faults: [{ kind: 'latency', latencyMs: 400, resource: 'orders' }],
    });
    // Pages come in updated_at order (sortKey UPDATED_AT), ties by id.
    const byUpdate = [...store.records('orders')].sort(
      (a, b) =>
        Date.parse(a.updated_at as string) - Date.parse(b.updated_at as string) || (a.id as number) - (b.id as number),
    );
    const onPage1 = byUpdate[3].id as number;
    const onPage10 = byUpdate[95].id as number;
    const started = Date.now();
    // A first sync (no watermark) pages; `--full` would run a bulk operation.
    const first = runSyncInProcess(env, testConfig(dir, url), {});

    // Page 1 stored (page 2 is requested meanwhile; with 400 ms per page, page 10 is seconds away).
    const storedOnPage1 = () => {
      const db = openReadOnly(dir);
      try {
        return db.prepare('SELECT raw_json FROM orders WHERE id = ?').get(onPage1) as { raw_json: string } | undefined;
      } catch {
        return undefined; // the worker has not created the table yet
      } finally {
        db.close();
      }
    };
    const orderPages = () => pageRequests(store.requestLog, 'orders');
    await until('orders page 1 stored', () => orderPages().length >= 2 && !!storedOnPage1());
    const editedAt = Date.now();
    const editedOnPage1 = store.mutate('orders', { ids: [onPage1] });
    skewMs = 120_000;
    const editedOnPage10 = store.mutate('orders', { ids: [onPage10] });
    expect(orderPages().length).toBeLessThan(10); // page 10 not fetched yet
    const result: SyncResult = await first;
    // Both edited orders moved behind the cursor (their updated_at is now the latest) and were read again.
    expect(result.resources.orders.records).toBe(orders + 1);
    const afterFirst = expectExact(dir, store);

    const check = openReadOnly(dir);
    const watermark = (
      check.prepare('SELECT value FROM metadata WHERE key = ?').get(watermarkKey('orders')) as {
        value: string;
      }
    ).value;
    check.close();
    const updatedAt = (id: number) =>
      Date.parse([...store.records('orders')].find((o) => o.id === id)!.updated_at as string);
    const edited = updatedAt(editedOnPage1.updated[0]);
    // Capped at the moment paging started (before the page-1 edit), far below the future-dated edit it saw; the
    // next window (watermark - 60 s) covers the page-1 edit, whose updated_at Shopify rounds to the second.
    expect(Date.parse(watermark)).toBeLessThanOrEqual(editedAt);
    expect(Date.parse(watermark)).toBeLessThan(updatedAt(editedOnPage10.updated[0]) - 60_000);
    expect(Date.parse(watermark) - 60_000).toBeLessThanOrEqual(edited);

    store.clearRequestLog();
    await runSyncInProcess(env, testConfig(dir, url), {});
    const since = searchedSince(pageRequests(store.requestLog, 'orders')[0]);
    expect(Date.parse(since!)).toBeLessThanOrEqual(edited);
    const rows = expectExact(dir, store);
    figures.push(
      `edit during paging | first run exact (${afterFirst} rows), watermark ${watermark}, second run exact | ` +
        `${rows} rows | ${Date.now() - started} ms`,
    );
  }, 90_000);
});
