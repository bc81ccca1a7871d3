import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ResourceName, SyncPageInput, SyncPageResult } from '../../common/contract';
import type { RecordSource } from '../../activities/shopify/record-source';
import { laterOf } from '../../activities/shopify/watermark';
import {
  CHECKPOINT_MAX_AGE_MS,
  CheckpointMovedError,
  dropCheckpoints,
  PageCheckpoint,
  saveCheckpoint,
  startFromCheckpoint,
} from '../../activities/store/checkpoints';
import { Db, openDatabase } from '../../activities/store/database';
import { resourceSpec } from '../../activities/store/resources';
import {
  createSyncActivities,
  MAX_ACTIVITY_MS,
  MAX_PAGES_PER_ACTIVITY,
  SyncDeps,
} from '../../activities/sync-activities';
import { createShopifyStore, FaultRule, ShopifyStore } from '../../emulators/shopify';
import { compareWithStore, EQUAL } from '../helpers/compare';
import { graphqlSourceFor } from '../helpers/graphql-source';
import { tempDir } from '../helpers/tmp';
import { quietLogger } from '../helpers/quiet-logger';

/**
 * The page activity against the emulator's GraphQL Admin API over real HTTP and a real SQLite file, in a mock activity
 * context. Customers: 199 a page (the largest page within 1,000 requested points) and no nested connection, so one
 * request is one page.
 */
const PAGE = 199;

interface Harness {
  store: ShopifyStore;
  db: Db;
  deps: SyncDeps;
  cleanup: () => Promise<void>;
}

async function harness(
  counts: { products?: number; customers?: number; orders?: number },
  faults: FaultRule[] = [],
  extra: Partial<SyncDeps> = {},
): Promise<Harness> {
  const store = createShopifyStore({
    seed: 21,
    products: 0,
    customers: 0,
    orders: 0,
    ...counts,
    // A bucket that never makes the test wait: pacing is the cost pacer's tests' subject.
    graphql: { costLimit: { maximumAvailable: 100_000, restoreRate: 100_000 } },
  });
  store.setFaults(faults);
  await store.listen(0);
  const data = tempDir('sync-page-');
  const db = openDatabase(data.dir);
  const source = graphqlSourceFor(store.url);
  return {
    store,
    db,
    deps: { db: () => db, source: () => source, ...extra },
    cleanup: async () => {
      db.close();
      await store.close();
      data.cleanup();
    },
  };
}

/** One attempt of the activity: the same run id and activity id across attempts, as Temporal gives them. */
function attempt(
  deps: SyncDeps,
  input: SyncPageInput,
  options: { activityId?: string; attempt?: number; heartbeats?: unknown[] } = {},
): Promise<SyncPageResult> {
  const env = new MockActivityEnvironment(
    {
      activityId: options.activityId ?? '7',
      attempt: options.attempt ?? 1,
      workflowExecution: { workflowId: 'shopify-sync-unit', runId: 'run-1' },
    },
    { logger: quietLogger },
  );
  env.on('heartbeat', (details: unknown) => options.heartbeats?.push(details));
  return env.run(createSyncActivities(deps).syncPage, input);
}

const first = (resource: ResourceName): SyncPageInput => ({ resource, cursor: null, updatedAtMin: null, page: 1 });

function pageRequests(store: ShopifyStore, resource: ResourceName) {
  return store.requestLog.filter((r) => r.resource === resource && r.kind === 'graphql');
}

function childRows(db: Db, resource: ResourceName): number {
  return resourceSpec(resource).children.reduce(
    (sum, child) => sum + (db.prepare(`SELECT COUNT(*) AS n FROM ${child.name}`).get() as { n: number }).n,
    0,
  );
}

describe('syncPage: several pages per activity', () => {
  it('stores every page of a resource in one activity and returns exact totals', async () => {
    const h = await harness({ orders: 60 });
    try {
      const heartbeats: unknown[] = [];
      const result = await attempt(h.deps, first('orders'), { heartbeats });

      // Newest updatedAt, in UTC as GraphQL gives it (the stored column is in the shop's offset).
      let maxUpdatedAt: string | null = null;
      for (const order of h.store.records('orders'))
        maxUpdatedAt = laterOf(maxUpdatedAt, new Date(order.updated_at as string).toISOString().replace('.000', ''));
      expect(result).toMatchObject({
        nextCursor: null,
        pages: 6,
        records: 60,
        childRecords: childRows(h.db, 'orders'),
        throttledMs: 0,
        maxUpdatedAt,
      });
      // Ten orders a page; an order with more line items than a page holds is drained by follow-up queries.
      expect(result.requests).toBe(pageRequests(h.store, 'orders').length);
      expect(result.childRecords).toBeGreaterThan(60);
      expect(compareWithStore(h.db, h.store)).toMatchObject(EQUAL);
      expect(heartbeats).toContainEqual({ pages: 6 });

      // A retry of an activity that stored everything (its report was lost) answers from its checkpoint.
      const requests = pageRequests(h.store, 'orders').length;
      const again = await attempt(h.deps, first('orders'), { attempt: 2 });
      expect(again).toEqual(result);
      expect(pageRequests(h.store, 'orders')).toHaveLength(requests);
    } finally {
      await h.cleanup();
    }
  });

  it('a retry after a failure mid-activity continues from its checkpoint: exact totals, no stored page fetched again', async () => {
    const customers = 5 * PAGE + 10;
    const reference = await harness({ customers });
    let expected: SyncPageResult;
    try {
      expected = await attempt(reference.deps, first('customers'));
    } finally {
      await reference.cleanup();
    }

    // The fourth customers query fails: pages 1-3 are stored (page 4 was prefetched while page 3 was stored).
    const h = await harness({ customers }, [{ kind: 'status', status: 503, resource: 'customers', nth: 4 }]);
    try {
      const failure = await attempt(h.deps, first('customers')).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe('ShopifyUnavailable');
      const served = () => pageRequests(h.store, 'customers').filter((r) => r.status === 200);
      expect(served()).toHaveLength(3);
      const storedBeforeFailure = (h.db.prepare('SELECT COUNT(*) AS n FROM customers').get() as { n: number }).n;
      expect(storedBeforeFailure).toBe(3 * PAGE);

      const result = await attempt(h.deps, first('customers'), { attempt: 2 });
      expect(result).toEqual(expected);
      // Six pages served in all: the retry read pages 4-6 only.
      expect(served()).toHaveLength(6);
      expect(compareWithStore(h.db, h.store)).toMatchObject(EQUAL);
    } finally {
      await h.cleanup();
    }
  });

  it(`stops at ${MAX_PAGES_PER_ACTIVITY} pages without fetching a page it will not store; the next activity goes on`, async () => {
    const customers = MAX_PAGES_PER_ACTIVITY * PAGE + 10;
    // A clock that stands still: the page budget, not the time budget, ends the activity however busy the machine is.
    const h = await harness({ customers }, [], { now: () => 0 });
    try {
      const result = await attempt(h.deps, first('customers'));
      expect(result).toMatchObject({ pages: MAX_PAGES_PER_ACTIVITY, records: MAX_PAGES_PER_ACTIVITY * PAGE });
      expect(result.nextCursor).not.toBeNull();
      expect(pageRequests(h.store, 'customers')).toHaveLength(MAX_PAGES_PER_ACTIVITY);
      // Its retry (the report was lost) reports the same without a request.
      expect(await attempt(h.deps, first('customers'), { attempt: 2 })).toEqual(result);
      expect(pageRequests(h.store, 'customers')).toHaveLength(MAX_PAGES_PER_ACTIVITY);

      const input = { resource: 'customers' as const, cursor: result.nextCursor, updatedAtMin: null, page: 21 };
      const rest = await attempt(h.deps, input, { activityId: '8' });
      expect(rest).toMatchObject({ nextCursor: null, pages: 1, records: 10, requests: 1 });
      expect(pageRequests(h.store, 'customers')).toHaveLength(MAX_PAGES_PER_ACTIVITY + 1);
      expect(compareWithStore(h.db, h.store)).toMatchObject(EQUAL);
      // The second activity dropped the first one's checkpoint: the workflow will not retry a completed activity.
      expect(h.db.prepare('SELECT activity_id FROM page_checkpoints').all()).toEqual([{ activity_id: '8' }]);
    } finally {
      await h.cleanup();
    }
  });

  it(`starts no page after ${MAX_ACTIVITY_MS} ms`, async () => {
    // A fake clock: each page takes 1.5 s. Pages 1-3 arrive before 5 s, so page 4 is fetched; it arrives at 6 s.
    let clock = 0;
    const h = await harness({ customers: 10 * PAGE }, [], { now: () => clock });
    const real = h.deps.source();
    const slow: RecordSource = {
      spec: (name) => real.spec(name),
      counts: (windows) => real.counts(windows),
      page: async (...args) => {
        const page = await real.page(...args);
        clock += 1_500;
        return page;
      },
    };
    h.deps.source = () => slow;
    try {
      const result = await attempt(h.deps, first('customers'));
      expect(result).toMatchObject({ pages: 4, records: 4 * PAGE });
      expect(result.nextCursor).not.toBeNull();
      expect(pageRequests(h.store, 'customers')).toHaveLength(4);
    } finally {
      await h.cleanup();
    }
  });
});

describe('syncPage: a run started by the version that read REST', () => {
  it('gets a REST page_info cursor from its state and reads the window again from the first page', async () => {
    const h = await harness({ customers: 2 * PAGE + 5 });
    try {
      const restCursor = '/admin/api/2026-07/customers.json?limit=250&page_info=eyJsYXN0X2lkIjo0Mn0';
      const result = await attempt(h.deps, { resource: 'customers', cursor: restCursor, updatedAtMin: null, page: 3 });
      expect(result).toMatchObject({ nextCursor: null, pages: 3, records: 2 * PAGE + 5 });
      expect(compareWithStore(h.db, h.store)).toMatchObject(EQUAL);
    } finally {
      await h.cleanup();
    }
  });
});

describe('page checkpoints', () => {
  let db: Db;
  let cleanup: () => void;
  beforeEach(() => {
    const data = tempDir('checkpoints-');
    cleanup = data.cleanup;
    db = openDatabase(data.dir);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const checkpoint = (pages: number): PageCheckpoint => ({
    cursor: `/next-${pages}`,
    done: false,
    pages,
    records: pages * 250,
    childRecords: pages * 600,
    requests: pages,
    throttledMs: 0,
    maxUpdatedAt: '2024-03-01T10:00:00-04:00',
  });
  const key = (activityId: string, resource = 'orders', runId = 'run-1') => ({ runId, activityId, resource });
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM page_checkpoints').get() as { n: number }).n;

  it('are read back by the same run and activity id only', () => {
    expect(startFromCheckpoint(db, key('1'))).toBeUndefined();
    saveCheckpoint(db, key('1'), 0, checkpoint(1));
    saveCheckpoint(db, key('1'), 1, checkpoint(2));
    expect(startFromCheckpoint(db, key('1'))).toEqual(checkpoint(2));
    expect(startFromCheckpoint(db, key('1', 'orders', 'run-2'))).toBeUndefined();
  });

  it('refuse a write from an attempt that another attempt has overtaken', () => {
    saveCheckpoint(db, key('1'), 0, checkpoint(1));
    saveCheckpoint(db, key('1'), 1, checkpoint(2));
    expect(() => saveCheckpoint(db, key('1'), 1, checkpoint(2))).toThrow(CheckpointMovedError);
    // Gone (the resource's watermark committed, or the next activity started): a paused attempt stops too.
    dropCheckpoints(db, 'orders');
    expect(() => saveCheckpoint(db, key('1'), 2, checkpoint(3))).toThrow(CheckpointMovedError);
  });

  it('are dropped when stale, when the next activity of the resource starts, and when the watermark commits', () => {
    const dayAgo = new Date(Date.now() - CHECKPOINT_MAX_AGE_MS - 1_000);
    saveCheckpoint(db, key('1', 'products', 'old-run'), 0, checkpoint(1), dayAgo);
    saveCheckpoint(db, key('2', 'orders'), 0, checkpoint(1));
    saveCheckpoint(db, key('3', 'customers'), 0, checkpoint(1));
    expect(count()).toBe(3);
    // Activity 4 of run-1 for orders: activity 2 (orders, same run) completed; the old run's checkpoint is stale.
    startFromCheckpoint(db, key('4', 'orders'));
    expect(db.prepare('SELECT activity_id FROM page_checkpoints').all()).toEqual([{ activity_id: '3' }]);
    dropCheckpoints(db, 'customers');
    expect(count()).toBe(0);
  });
});
