import { allTables, type TableSpec } from '../../activities/store/resources';
import { Db, openDatabase } from '../../activities/store/database';
import { createShopifyStore, ShopifyStore } from '../../emulators/shopify';
import { syncAll, syncDeps } from '../helpers/graphql-source';
import { tempDir } from '../helpers/tmp';

/**
 * The same emulated store synced once through REST and once through GraphQL (SHOPIFY_API=graphql) must give the
 * same tables: every column but raw_json, value for value, timestamps in the shop's offset included. The only
 * differences allowed are the ones the README lists under "Reading through GraphQL", each checked for its cause.
 */

type Row = Record<string, unknown>;

function rowsByKey(db: Db, table: TableSpec): Map<string, Row> {
  const columns = table.columns.map((c) => c.name).filter((c) => c !== 'raw_json');
  const rows = db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table.name}"`).all() as Row[];
  return new Map(rows.map((r) => [table.primaryKey.map((k) => r[k]).join('/'), r]));
}

interface Difference {
  column: string;
  key: string;
  rest: unknown;
  graphql: unknown;
}

function differences(rest: Db, graphql: Db) {
  const changed: Difference[] = [];
  const onlyRest: string[] = [];
  const onlyGraphql: string[] = [];
  for (const table of allTables()) {
    const a = rowsByKey(rest, table);
    const b = rowsByKey(graphql, table);
    for (const key of b.keys()) if (!a.has(key)) onlyGraphql.push(`${table.name}/${key}`);
    for (const [key, row] of a) {
      const other = b.get(key);
      if (!other) {
        onlyRest.push(`${table.name}/${key}`);
        continue;
      }
      for (const column of Object.keys(row)) {
        if (row[column] !== other[column]) {
          changed.push({ column: `${table.name}.${column}`, key, rest: row[column], graphql: other[column] });
        }
      }
    }
  }
  return { changed, onlyRest, onlyGraphql };
}

describe('SHOPIFY_API=graphql stores what SHOPIFY_API=rest stores', () => {
  let store: ShopifyStore;
  const data = tempDir('gql-equivalence-');
  let rest: Db;
  let graphql: Db;

  beforeAll(async () => {
    store = createShopifyStore({
      seed: 21,
      products: 40,
      customers: 150,
      orders: 400,
      large: { productVariants: [130], orderLineItems: [300] },
      rateLimit: false,
      // A bucket that never makes this test wait: pacing is the e2e test's subject.
      graphql: { costLimit: { maximumAvailable: 20_000, restoreRate: 20_000 } },
    });
    await store.listen(0);
    rest = openDatabase(`${data.dir}/rest`);
    graphql = openDatabase(`${data.dir}/graphql`);
    await syncAll(syncDeps(rest, store.url, 'rest'));
    await syncAll(syncDeps(graphql, store.url, 'graphql'));
  });
  afterAll(async () => {
    rest?.close();
    graphql?.close();
    await store?.close();
    data.cleanup();
  });

  it('gives identical rows in every table and column but raw_json, except the documented differences', () => {
    const { changed, onlyRest, onlyGraphql } = differences(rest, graphql);
    const products = new Set([...store.records('products')].map((p) => p.id));

    // REST lists at most 100 variants per product: GraphQL has the 30 more of the 130-variant product.
    expect(onlyRest).toEqual([]);
    expect(onlyGraphql).toHaveLength(30);
    expect(onlyGraphql.every((key) => key.startsWith('product_variants/'))).toBe(true);

    const byColumn = new Map<string, Difference[]>();
    for (const d of changed) byColumn.set(d.column, [...(byColumn.get(d.column) ?? []), d]);
    expect([...byColumn.keys()].sort()).toEqual(['line_items.product_id', 'line_items.variant_id', 'orders.email']);
    // A guest order without an email: REST says "", GraphQL null.
    expect(byColumn.get('orders.email')!.every((d) => d.rest === '' && d.graphql === null)).toBe(true);
    // A line item whose product was deleted: REST keeps the old ids, GraphQL has `product: null`, `variant: null`.
    for (const column of ['line_items.product_id', 'line_items.variant_id']) {
      expect(byColumn.get(column)!.every((d) => d.graphql === null && d.rest !== null)).toBe(true);
    }
    for (const d of byColumn.get('line_items.product_id')!) expect(products.has(d.rest)).toBe(false);
  });

  it('compares real data: every table filled, shop-offset timestamps, money strings and the large records', () => {
    for (const table of allTables()) {
      const { n } = graphql.prepare(`SELECT COUNT(*) AS n FROM "${table.name}"`).get() as { n: number };
      expect({ table: table.name, filled: n > 0 }).toEqual({ table: table.name, filled: true });
    }
    const order = graphql.prepare('SELECT created_at, total_price, raw_json FROM orders LIMIT 1').get() as Row;
    expect(order.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-04:00$/);
    expect(order.total_price).toMatch(/^\d+\.\d\d$/);
    expect(JSON.parse(order.raw_json as string).id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    const lineCounts = graphql
      .prepare('SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM line_items GROUP BY order_id)')
      .get() as { n: number };
    expect(lineCounts.n).toBe(300);
    const variantCounts = graphql
      .prepare('SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM product_variants GROUP BY product_id)')
      .get() as { n: number };
    expect(variantCounts.n).toBe(130);
  });
});
