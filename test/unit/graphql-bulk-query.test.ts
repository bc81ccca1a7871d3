import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RESOURCE_NAMES } from '../../common/contract';
import { asPagedRecord, bulkChildFields, bulkQuery } from '../../activities/shopify/graphql/bulk-query';
import { ingestBulkResult, type BulkRecord, type PreparedBatch } from '../../activities/store/bulk-ingest';
import { openDatabase, type Db } from '../../activities/store/database';
import { upsertRecords, writePage } from '../../activities/store/upsert';
import { resourceSpec } from '../../activities/store/resources';
import { createShopifyStore, type ShopifyStore } from '../../emulators/shopify';
import { prepareBulkQuery } from '../../emulators/shopify/graphql/bulk-query';
import { adminSchema } from '../../emulators/shopify/graphql/schema';
import { startBulk, waitForBulk } from '../../emulators/shopify/graphql/test-gql';
import { graphqlSourceFor } from '../helpers/graphql-source';

/**
 * Each resource's bulk query comes from the same declaration as its paged query: Shopify's rules for bulk queries
 * (as the emulator enforces them) accept it, and its result, joined by the ingest, gives the very records paging does.
 */
describe('bulk queries built from the resource declarations', () => {
  it.each(RESOURCE_NAMES)('%s: a valid bulk query, whole and with an updated_at window', (name) => {
    const source = resourceSpec(name).graphql;
    const full = bulkQuery(source, null);
    const windowed = bulkQuery(source, '2026-11-01T10:00:00.000Z');
    expect(() => prepareBulkQuery(adminSchema(), full)).not.toThrow();
    expect(() => prepareBulkQuery(adminSchema(), windowed)).not.toThrow();
    expect(full).not.toMatch(/first:|pageInfo|after/);
    expect(windowed).toContain(`${source.connection}(query: "updated_at:>='2026-11-01T10:00:00Z'")`);
  });

  it('a narrower window after a TIMEOUT: at or after its start and before its end, as Shopify search terms', () => {
    const source = resourceSpec('orders').graphql;
    const both = bulkQuery(source, '2026-01-01T00:00:00.000Z', '2026-06-01T12:30:00.000Z');
    expect(() => prepareBulkQuery(adminSchema(), both)).not.toThrow();
    expect(both).toContain(
      `orders(query: "updated_at:>='2026-01-01T00:00:00Z' AND updated_at:<'2026-06-01T12:30:00Z'")`,
    );
    expect(bulkQuery(source, null, '2026-06-01T12:30:00.000Z')).toContain(
      `orders(query: "updated_at:<'2026-06-01T12:30:00Z'")`,
    );
  });

  describe('against the emulator', () => {
    let store: ShopifyStore;
    let url: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-query-'));
    beforeAll(async () => {
      store = createShopifyStore({
        seed: 11,
        rateLimit: false,
        products: 6,
        customers: 8,
        orders: 12,
        large: { productVariants: [130], orderLineItems: [300] },
      });
      url = await store.listen(0);
    });
    afterAll(async () => {
      await store?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(RESOURCE_NAMES)('%s: the bulk result, joined, equals the paged records', async (name) => {
      const spec = resourceSpec(name);
      const started = await startBulk(url, bulkQuery(spec.graphql, null));
      expect(started.userErrors).toEqual([]);
      const done = await waitForBulk(url, started.bulkOperation.id);
      expect(done.status).toBe('COMPLETED');

      const db = openDatabase(path.join(dir, name));
      const fromBulk: BulkRecord[] = [];
      try {
        await ingestBulkResult(db, {
          operationId: done.id,
          url: done.url,
          childFields: bulkChildFields(spec.graphql),
          store: (records) => fromBulk.push(...records.map((r) => asPagedRecord(spec.graphql, r))),
        });
      } finally {
        db.close();
      }
      const source = graphqlSourceFor(url);
      const paged: BulkRecord[] = [];
      for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
        const page = await source.page(spec, cursor, null);
        paged.push(...page.records);
        cursor = page.nextCursor;
      }
      const byId = (records: BulkRecord[]) =>
        Object.fromEntries(records.map((r) => [String(r.id), r])) as Record<string, BulkRecord>;
      expect(fromBulk).toHaveLength(paged.length);
      expect(byId(fromBulk)).toEqual(byId(paged));
      if (name !== 'customers') {
        const field = name === 'products' ? 'variants' : 'lineItems';
        const largest = Math.max(...fromBulk.map((r) => (r[field] as { nodes: unknown[] }).nodes.length));
        expect(largest).toBe(name === 'products' ? 130 : 300);
      }
    });

    it.each(RESOURCE_NAMES)(
      '%s: rows prepared on the assembler thread equal the rows upsertRecords writes from the paged records',
      async (name) => {
        const spec = resourceSpec(name, 'America/New_York');
        const started = await startBulk(url, bulkQuery(spec.graphql, null));
        const done = await waitForBulk(url, started.bulkOperation.id);
        expect(done.status).toBe('COMPLETED');

        const viaThread = openDatabase(path.join(dir, `${name}-thread`));
        const viaPages = openDatabase(path.join(dir, `${name}-pages`));
        try {
          let batches = 0;
          await ingestBulkResult(viaThread, {
            operationId: done.id,
            url: done.url,
            childFields: bulkChildFields(spec.graphql),
            batchRecords: 5,
            prepare: { resource: name, timeZone: 'America/New_York' },
            store: ({ pages }: PreparedBatch) => {
              batches += 1;
              for (const page of pages) writePage(viaThread, spec, page);
            },
          });
          const source = graphqlSourceFor(url);
          for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
            const page = await source.page(spec, cursor, null);
            upsertRecords(viaPages, spec, page.records);
            cursor = page.nextCursor;
          }
          expect(batches).toBeGreaterThan(1);
          for (const table of [spec.table, ...spec.children]) {
            const rows = (db: Db) =>
              db.prepare(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`).all();
            expect(rows(viaPages).length).toBeGreaterThan(0);
            expect({ table: table.name, rows: rows(viaThread) }).toEqual({ table: table.name, rows: rows(viaPages) });
          }
        } finally {
          viaThread.close();
          viaPages.close();
        }
      },
    );
  });
});
