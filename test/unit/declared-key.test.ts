/**
 * A resource whose key is not `id`: the upsert and the schema back-fill follow the declared key, a text column
 * (`handle`) or several columns, with test-only declarations.
 */
import Database from 'better-sqlite3';
import type { ResourceName } from '../../common/contract';
import type { ApiRecord, Column, ResourceSpec } from '../../activities/store/resources';
import { ensureSchema } from '../../activities/store/schema';
import { InvalidRecordError, upsertRecords } from '../../activities/store/upsert';

const text = (name: string, from = (r: ApiRecord) => r[name]): Column => ({ name, type: 'TEXT', from: (r) => from(r) });
const int = (name: string): Column => ({ name, type: 'INTEGER', from: (r) => r[name] });
const rawJson: Column = { name: 'raw_json', type: 'TEXT', from: (r) => JSON.stringify(r) };
const graphql = (connection: string, single: string) => ({
  connection,
  count: `${connection}Count`,
  single,
  select: ['id', 'updatedAt'],
  incremental: { field: 'updatedAt', search: 'updated_at', sortKey: 'UPDATED_AT' },
});

/** Collections keyed by handle; their rules keyed by (collection_handle, position) and replaced with their parent. */
function collections(extraColumns: Column[] = []): ResourceSpec {
  return {
    name: 'collections' as ResourceName,
    timeZone: null,
    graphql: graphql('collections', 'collection'),
    table: {
      name: 'collections',
      primaryKey: ['handle'],
      columns: [text('handle'), text('title'), ...extraColumns, rawJson],
    },
    children: [
      {
        name: 'collection_rules',
        parentKey: 'collection_handle',
        primaryKey: ['collection_handle', 'position'],
        rows: (c) => ((c.rules as ApiRecord[]) ?? []).map((rule, i) => ({ ...rule, position: i + 1 })),
        columns: [
          { name: 'collection_handle', type: 'TEXT', from: (_r, parent) => parent.handle },
          int('position'),
          text('condition'),
        ],
      },
    ],
  };
}

/** Inventory levels keyed by (inventory_item_id, location_id), no child tables. */
function inventoryLevels(extraColumns: Column[] = []): ResourceSpec {
  return {
    name: 'inventory_levels' as ResourceName,
    timeZone: null,
    graphql: graphql('inventoryLevels', 'inventoryLevel'),
    table: {
      name: 'inventory_levels',
      primaryKey: ['inventory_item_id', 'location_id'],
      columns: [int('inventory_item_id'), int('location_id'), int('available'), ...extraColumns, rawJson],
    },
    children: [],
  };
}

const collection = (handle: string, title: string, rules: string[], extra: ApiRecord = {}): ApiRecord => ({
  id: `gid://shopify/Collection/${handle.length}`,
  handle,
  title,
  rules: rules.map((condition) => ({ condition })),
  ...extra,
});
const level = (item: number, location: number, available: number, extra: ApiRecord = {}): ApiRecord => ({
  id: `gid://shopify/InventoryLevel/${item}?inventory_item_id=${item}&location_id=${location}`,
  inventory_item_id: item,
  location_id: location,
  available,
  ...extra,
});

const rows = (db: Database.Database, sql: string) => db.prepare(sql).raw(true).all();

describe('a declared key other than id', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    ensureSchema(db, [collections(), inventoryLevels()]);
  });
  afterEach(() => db.close());

  it('upserts by a text key: a re-fetched record updates its row and replaces its children', () => {
    upsertRecords(db, collections(), [
      collection('summer', 'Summer', ['tag:sun', 'tag:sea']),
      collection('winter', 'Winter', []),
    ]);
    upsertRecords(db, collections(), [collection('summer', 'Summer sale', ['tag:sale'])]);
    expect(rows(db, 'SELECT handle, title FROM collections ORDER BY handle')).toEqual([
      ['summer', 'Summer sale'],
      ['winter', 'Winter'],
    ]);
    expect(rows(db, 'SELECT collection_handle, position, condition FROM collection_rules')).toEqual([
      ['summer', 1, 'tag:sale'],
    ]);
  });

  it('keeps the last of two records with the same key in one page', () => {
    upsertRecords(db, collections(), [collection('summer', 'Old', ['a']), collection('summer', 'New', ['b', 'c'])]);
    expect(rows(db, 'SELECT handle, title FROM collections')).toEqual([['summer', 'New']]);
    expect(rows(db, 'SELECT condition FROM collection_rules ORDER BY position')).toEqual([['b'], ['c']]);
  });

  it('upserts by a composite key: the same pair updates, another pair adds a row', () => {
    upsertRecords(db, inventoryLevels(), [level(1, 10, 5), level(1, 20, 7)]);
    upsertRecords(db, inventoryLevels(), [level(1, 10, 4)]);
    expect(rows(db, 'SELECT inventory_item_id, location_id, available FROM inventory_levels ORDER BY 1, 2')).toEqual([
      [1, 10, 4],
      [1, 20, 7],
    ]);
  });

  it('refuses a page with a record whose key is missing, naming the key column, and stores none of it', () => {
    const page = [collection('summer', 'Summer', []), collection('', 'No handle', [])];
    expect(() => upsertRecords(db, collections(), page)).toThrow(InvalidRecordError);
    expect(() => upsertRecords(db, collections(), page)).toThrow(
      /collections record whose handle is not a non-empty string/,
    );
    expect(() => upsertRecords(db, inventoryLevels(), [level(1, Number.NaN, 1)])).toThrow(
      /location_id is not a whole number/,
    );
    expect(rows(db, 'SELECT COUNT(*) FROM collections')).toEqual([[0]]);
  });

  it('refuses a resource with child tables and a composite key: its children could not point at it', () => {
    const spec = collections();
    spec.table.primaryKey = ['handle', 'title'];
    expect(() => upsertRecords(db, spec, [collection('summer', 'Summer', [])])).toThrow(/key must be one column/);
  });

  it('back-fills a column added to the declaration from raw_json, every row, past one batch of 1,000', () => {
    const levels = Array.from({ length: 1005 }, (_, i) => level(i + 1, 10 + (i % 3), i, { sku: `SKU-${i + 1}` }));
    upsertRecords(db, inventoryLevels(), levels);
    upsertRecords(db, collections(), [collection('summer', 'Summer', ['x'], { sortOrder: 'MANUAL' })]);

    ensureSchema(db, [collections([text('sort_order', (r) => r.sortOrder)]), inventoryLevels([text('sku')])]);
    expect(rows(db, 'SELECT COUNT(*), COUNT(sku) FROM inventory_levels')).toEqual([[1005, 1005]]);
    expect(rows(db, 'SELECT sku FROM inventory_levels WHERE inventory_item_id = 1005')).toEqual([['SKU-1005']]);
    expect(rows(db, 'SELECT handle, sort_order FROM collections')).toEqual([['summer', 'MANUAL']]);
    expect(rows(db, 'SELECT collection_handle, condition FROM collection_rules')).toEqual([['summer', 'x']]);
  });
});
