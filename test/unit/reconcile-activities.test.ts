import { MockActivityEnvironment } from '@temporalio/testing';
import { ConfigError, DEFAULT_API_VERSION, loadAppConfig } from '../../common/config';
import { createReconcileActivities, reconciledAtKey } from '../../activities/reconcile-activities';
import { ID_LISTINGS, listedIds } from '../../activities/shopify/graphql/id-listing';
import type { JsonlLine } from '../../activities/shopify/graphql/jsonl-stream';
import { accessTokenSource } from '../../activities/shopify/access-token';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { openDatabase, type Db } from '../../activities/store/database';
import { UnreadableListingError } from '../../activities/store/reconcile';
import { getMetadata, setMetadata } from '../../activities/store/metadata';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { asNodes } from '../helpers/graphql-nodes';
import { quietLogger } from '../helpers/quiet-logger';
import { TEST_TOKEN } from '../helpers/sync-harness';
import { withTempDatabase } from '../helpers/temp-database';
import { tempDir } from '../helpers/tmp';

/** When a run reconciles (RECONCILE_INTERVAL), and how an id listing's lines become ids. */

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-30T06:00:00.000Z');

describe('planReconciliation', () => {
  let cleanup: () => void;
  let db: Db;
  let now: number;
  const graphql = () => {
    throw new Error('planning asks Shopify nothing');
  };
  const activities = (intervalMs: number | null) =>
    createReconcileActivities({
      app: { reconcileIntervalMs: intervalMs, reconcileMaxShare: 0.05 },
      db: () => db,
      graphql: graphql as () => GraphqlClient,
      store: 'acme',
      now: () => now,
    });
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(dir);
    now = T0;
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('a store never reconciled starts its period at its first run, then is due once the interval passed', async () => {
    const { planReconciliation } = activities(DAY_MS);
    expect(await planReconciliation({ requested: false })).toEqual({
      due: [],
      detail: 'not due until 2026-12-01T06:00:00.000Z (RECONCILE_INTERVAL; --reconcile runs it now)',
    });
    expect(getMetadata(db, reconciledAtKey('orders'))).toBe('2026-11-30T06:00:00.000Z');
    now = T0 + DAY_MS - 1;
    expect((await planReconciliation({ requested: false })).due).toEqual([]);
    now = T0 + DAY_MS;
    expect(await planReconciliation({ requested: false })).toEqual({
      due: ['products', 'customers', 'orders'],
      detail: 'due (RECONCILE_INTERVAL passed) for products, customers, orders',
    });
  });

  it('only the resources whose interval passed are due', async () => {
    setMetadata(db, reconciledAtKey('products'), new Date(T0 - 2 * DAY_MS).toISOString());
    setMetadata(db, reconciledAtKey('customers'), new Date(T0 - 3_600_000).toISOString());
    setMetadata(db, reconciledAtKey('orders'), new Date(T0 - DAY_MS).toISOString());
    expect((await activities(DAY_MS).planReconciliation({ requested: false })).due).toEqual(['products', 'orders']);
  });

  it('--reconcile runs every resource whatever the interval, even when it is off', async () => {
    setMetadata(db, reconciledAtKey('products'), new Date(T0).toISOString());
    expect(await activities(null).planReconciliation({ requested: true })).toEqual({
      due: ['products', 'customers', 'orders'],
      detail: 'requested (--reconcile)',
    });
    expect(await activities(null).planReconciliation({ requested: false })).toEqual({
      due: [],
      detail: 'not requested, and RECONCILE_INTERVAL is off',
    });
  });

  it('defaults to a day, takes seconds to days or off, and names a good value when wrong', () => {
    expect(loadAppConfig({}).reconcileIntervalMs).toBe(DAY_MS);
    expect(loadAppConfig({ RECONCILE_INTERVAL: '12h' }).reconcileIntervalMs).toBe(DAY_MS / 2);
    expect(loadAppConfig({ RECONCILE_INTERVAL: '7d' }).reconcileIntervalMs).toBe(7 * DAY_MS);
    expect(loadAppConfig({ RECONCILE_INTERVAL: 'OFF' }).reconcileIntervalMs).toBeNull();
    for (const bad of ['1 week', '0d', '-1h', '1.5d']) {
      expect(() => loadAppConfig({ RECONCILE_INTERVAL: bad })).toThrow(ConfigError);
    }
    expect(() => loadAppConfig({ RECONCILE_INTERVAL: 'daily' })).toThrow(
      'RECONCILE_INTERVAL must be a whole number of seconds, minutes, hours or days, e.g. RECONCILE_INTERVAL=1d ' +
        '(or 12h, 7d), or off, got "daily".',
    );
  });
});

describe('RECONCILE_MAX_DELETE_PERCENT', () => {
  it('defaults to 5%, takes a percentage, and names a good value when wrong', () => {
    expect(loadAppConfig({}).reconcileMaxShare).toBe(0.05);
    expect(loadAppConfig({ RECONCILE_MAX_DELETE_PERCENT: '12.5' }).reconcileMaxShare).toBe(0.125);
    expect(loadAppConfig({ RECONCILE_MAX_DELETE_PERCENT: '20%' }).reconcileMaxShare).toBe(0.2);
    for (const bad of ['0', '101', 'five', '0.05.1']) {
      expect(() => loadAppConfig({ RECONCILE_MAX_DELETE_PERCENT: bad })).toThrow(
        `RECONCILE_MAX_DELETE_PERCENT must be a percentage above 0 and at most 100, e.g. ` +
          `RECONCILE_MAX_DELETE_PERCENT=5, got "${bad}".`,
      );
    }
  });
});

describe('listedIds', () => {
  async function* jsonl(values: Record<string, unknown>[]): AsyncGenerator<JsonlLine> {
    let offset = 0;
    for (const value of values) {
      const next = offset + JSON.stringify(value).length + 1;
      yield { offset, nextOffset: next, value };
      offset = next;
    }
  }
  const read = async (values: Record<string, unknown>[], tableIndex: number) => {
    const listing = ID_LISTINGS.products;
    const count = { lines: 0 };
    const ids = [];
    for await (const id of listedIds(jsonl(values), listing, listing.tables[tableIndex], count)) ids.push(id);
    return { ids, lines: count.lines };
  };
  // Ungrouped output: a variant may come before its product.
  const lines = [
    { id: 'gid://shopify/ProductVariant/11', __parentId: 'gid://shopify/Product/1' },
    { id: 'gid://shopify/Product/1' },
    { id: 'gid://shopify/Product/2' },
    { id: 'gid://shopify/ProductVariant/21', __parentId: 'gid://shopify/Product/2' },
    { id: 'gid://shopify/ProductVariant/12', __parentId: 'gid://shopify/Product/1' },
  ];

  it('reads the root ids, or the child ids with their parents, counting every line', async () => {
    expect(await read(lines, 0)).toEqual({ ids: [1, 2], lines: 5 });
    expect(await read(lines, 1)).toEqual({
      ids: [
        { id: 11, parent: 1 },
        { id: 21, parent: 2 },
        { id: 12, parent: 1 },
      ],
      lines: 5,
    });
  });

  it('a line the query cannot produce fails the read instead of being skipped', async () => {
    await expect(read([...lines, { id: 'gid://shopify/Order/5' }], 0)).rejects.toThrow(
      "Shopify's id listing for products has a line at byte",
    );
    await expect(read([{ id: 'not-a-gid' }], 1)).rejects.toThrow('is not a Product or ProductVariant id');
    // Its own type: the activity fails the run with it at once instead of retrying a file that reads the same.
    await expect(read([{ id: 'not-a-gid' }], 1)).rejects.toBeInstanceOf(UnreadableListingError);
  });
});

describe('applyReconciliation against the emulator', () => {
  const HOUR_MS = 3_600_000;
  let clock = Date.parse('2026-11-30T06:00:00.000Z');
  let store: ShopifyStore;
  let db: Db;
  type Reconcile = ReturnType<typeof createReconcileActivities>;
  const env = () => new MockActivityEnvironment({ activityId: 'reconcile' }, { logger: quietLogger });
  const startListing = (reconcile: Reconcile) =>
    env().run(reconcile.startReconcileListing, { resource: 'customers' as const }) as ReturnType<
      Reconcile['startReconcileListing']
    >;
  const apply = (reconcile: Reconcile, input: Parameters<Reconcile['applyReconciliation']>[0]) =>
    env().run(reconcile.applyReconciliation, input) as ReturnType<Reconcile['applyReconciliation']>;

  beforeAll(async () => {
    store = createShopifyStore({
      seed: 5,
      products: 3,
      customers: 12,
      orders: 4,
      rateLimit: false,
      now: () => new Date(clock),
    });
    await store.listen(0);
  });
  afterAll(async () => {
    await store?.close();
  });
  withTempDatabase((d) => (db = d));

  /** A client of the emulator; `afterCompletedCheck` runs once a status check has answered COMPLETED with a URL. */
  function activities(afterCompletedCheck: () => void = () => undefined) {
    const config = { store: 'unit-store', baseUrl: store.url, apiVersion: DEFAULT_API_VERSION, timeoutMs: 10_000 };
    const client = new GraphqlClient({
      ...config,
      tokens: accessTokenSource({ ...config, apiToken: TEST_TOKEN }),
      pacer: new CostPacer(),
    });
    type Checked = { status?: string; url?: string | null } | null | undefined;
    const query = async <T>(...args: Parameters<GraphqlClient['query']>) => {
      const answer = await client.query<T>(...args);
      const data = answer.data as { bulkOperation?: Checked; node?: Checked };
      const operation = data.bulkOperation ?? data.node;
      if (operation?.status === 'COMPLETED' && operation.url) afterCompletedCheck();
      return answer;
    };
    return createReconcileActivities({
      app: { reconcileIntervalMs: 86_400_000, reconcileMaxShare: 1 },
      db: () => db,
      graphql: () => Object.assign(Object.create(client) as GraphqlClient, { query }),
      store: 'unit-store',
      now: () => clock,
    });
  }

  async function listCustomers(reconcile: Reconcile) {
    const started = await startListing(reconcile);
    const status = () => store.graphql.bulkOperations().find((op) => op.id === started.operationId)?.status;
    for (let i = 0; i < 200 && (status() === 'CREATED' || status() === 'RUNNING'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status()).toBe('COMPLETED');
    return started;
  }

  function storeCustomersAndOneDeleted(): number {
    const stored = [...store.records('customers')].map((c) => ({
      ...c,
      created_at: new Date(clock - 400 * 24 * HOUR_MS).toISOString(),
    }));
    const deleted = { id: 990_001, email: 'gone@example.com', created_at: stored[0].created_at };
    upsertRecords(db, resourceSpec('customers'), asNodes('customers', [...stored, deleted]));
    return stored.length + 1;
  }

  it('a complete listing removes the customer Shopify no longer has', async () => {
    const held = storeCustomersAndOneDeleted();
    const reconcile = activities();
    const started = await listCustomers(reconcile);
    clock += HOUR_MS;
    const [report] = await apply(reconcile, {
      ...started,
      resource: 'customers',
      force: false,
    });
    expect(report).toMatchObject({ refused: null, held, deleted: 1 });
  });

  it('a result whose URL expired between the check and the download removes nothing, and the resource stays due', async () => {
    const held = storeCustomersAndOneDeleted();
    // Shopify keeps results 7 days: the signed URL the check returned has expired by the time it is read.
    const reconcile = activities(() => (clock += 8 * 24 * HOUR_MS));
    const started = await listCustomers(reconcile);
    const before = getMetadata(db, reconciledAtKey('customers'));
    const [report] = await apply(reconcile, {
      ...started,
      resource: 'customers',
      force: false,
    });
    expect(report).toMatchObject({ refused: 'incomplete-listing', held, deleted: 0 });
    expect(report.message).toContain('its result could no longer be downloaded');
    expect(report.message).toContain('The next reconciliation tries again.');
    expect(db.prepare('SELECT COUNT(*) AS n FROM customers').get()).toEqual({ n: held });
    expect(getMetadata(db, reconciledAtKey('customers'))).toBe(before);
  });
});
