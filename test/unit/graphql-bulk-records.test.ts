import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { chunkRows, parseGid, toRow, type BulkChunk } from '../../activities/shopify/graphql/bulk-records';
import { streamJsonl, type JsonlLine } from '../../activities/shopify/graphql/jsonl-stream';

/** Ungrouped bulk output into per-type rows and checkpointed chunks, with children before and far from parents. */

/**
 * An ungrouped orders export as Shopify may write it since 2026-01: order 1's line items come first, order 2's
 * line items are far from it (after order 3), order 3 has none.
 */
const EXPORT = [
  { id: 'gid://shopify/LineItem/11', quantity: 1, __parentId: 'gid://shopify/Order/1' },
  { id: 'gid://shopify/LineItem/12', quantity: 2, __parentId: 'gid://shopify/Order/1' },
  { id: 'gid://shopify/Order/1', name: '#1001' },
  { id: 'gid://shopify/Order/2', name: '#1002' },
  { id: 'gid://shopify/Order/3', name: '#1003' },
  { id: 'gid://shopify/Refund/31', __parentId: 'gid://shopify/Order/3' },
  { id: 'gid://shopify/LineItem/21', quantity: 5, __parentId: 'gid://shopify/Order/2' },
];

function lines(values: Record<string, unknown>[]): JsonlLine[] {
  let offset = 0;
  return values.map((value) => {
    const length = Buffer.byteLength(`${JSON.stringify(value)}\n`);
    const out = { offset, nextOffset: offset + length, value };
    offset += length;
    return out;
  });
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function all(chunks: AsyncGenerator<BulkChunk>): Promise<BulkChunk[]> {
  const out: BulkChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('bulk records', () => {
  it('parses Shopify global ids, and nothing else', () => {
    expect(parseGid('gid://shopify/ProductVariant/39072856')).toEqual({ type: 'ProductVariant', legacyId: '39072856' });
    expect(parseGid('gid://shopify/LineItem/866550311766439020?foo=1')).toEqual({
      type: 'LineItem',
      legacyId: '866550311766439020',
    });
    expect(parseGid('39072856')).toBeNull();
    expect(parseGid(39072856)).toBeNull();
  });

  it('a child row carries its parent id whether or not the parent has been seen, and loses __parentId', () => {
    const [first] = lines(EXPORT);
    expect(toRow(first)).toEqual({
      type: 'LineItem',
      id: 'gid://shopify/LineItem/11',
      legacyId: '11',
      parentId: 'gid://shopify/Order/1',
      parentType: 'Order',
      parentLegacyId: '1',
      record: { id: 'gid://shopify/LineItem/11', quantity: 1 },
    });
    expect(toRow(lines(EXPORT)[2])).toMatchObject({ type: 'Order', legacyId: '1', parentId: null, parentType: null });
  });

  it('groups each chunk by type, every row once, whatever the order of parents and children', async () => {
    const chunks = await all(chunkRows(from(lines(EXPORT)), { maxLines: 3 }));
    expect(chunks.map((c) => c.lines)).toEqual([3, 3, 1]);
    expect(Object.keys(chunks[0].rows).sort()).toEqual(['LineItem', 'Order']);
    const byType: Record<string, string[]> = {};
    for (const chunk of chunks) {
      for (const [type, rows] of Object.entries(chunk.rows)) {
        (byType[type] ??= []).push(...rows.map((r) => `${r.legacyId}<${r.parentLegacyId ?? '-'}`));
      }
    }
    expect(byType).toEqual({
      LineItem: ['11<1', '12<1', '21<2'],
      Order: ['1<-', '2<-', '3<-'],
      Refund: ['31<3'],
    });
  });

  it('chunks tile the file: each ends where the next starts, the last at the end of the file', async () => {
    const input = lines(EXPORT);
    const chunks = await all(chunkRows(from(input), { maxLines: 2 }));
    expect(chunks[0].startOffset).toBe(0);
    for (let i = 1; i < chunks.length; i += 1) expect(chunks[i].startOffset).toBe(chunks[i - 1].endOffset);
    expect(chunks[chunks.length - 1].endOffset).toBe(input[input.length - 1].nextOffset);
  });

  it('a node without an id or __typename fails with what to add to the bulk query', async () => {
    const error = await all(
      chunkRows(from(lines([{ quantity: 3, __parentId: 'gid://shopify/Order/1' }])), { maxLines: 5 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as ApplicationFailure).message).toMatch(
      /byte 0 has neither a Shopify global id nor __typename.*select "id"/,
    );
  });
});

describe('storing a streamed export in checkpointed chunks', () => {
  const ORDERS = 2_000;
  /** Each order's line items are written long before the order itself (reverse order), three per order. */
  const file = (() => {
    const values: Record<string, unknown>[] = [];
    for (let o = ORDERS; o >= 1; o -= 1) {
      for (let l = 1; l <= 3; l += 1) {
        values.push({ id: `gid://shopify/LineItem/${o * 10 + l}`, __parentId: `gid://shopify/Order/${o}` });
      }
    }
    for (let o = 1; o <= ORDERS; o += 1) values.push({ id: `gid://shopify/Order/${o}`, name: `#${o}` });
    return Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  })();

  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      if (from > 0) res.writeHead(206, { 'Content-Range': `bytes ${from}-${file.length - 1}/${file.length}` });
      res.end(file.subarray(from));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/result.jsonl`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** A store keyed like the tables: rows and the checkpoint change together, as in one SQLite transaction. */
  function database() {
    const orders = new Map<string, unknown>();
    const lineItems = new Map<string, string>(); // line item id → order id
    const writes = { orders: 0, lineItems: 0 };
    let checkpoint = 0;
    return {
      orders,
      lineItems,
      writes,
      checkpoint: () => checkpoint,
      commit(chunk: BulkChunk) {
        for (const row of chunk.rows.Order ?? []) {
          orders.set(row.legacyId!, row.record);
          writes.orders += 1;
        }
        for (const row of chunk.rows.LineItem ?? []) {
          lineItems.set(row.legacyId!, row.parentLegacyId!);
          writes.lineItems += 1;
        }
        checkpoint = chunk.endOffset;
      },
    };
  }

  it('a worker killed mid-file resumes after the last committed chunk: nothing stored twice, nothing missing', async () => {
    const db = database();
    let chunksRead = 0;
    // First attempt: the process dies while holding its 4th chunk, before committing it.
    for await (const chunk of chunkRows(streamJsonl(url), { maxLines: 500 })) {
      chunksRead += 1;
      if (chunksRead === 4) break;
      db.commit(chunk);
    }
    expect(db.checkpoint()).toBeGreaterThan(0);
    // The retry starts from the stored checkpoint.
    for await (const chunk of chunkRows(streamJsonl(url, { fromOffset: db.checkpoint() }), { maxLines: 500 })) {
      chunksRead += 1;
      db.commit(chunk);
    }
    expect(db.orders.size).toBe(ORDERS);
    expect(db.lineItems.size).toBe(ORDERS * 3);
    expect(db.writes).toEqual({ orders: ORDERS, lineItems: ORDERS * 3 });
    expect(db.checkpoint()).toBe(file.length);
    // Exactly one chunk (the one being stored when the worker died) was read twice.
    expect(chunksRead).toBe(Math.ceil((ORDERS * 4) / 500) + 1);
    // Every line item is joined to its order by id although it was stored before the order existed.
    for (const [lineItem, order] of db.lineItems) expect(Math.floor(Number(lineItem) / 10)).toBe(Number(order));
  });
});
