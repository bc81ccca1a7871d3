import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  ingestBulkResult,
  type BulkRecord,
  type ChildFields,
  type PreparedBatch,
} from '../../activities/store/bulk-ingest';
import { bulkChildFields } from '../../activities/shopify/graphql/bulk-query';
import { resourceSpec } from '../../activities/store/resources';
import { InvalidRecordError, writePage } from '../../activities/store/upsert';
import { readIngestState } from '../../activities/store/bulk-ingest-state';
import { CheckpointMovedError } from '../../activities/store/checkpoints';
import { openDatabase, type Db } from '../../activities/store/database';
import { streamParsedJsonl, type ParsedLine } from '../../activities/shopify/graphql/jsonl-parser';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { data, pageAll, startBulk, waitForBulk } from '../../emulators/shopify/graphql/test-gql';

/**
 * The bulk ingest against the emulator over real HTTP: an ungrouped JSONL result staged, joined by __parentId and
 * handed to the store function as the records a paged query returns, with kills between chunks and batches.
 */

// Test-only: JSON records.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const LINE_ITEM = 'id title quantity sku originalUnitPriceSet { shopMoney { amount currencyCode } }';
const ORDER = `id legacyResourceId name updatedAt displayFinancialStatus totalPriceSet { shopMoney { amount } }
  fulfillments { id createdAt } refunds { id totalRefundedSet { shopMoney { amount } } } discountCodes`;
const VARIANT = 'id legacyResourceId title price sku';
const PRODUCT = 'id legacyResourceId title handle updatedAt';
const ORDERS_BULK = `{ orders { edges { node { ${ORDER} lineItems { edges { node { ${LINE_ITEM} } } } } } } }`;
const PRODUCTS_BULK = `{ products { edges { node { ${PRODUCT} variants { edges { node { ${VARIANT} } } } } } } }`;
const CHILD_FIELDS: ChildFields = { Order: { LineItem: 'lineItems' }, Product: { ProductVariant: 'variants' } };

/** Records as a paged query returns them, each nested connection drained into `{ nodes }`. */
async function paged(url: string, root: 'orders' | 'products'): Promise<BulkRecord[]> {
  const [fields, nested, inner] = root === 'orders' ? [ORDER, 'lineItems', LINE_ITEM] : [PRODUCT, 'variants', VARIANT];
  const single = root === 'orders' ? 'order' : 'product';
  const records = await pageAll(
    url,
    root,
    `${fields} ${nested}(first: 40) { nodes { ${inner} } pageInfo { hasNextPage endCursor } }`,
    '',
    5,
  );
  for (const record of records as Any[]) {
    const { nodes, pageInfo } = record[nested];
    let page = pageInfo;
    while (page.hasNextPage) {
      const more = (
        await data(
          url,
          `query($id: ID!, $after: String) { ${single}(id: $id) { ${nested}(first: 100, after: $after) {
            nodes { ${inner} } pageInfo { hasNextPage endCursor } } } }`,
          { id: record.id, after: page.endCursor },
        )
      )[single][nested];
      nodes.push(...more.nodes);
      page = more.pageInfo;
    }
    record[nested] = { nodes };
  }
  return records;
}

async function completedBulk(url: string, query: string): Promise<Any> {
  const started = await startBulk(url, query);
  expect(started.userErrors).toEqual([]);
  return waitForBulk(url, started.bulkOperation.id);
}

const byId = (a: BulkRecord, b: BulkRecord) => String(a.id).localeCompare(String(b.id));

/** The store function: records what it was handed, batch by batch; throws on the batch numbered `failOn`. */
function recorder(failOn?: number) {
  const batches: BulkRecord[][] = [];
  let calls = 0;
  return {
    batches,
    all: () => batches.flat(),
    store: (records: BulkRecord[]) => {
      calls += 1;
      if (calls === failOn) throw new Error('worker killed while storing');
      batches.push(records);
    },
  };
}

/** The download, counting lines and bytes read; throws ("killed") before line number `killAt` of this attempt. */
function counted(url: string, killAt = Infinity) {
  const read = { lines: 0, bytes: 0, from: [] as number[] };
  async function* open(fromOffset: number, stageTo: string): AsyncGenerator<ParsedLine> {
    read.from.push(fromOffset);
    let seen = 0;
    for await (const line of streamParsedJsonl(url, { fromOffset, stageTo })) {
      if (++seen === killAt) throw new Error('worker killed while downloading');
      read.lines += 1;
      read.bytes += line.nextOffset - line.offset;
      yield line;
    }
  }
  return { read, open };
}

let dir: string;
let db: Db;
const servers: http.Server[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-ingest-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Serves fixed JSONL text (Range requests honoured), standing in for a result file the emulator cannot write. */
async function serve(text: string): Promise<string> {
  const file = Buffer.from(text);
  const server = http.createServer((req, res) => {
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (from >= file.length && from > 0) {
      res.writeHead(416).end();
      return;
    }
    res.writeHead(from > 0 ? 206 : 200, from > 0 ? { 'Content-Range': `bytes ${from}-${file.length - 1}/*` } : {});
    res.end(file.subarray(from));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/result.jsonl`;
}

const stagedRows = () => (db.prepare('SELECT COUNT(*) FROM bulk_staging').pluck().get() as number) ?? 0;
const stagingFiles = () => fs.readdirSync(dir).filter((name) => name.includes('-bulk-'));

describe('bulk ingest against the emulator', () => {
  let shop: ShopifyStore;
  let url: string;
  let orders: Any;
  let expectedOrders: BulkRecord[];

  beforeAll(async () => {
    shop = createShopifyStore({
      orders: 400,
      customers: 40,
      products: 30,
      large: { productVariants: [130], orderLineItems: [300] },
      graphql: { costLimit: false, bulk: { chunkSize: 50 } },
    });
    url = await shop.listen(0);
    orders = await completedBulk(url, ORDERS_BULK);
    expectedOrders = (await paged(url, 'orders')).sort(byId);
  });
  afterAll(() => shop.close());
  afterEach(() => shop.graphql.setBulkFaults([]));

  it('assembles the ungrouped orders export into the paged records, the 300-line-item order whole', async () => {
    const stored = recorder();
    const result = await ingestBulkResult(db, {
      operationId: orders.id,
      url: orders.url,
      childFields: CHILD_FIELDS,
      store: stored.store,
      chunkLines: 300,
      batchRecords: 64,
    });
    expect(String(result.lines)).toBe(orders.objectCount);
    expect(String(result.bytes)).toBe(orders.fileSize);
    expect(result).toMatchObject({ records: 400, orphans: { count: 0, sample: [] } });
    expect(result.records + result.childRecords).toBe(result.lines);
    expect(stored.all().sort(byId)).toEqual(expectedOrders);
    expect(stored.all().some((o: Any) => o.lineItems.nodes.length === 300)).toBe(true);
    // Batches follow the file's order, and the staged lines are gone once stored.
    expect(stored.batches.length).toBe(Math.ceil(400 / 64));
    expect(stagedRows()).toBe(0);
    expect(stagingFiles()).toEqual([]);
    expect(readIngestState(db, orders.id)).toMatchObject({ phase: 'done', records: 400 });
  });

  it('assembles the products export, the 130-variant product whole and in variant order', async () => {
    const op = await completedBulk(url, PRODUCTS_BULK);
    const stored = recorder();
    const result = await ingestBulkResult(db, {
      operationId: op.id,
      url: op.url,
      childFields: CHILD_FIELDS,
      store: stored.store,
    });
    expect(result.records).toBe(30);
    const expected = (await paged(url, 'products')).sort(byId);
    expect(stored.all().sort(byId)).toEqual(expected);
    expect(stored.all().filter((p: Any) => p.variants.nodes.length === 130)).toHaveLength(1);
  });

  it('resumes a download killed mid-file after the last staged chunk: one chunk re-read, every line once', async () => {
    const options = { operationId: orders.id, url: orders.url, childFields: CHILD_FIELDS, chunkLines: 250 };
    const stored = recorder();
    const killed = counted(orders.url, 3 * 250 + 120); // three chunks staged, the fourth part-read
    await expect(ingestBulkResult(db, { ...options, store: stored.store, open: killed.open })).rejects.toThrow(
      'worker killed while downloading',
    );
    const killedAt = readIngestState(db, orders.id)!;
    expect(killedAt).toMatchObject({ phase: 'staging', lines: 750, chunks: 3 });
    expect(stagedRows()).toBe(750);
    expect(stored.batches).toEqual([]);
    // The staging file holds the downloaded bytes at their own offsets, at least up to the committed offset.
    const [file] = stagingFiles();
    const downloaded = Buffer.from(await (await fetch(orders.url)).arrayBuffer());
    const staged = fs.readFileSync(path.join(dir, file));
    expect(staged.length).toBeGreaterThanOrEqual(killedAt.byteOffset);
    // It holds customers' data: the database file's mode (0600), whatever the umask.
    expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(staged.equals(downloaded.subarray(0, staged.length))).toBe(true);

    const resumed = counted(orders.url);
    const result = await ingestBulkResult(db, { ...options, store: stored.store, open: resumed.open });
    expect(result.resumedFrom).toMatchObject({ phase: 'staging', lines: 750 });
    expect(resumed.read.from).toEqual([result.resumedFrom.byteOffset]);
    const total = Number(orders.objectCount);
    expect(killed.read.lines + resumed.read.lines - total).toBe(119); // the part-read chunk, and nothing else
    expect(resumed.read.bytes).toBe(Number(orders.fileSize) - result.resumedFrom.byteOffset);
    expect(killed.read.bytes).toBeGreaterThan(result.resumedFrom.byteOffset);
    expect(resumed.read.lines).toBe(total - 750);
    const ids = stored.all().map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored.all().sort(byId)).toEqual(expectedOrders);
  });

  it('starts again from the first byte when the staging file lost its tail (the machine crashed after a commit)', async () => {
    const options = { operationId: orders.id, url: orders.url, childFields: CHILD_FIELDS, chunkLines: 250 };
    const killed = counted(orders.url, 3 * 250 + 10);
    await expect(ingestBulkResult(db, { ...options, store: () => undefined, open: killed.open })).rejects.toThrow();
    const { byteOffset } = readIngestState(db, orders.id)!;
    fs.truncateSync(path.join(dir, stagingFiles()[0]), byteOffset - 100);

    const stored = recorder();
    const again = counted(orders.url);
    const result = await ingestBulkResult(db, { ...options, store: stored.store, open: again.open });
    expect(again.read.from).toEqual([0]);
    expect(result.resumedFrom).toMatchObject({ phase: 'staging', byteOffset: 0, lines: 0 });
    expect(result.lines).toBe(Number(orders.objectCount));
    expect(stored.all().sort(byId)).toEqual(expectedOrders);
    expect(stagingFiles()).toEqual([]);
  });

  it('a staged line damaged on disk fails the ingest (retryable) and drops its staging; the retry reads the result again', async () => {
    const options = { operationId: orders.id, url: orders.url, childFields: CHILD_FIELDS, chunkLines: 250 };
    const killed = counted(orders.url, 3 * 250 + 10);
    await expect(ingestBulkResult(db, { ...options, store: () => undefined, open: killed.open })).rejects.toThrow();
    const line = db.prepare('SELECT byte_offset FROM bulk_staging WHERE line = 100').pluck().get() as number;
    const file = path.join(dir, stagingFiles()[0]);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('\0\0\0\0'), 0, 4, line + 1);
    fs.closeSync(fd);

    const damaged = ingestBulkResult(db, { ...options, store: () => undefined });
    await expect(damaged).rejects.toMatchObject({ type: 'BulkStagingDamaged', nonRetryable: false });
    await expect(damaged).rejects.toThrow(`has a line at byte ${line} that is not a JSON object`);
    expect(readIngestState(db, orders.id)).toBeUndefined();
    expect(stagedRows()).toBe(0);
    expect(stagingFiles()).toEqual([]);

    const stored = recorder();
    const again = counted(orders.url);
    await ingestBulkResult(db, { ...options, store: stored.store, open: again.open });
    expect(again.read.from).toEqual([0]);
    expect(stored.all().sort(byId)).toEqual(expectedOrders);
  });

  it('resumes an assembly killed mid-way after the last stored batch: no record stored twice', async () => {
    const options = { operationId: orders.id, url: orders.url, childFields: CHILD_FIELDS, batchRecords: 50 };
    const stored = recorder(4); // batches 1-3 stored, the 4th fails with its transaction
    await expect(ingestBulkResult(db, { ...options, store: stored.store })).rejects.toThrow('killed while storing');
    expect(readIngestState(db, orders.id)).toMatchObject({ phase: 'assembling', records: 150 });

    const downloads = counted(orders.url);
    const result = await ingestBulkResult(db, { ...options, store: stored.store, open: downloads.open });
    expect(downloads.read.from).toEqual([]); // the file is not downloaded again
    expect(result.resumedFrom.phase).toBe('assembling');
    expect(result.batchesStored).toBe(5);
    const ids = stored.all().map((o) => o.id);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
    expect(stored.all().sort(byId)).toEqual(expectedOrders);
    // Done is done: a further call stores nothing and reports the same figures.
    const again = await ingestBulkResult(db, {
      ...options,
      store: () => {
        throw new Error('stored again');
      },
    });
    expect(again).toMatchObject({ records: 400, childRecords: result.childRecords, linesRead: 0, batchesStored: 0 });
  });

  it('an attempt presumed dead that wakes up after another attempt finished stops without storing anything', async () => {
    const options = { operationId: orders.id, url: orders.url, childFields: CHILD_FIELDS, chunkLines: 200 };
    let wake!: () => void;
    const asleep = new Promise<void>((resolve) => (wake = resolve));
    async function* stalled(fromOffset: number, stageTo: string): AsyncGenerator<ParsedLine> {
      let seen = 0;
      for await (const line of streamParsedJsonl(orders.url, { fromOffset, stageTo })) {
        if (++seen === 201) await asleep; // one chunk staged, then the worker hangs
        yield line;
      }
    }
    const zombie = recorder();
    const first = ingestBulkResult(db, { ...options, store: zombie.store, open: stalled });
    while (stagedRows() < 200) await new Promise((resolve) => setTimeout(resolve, 20));
    const stored = recorder();
    await ingestBulkResult(db, { ...options, store: stored.store }); // the retry, on another worker
    wake();
    await expect(first).rejects.toThrow(CheckpointMovedError);
    expect(zombie.batches).toEqual([]);
    expect(stagedRows()).toBe(0);
    expect(stored.all()).toHaveLength(400);
    expect(readIngestState(db, orders.id)).toMatchObject({ phase: 'done', records: 400 });
  });

  it("stores a failed operation's partial data (partialDataUrl): the records it holds, each whole", async () => {
    shop.graphql.setBulkFaults([{ errorCode: 'INTERNAL_SERVER_ERROR', resource: 'orders', partialRecords: 120 }]);
    const op = await completedBulk(url, ORDERS_BULK);
    expect(op).toMatchObject({ status: 'FAILED', url: null });
    const stored = recorder();
    const result = await ingestBulkResult(db, {
      operationId: op.id,
      url: op.partialDataUrl,
      childFields: CHILD_FIELDS,
      store: stored.store,
    });
    expect(result.records).toBe(120);
    const expected = new Map(expectedOrders.map((o) => [o.id, o]));
    for (const order of stored.all()) expect(order).toEqual(expected.get(order.id));
  });

  it('reports children whose parent is not in the file (a result cut short), storing only whole parents', async () => {
    // The first lines of the ungrouped export: some line items come before their order, whose line is not there.
    const text = await (await fetch(orders.url)).text();
    const lines = text.split('\n').filter(Boolean).slice(0, 500);
    const present = new Set(lines.map((l) => JSON.parse(l).id));
    const missing = lines.map((l) => JSON.parse(l)).filter((l) => l.__parentId && !present.has(l.__parentId));
    expect(missing.length).toBeGreaterThan(0);
    const stored = recorder();
    const result = await ingestBulkResult(db, {
      operationId: 'gid://shopify/BulkOperation/cut-short',
      url: await serve(lines.join('\n') + '\n'),
      childFields: CHILD_FIELDS,
      store: stored.store,
    });
    expect(result.orphans.count).toBe(missing.length);
    expect(result.orphans.sample).toEqual(missing.slice(0, 10).map((l) => ({ gid: l.id, parentGid: l.__parentId })));
    expect(result.records + result.childRecords + result.orphans.count).toBe(500);
    const storedIds = new Set(stored.all().flatMap((o: Any) => o.lineItems.nodes.map((n: Any) => n.id)));
    for (const orphan of missing) expect(storedIds.has(orphan.id)).toBe(false);
    expect(stagedRows()).toBe(0);
  });
});

describe('bulk ingest of hand-written results', () => {
  it('joins two-level chains (refund → transactions) whatever the order, and types without gids by __typename', async () => {
    const url = await serve(
      [
        { id: 'gid://shopify/OrderTransaction/71', kind: 'REFUND', __parentId: 'gid://shopify/Refund/51' },
        { id: 'gid://shopify/Refund/51', note: 'damaged', __parentId: 'gid://shopify/Order/1' },
        { id: 'gid://shopify/Order/1', name: '#1001' },
        { id: 'gid://shopify/Order/2', name: '#1002' },
        { __typename: 'Attribute', key: 'gift', __parentId: 'gid://shopify/Order/2' },
        { id: 'gid://shopify/OrderTransaction/72', kind: 'REFUND', __parentId: 'gid://shopify/Refund/51' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-ingest-'));
    const db = openDatabase(dir);
    try {
      const stored = recorder();
      const result = await ingestBulkResult(db, {
        operationId: 'gid://shopify/BulkOperation/7',
        url,
        childFields: {
          Order: { Refund: 'refunds', Attribute: 'attributes' },
          Refund: { OrderTransaction: 'transactions' },
        },
        store: stored.store,
        chunkLines: 2,
      });
      expect(result).toMatchObject({ lines: 6, records: 2, childRecords: 4, orphans: { count: 0 }, chunksStaged: 3 });
      expect(stored.all()).toEqual([
        {
          id: 'gid://shopify/Order/1',
          name: '#1001',
          attributes: { nodes: [] },
          refunds: {
            nodes: [
              {
                id: 'gid://shopify/Refund/51',
                note: 'damaged',
                transactions: {
                  nodes: [
                    { id: 'gid://shopify/OrderTransaction/71', kind: 'REFUND' },
                    { id: 'gid://shopify/OrderTransaction/72', kind: 'REFUND' },
                  ],
                },
              },
            ],
          },
        },
        {
          id: 'gid://shopify/Order/2',
          name: '#1002',
          attributes: { nodes: [{ __typename: 'Attribute', key: 'gift' }] },
          refunds: { nodes: [] },
        },
      ]);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops an abandoned operation's staged lines once it is a day old, when another ingest starts", async () => {
    const lines = Array.from({ length: 30 }, (_, k) => JSON.stringify({ id: `gid://shopify/Order/${k + 1}` }));
    const url = await serve(lines.join('\n'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-ingest-'));
    const db = openDatabase(dir);
    try {
      const abandoned = { operationId: 'gid://shopify/BulkOperation/1', url, childFields: {}, chunkLines: 10 };
      const dying = counted(url, 25);
      await expect(ingestBulkResult(db, { ...abandoned, store: () => undefined, open: dying.open })).rejects.toThrow();
      const staged = () => db.prepare('SELECT COUNT(*) FROM bulk_staging').pluck().get();
      const files = () => fs.readdirSync(dir).filter((name) => name.includes('-bulk-'));
      expect(staged()).toBe(20);
      expect(files()).toHaveLength(1);
      const next = { operationId: 'gid://shopify/BulkOperation/2', url, childFields: {}, store: () => undefined };
      await ingestBulkResult(db, next);
      expect(staged()).toBe(20); // a few hours old: its retry may still come
      db.prepare("UPDATE bulk_ingests SET updated_at = '2020-01-01T00:00:00.000Z' WHERE operation_id = ?").run(
        abandoned.operationId,
      );
      await ingestBulkResult(db, { ...next, operationId: 'gid://shopify/BulkOperation/3' });
      expect(staged()).toBe(0);
      expect(files()).toEqual([]);
      expect(readIngestState(db, abandoned.operationId)).toBeUndefined();
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('joins and prepares 100 records at a time: a stored batch of 250 is one transaction, one prepared page', async () => {
    const order = (id: number) => JSON.stringify({ id: `gid://shopify/Order/${id}`, legacyResourceId: String(id) });
    const url = await serve(Array.from({ length: 260 }, (_, k) => order(k + 1)).join('\n'));
    const orders = resourceSpec('orders');
    const transactions: number[][] = [];
    await ingestBulkResult(db, {
      operationId: 'gid://shopify/BulkOperation/6',
      url,
      childFields: bulkChildFields(orders.graphql),
      batchRecords: 250,
      prepare: { resource: 'orders', timeZone: null },
      store: ({ pages }: PreparedBatch) => {
        expect(db.inTransaction).toBe(true);
        for (const page of pages) writePage(db, orders, page);
        transactions.push(pages.map((page) => page.rows.length));
      },
    });
    expect(transactions).toEqual([[250], [10]]);
    expect(db.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(260);
  });

  it('a record the assembler thread cannot prepare fails the ingest as InvalidRecordError, its batch not stored', async () => {
    const order = (id: string) =>
      JSON.stringify({ id: `gid://shopify/Order/${id}`, legacyResourceId: id, name: `#${id}` });
    const url = await serve(`${order('1')}\n${order('2')}\n${order('9007199254740993')}\n`);
    const orders = resourceSpec('orders');
    const stored: number[] = [];
    const ingest = ingestBulkResult(db, {
      operationId: 'gid://shopify/BulkOperation/7',
      url,
      childFields: bulkChildFields(orders.graphql),
      batchRecords: 2,
      prepare: { resource: 'orders', timeZone: null },
      store: ({ pages }: PreparedBatch) => {
        for (const page of pages) writePage(db, orders, page);
        stored.push(pages.reduce((rows, page) => rows + page.rows.length, 0));
      },
    });
    await expect(ingest).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(ingest).rejects.toThrow(/orders record whose id is not a whole number below 2\^53 .*not stored/);
    expect(stored).toEqual([2]);
    expect(db.prepare('SELECT id FROM orders ORDER BY id').pluck().all()).toEqual([1, 2]);
  });

  it('fails, naming the line, when a child type has no declared connection on its parent', async () => {
    const url = await serve(
      '{"id":"gid://shopify/Order/1"}\n{"id":"gid://shopify/Fulfillment/9","__parentId":"gid://shopify/Order/1"}\n',
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-ingest-'));
    const db = openDatabase(dir);
    try {
      await expect(
        ingestBulkResult(db, {
          operationId: 'gid://shopify/BulkOperation/8',
          url,
          childFields: { Order: { LineItem: 'lineItems' } },
          store: () => undefined,
        }),
      ).rejects.toThrow(
        /nests Fulfillment \(gid:\/\/shopify\/Fulfillment\/9\) under gid:\/\/shopify\/Order\/1.*disagree/,
      );
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
