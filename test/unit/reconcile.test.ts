import { openDatabase, type Db } from '../../activities/store/database';
import { reconcile, type IdListing, type ListedId } from '../../activities/store/reconcile';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { asNodes } from '../helpers/graphql-nodes';
import { tempDir } from '../helpers/tmp';

/** Reconciliation against real SQLite files: what remains row for row, and every guard refusing. */

const LISTED_AT = new Date('2026-11-30T06:00:00.000Z');
const NOW = new Date('2026-11-30T08:00:00.000Z');
const daysBefore = (days: number) => new Date(LISTED_AT.getTime() - days * 86_400_000).toISOString();

const customer = (id: number, createdAt = daysBefore(400)) => ({
  id,
  email: `c${id}@example.com`,
  created_at: createdAt,
});
const order = (id: number, createdAt: string) => ({
  id,
  name: `#${id}`,
  created_at: createdAt,
  updated_at: createdAt,
  line_items: [{ id: id * 10 + 1, product_id: 7, quantity: 1, price: '5.00' }],
  refunds: [{ id: id * 10 + 2, transactions: [] }],
});

const ids = (db: Db, table: string) =>
  (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const listing = (list: Iterable<ListedId> | AsyncIterable<ListedId>, complete = true): IdListing => ({
  ids: list,
  complete,
  listedAt: LISTED_AT,
});
const options = { readAllOrders: true, now: NOW };

describe('reconcile', () => {
  let cleanup: () => void;
  let db: Db;
  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('removes what the database holds and the complete listing does not, with children and a record each', async () => {
    upsertRecords(
      db,
      resourceSpec('orders'),
      asNodes(
        'orders',
        range(1, 40).map((id) => order(id, daysBefore(300))),
      ),
    );
    const listed = range(1, 40).filter((id) => id !== 7 && id !== 30);
    const result = await reconcile(db, 'orders', listing([...listed, 1000, 1001, 7 + 1]), options);
    expect(result).toMatchObject({
      resource: 'orders',
      listed: 40,
      held: 40,
      judged: 40,
      missing: 2,
      deleted: 2,
      refused: null,
    });
    expect(result.message).toBe(
      'Reconciliation of orders: 2 deleted in Shopify and removed here (of 40 stored, 40 listed by Shopify).',
    );
    expect(ids(db, 'orders')).toEqual(listed);
    expect(ids(db, 'line_items')).toEqual(listed.map((id) => id * 10 + 1));
    expect(ids(db, 'refunds')).toEqual(listed.map((id) => id * 10 + 2));
    expect(
      db.prepare('SELECT resource, id, deleted_at, removed_at, found_by FROM deletions ORDER BY id').all(),
    ).toEqual(
      [7, 30].map((id) => ({
        resource: 'orders',
        id,
        deleted_at: null,
        removed_at: NOW.toISOString(),
        found_by: 'reconciliation',
      })),
    );
    // The temporary listing is gone: a second run starts clean and finds nothing more to remove.
    const again = await reconcile(db, 'orders', listing(listed), options);
    expect(again).toMatchObject({ missing: 0, deleted: 0, refused: null });
    expect(again.message).toBe('Reconciliation of orders: all 38 checked are still in Shopify; nothing removed.');
  });

  it('refuses an incomplete listing without reading it, and deletes nothing', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 10).map((id) => customer(id)),
      ),
    );
    const unreadable: Iterable<number> = {
      [Symbol.iterator]: () => {
        throw new Error('an incomplete listing must not be read');
      },
    };
    const result = await reconcile(db, 'customers', listing(unreadable, false), options);
    expect(result).toMatchObject({ refused: 'incomplete-listing', deleted: 0, listed: 0, held: 10 });
    expect(result.message).toMatch(
      /^Reconciliation of customers deleted nothing: Shopify's list of customers ids was not complete/,
    );
    expect(ids(db, 'customers')).toEqual(range(1, 10));
    expect(db.prepare('SELECT COUNT(*) AS n FROM deletions').get()).toEqual({ n: 0 });
  });

  it('refuses to delete more than 5% of a table without force, says why, and deletes them with force', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 100).map((id) => customer(id)),
      ),
    );
    const listed = range(7, 100); // 6 of 100 missing: 6%
    const refused = await reconcile(db, 'customers', listing(listed), options);
    expect(refused).toMatchObject({ refused: 'too-many-missing', missing: 6, deleted: 0 });
    expect(refused.message).toBe(
      "Reconciliation of customers deleted nothing: 6 of the 100 customers stored here (6%) are not in Shopify's " +
        'list, more than the 5% removed at once without confirmation (RECONCILE_MAX_DELETE_PERCENT). If they really ' +
        'were deleted in Shopify, run the reconciliation again with --force to remove them; if they were not, ' +
        "Shopify's list was cut short and nothing should be removed.",
    );
    expect(ids(db, 'customers')).toEqual(range(1, 100));

    const forced = await reconcile(db, 'customers', listing(listed), { ...options, force: true });
    expect(forced).toMatchObject({ refused: null, missing: 6, deleted: 6 });
    expect(ids(db, 'customers')).toEqual(listed);
  });

  it('the share is configurable, and exactly the limit passes', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 20).map((id) => customer(id)),
      ),
    );
    expect(await reconcile(db, 'customers', listing(range(3, 20)), { ...options, maxShare: 0.05 })).toMatchObject({
      refused: 'too-many-missing',
    });
    expect(await reconcile(db, 'customers', listing(range(3, 20)), { ...options, maxShare: 0.1 })).toMatchObject({
      refused: null,
      deleted: 2,
    });
    expect(ids(db, 'customers')).toEqual(range(3, 20));
  });

  it('an empty listing marked complete is refused: it would empty the table', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 5).map((id) => customer(id)),
      ),
    );
    const result = await reconcile(db, 'customers', listing([]), options);
    expect(result).toMatchObject({ refused: 'too-many-missing', missing: 5, listed: 0 });
    expect(result.message).toContain('5 of the 5 customers stored here (100%)');
    expect(ids(db, 'customers')).toEqual(range(1, 5));
  });

  it('without read_all_orders judges only orders inside the 60-day window Shopify lists', async () => {
    upsertRecords(
      db,
      resourceSpec('orders'),
      asNodes('orders', [
        ...range(1, 10).map((id) => order(id, daysBefore(200))), // outside: never listed without the scope
        order(11, daysBefore(61)),
        order(12, '2026-10-02T00:00:00-04:00'), // 59 days and 2 hours before the listing: at the edge, kept
        ...range(13, 40).map((id) => order(id, daysBefore(10))),
      ]),
    );
    const recent = range(13, 40).filter((id) => id !== 20);
    const result = await reconcile(db, 'orders', listing(recent), { ...options, readAllOrders: false });
    expect(result).toMatchObject({ held: 40, judged: 28, missing: 1, deleted: 1, refused: null });
    expect(result.message).toBe(
      'Reconciliation of orders: 1 deleted in Shopify and removed here (of 40 stored, 27 listed by Shopify). ' +
        'Without the read_all_orders access scope Shopify lists only the orders of the last 60 days: 12 older ' +
        'orders were kept unchecked.',
    );
    expect(ids(db, 'orders')).toEqual([...range(1, 12), ...recent]);

    // With the scope, the same listing judges every order: the 12 old ones are missing, too many without force.
    const all = await reconcile(db, 'orders', listing(recent), { ...options, readAllOrders: true });
    expect(all).toMatchObject({ judged: 39, missing: 12, refused: 'too-many-missing' });
    expect(ids(db, 'orders')).toEqual([...range(1, 12), ...recent]);
  });

  it('never judges records created after the listing was taken, or whose creation time is unknown', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes('customers', [
        ...range(1, 30).map((id) => customer(id)),
        customer(31, '2026-11-30T07:30:00Z'), // created while the listing ran
        { id: 32, email: 'no-date@example.com' },
      ]),
    );
    const result = await reconcile(db, 'customers', listing(range(1, 30)), options);
    expect(result).toMatchObject({ held: 32, judged: 30, missing: 0, deleted: 0 });
    expect(ids(db, 'customers')).toEqual(range(1, 32));
  });

  it('refuses a table that cannot tell records newer than the listing from deleted ones', async () => {
    upsertRecords(db, resourceSpec('orders'), asNodes('orders', [order(1, daysBefore(5))]));
    await expect(reconcile(db, 'line_items', listing([]), options)).rejects.toThrow(
      'Cannot reconcile line_items: its table has no created_at column',
    );
    expect(ids(db, 'line_items')).toEqual([11]);
  });

  const product = (id: number, variants: number[]) => ({
    id,
    created_at: daysBefore(100),
    variants: variants.map((v) => ({ id: v, created_at: daysBefore(100) })),
  });
  const under = (parent: number, variants: number[]) => variants.map((id) => ({ id, parent }));

  it('reconciles variants alone, leaving their products', async () => {
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(1, range(101, 120)), product(2, [201])]));
    const listed = [...under(1, range(101, 119)), ...under(2, [201])];
    const result = await reconcile(db, 'product_variants', listing(listed), options);
    expect(result).toMatchObject({ held: 21, missing: 1, deleted: 1 });
    expect(ids(db, 'product_variants')).toEqual([...range(101, 119), 201]);
    expect(ids(db, 'products')).toEqual([1, 2]);
  });

  it("judges only the variants of products the listing shows: an unlisted product's are left to it", async () => {
    upsertRecords(
      db,
      resourceSpec('products'),
      asNodes('products', [product(1, range(101, 140)), product(2, range(201, 240)), product(3, [301])]),
    );
    // Product 2 is not listed at all (deleted, or its products reconciliation refused): its variants stay here.
    const listed = [...under(1, range(101, 139)), ...under(3, [301])];
    const result = await reconcile(db, 'product_variants', listing(listed), options);
    expect(result).toMatchObject({ held: 81, judged: 41, missing: 1, deleted: 1, refused: null });
    expect(ids(db, 'product_variants')).toEqual([...range(101, 139), ...range(201, 240), 301]);
  });

  it('a variant listed without its product fails, removing nothing', async () => {
    upsertRecords(db, resourceSpec('products'), asNodes('products', [product(1, [101, 102])]));
    await expect(reconcile(db, 'product_variants', listing([101]), options)).rejects.toThrow(
      "Shopify's list of product_variants names no parent for 101; nothing was removed.",
    );
    expect(ids(db, 'product_variants')).toEqual([101, 102]);
  });

  it('a listing read short of what Shopify reported is incomplete after all, and deletes nothing', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 40).map((id) => customer(id)),
      ),
    );
    let recorded = 0;
    const short = { ...listing(range(2, 40)), readInFull: () => false };
    const result = await reconcile(db, 'customers', short, { ...options, inTransaction: () => recorded++ });
    expect(result).toMatchObject({ refused: 'incomplete-listing', listed: 39, deleted: 0 });
    expect(result.message).toMatch(/^Reconciliation of customers deleted nothing: Shopify's list .* was not complete/);
    expect(ids(db, 'customers')).toEqual(range(1, 40));
    expect(recorded).toBe(0);
  });

  it("runs the caller's write inside the transaction of the removals, and not when refused", async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 40).map((id) => customer(id)),
      ),
    );
    const write = () => db.prepare("INSERT INTO metadata (key, value, updated_at) VALUES ('k', 'v', 'now')").run();
    await reconcile(db, 'customers', listing(range(30, 40)), { ...options, inTransaction: write });
    expect(db.prepare('SELECT COUNT(*) AS n FROM metadata').get()).toEqual({ n: 0 });

    // A write that fails takes the removals with it: one transaction.
    const failing = () => {
      throw new Error('disk full');
    };
    await expect(
      reconcile(db, 'customers', listing(range(2, 40)), { ...options, inTransaction: failing }),
    ).rejects.toThrow('disk full');
    expect(ids(db, 'customers')).toEqual(range(1, 40));

    await reconcile(db, 'customers', listing(range(2, 40)), { ...options, inTransaction: write });
    expect(ids(db, 'customers')).toEqual(range(2, 40));
    expect(db.prepare("SELECT value FROM metadata WHERE key = 'k'").get()).toEqual({ value: 'v' });
  });

  it('streams a large async listing through the temp table', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 2000).map((id) => customer(id * 100)),
      ),
    );
    async function* shopifyIds(): AsyncGenerator<number> {
      for (let id = 1; id <= 300_000; id += 1) if (id !== 500 && id !== 150_000) yield id;
    }
    const result = await reconcile(db, 'customers', listing(shopifyIds()), options);
    expect(result).toMatchObject({ listed: 299_998, held: 2000, missing: 2, deleted: 2 });
    expect(ids(db, 'customers')).toEqual(
      range(1, 2000)
        .filter((id) => id !== 5 && id !== 1500)
        .map((id) => id * 100),
    );
  });

  it('two reconciliations awaiting their listings on one connection keep apart, and leave no temp table', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 100).map((id) => customer(id)),
      ),
    );
    upsertRecords(
      db,
      resourceSpec('orders'),
      asNodes(
        'orders',
        range(1, 100).map((id) => order(id, daysBefore(5))),
      ),
    );
    async function* slowly(list: number[]): AsyncGenerator<number> {
      for (const id of list) {
        if (id % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        yield id;
      }
    }
    const [customers, orders] = await Promise.all([
      reconcile(db, 'customers', listing(slowly(range(2, 100))), options),
      reconcile(db, 'orders', listing(slowly(range(1, 99))), options),
    ]);
    expect([customers.deleted, orders.deleted]).toEqual([1, 1]);
    expect(ids(db, 'customers')).toEqual(range(2, 100));
    expect(ids(db, 'orders')).toEqual(range(1, 99));
    expect(db.prepare('SELECT name FROM sqlite_temp_master').all()).toEqual([]);
  });

  it('a listing holding something that is not an id fails, removing nothing', async () => {
    upsertRecords(
      db,
      resourceSpec('customers'),
      asNodes(
        'customers',
        range(1, 5).map((id) => customer(id)),
      ),
    );
    await expect(reconcile(db, 'customers', listing([1, 2, Number.NaN]), options)).rejects.toThrow(
      "Shopify's list of customers ids holds NaN, which is not an id; nothing was removed.",
    );
    expect(ids(db, 'customers')).toEqual(range(1, 5));
    // The failed run's temporary table did not stay behind.
    expect(await reconcile(db, 'customers', listing(range(1, 5)), options)).toMatchObject({ listed: 5, missing: 0 });
  });
});
