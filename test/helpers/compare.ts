import type Database from 'better-sqlite3';
import { RESOURCE_NAMES, ResourceName } from '../../common/contract';
import { sumMoney } from '../../activities/store/resources';
import type { ShopifyStore } from '../../emulators/shopify';

type Rec = Record<string, unknown>;
const CHILD_ARRAYS: Record<ResourceName, Array<{ table: string; key: string }>> = {
  products: [{ table: 'product_variants', key: 'variants' }],
  customers: [],
  orders: [
    { table: 'line_items', key: 'line_items' },
    { table: 'fulfillments', key: 'fulfillments' },
    { table: 'refunds', key: 'refunds' },
  ],
};

export interface Comparison {
  rowsCompared: number;
  missing: number;
  unexpected: number;
  different: number;
  duplicates: number;
}

/**
 * Compares the database with the store, independently of the project's own flattening: every record's raw JSON,
 * the ids of every child row, and the money totals. Returns the differences (all zero when equal).
 */
export function compareWithStore(db: Database.Database, store: ShopifyStore): Comparison {
  const result: Comparison = { rowsCompared: 0, missing: 0, unexpected: 0, different: 0, duplicates: 0 };
  for (const name of RESOURCE_NAMES) {
    const expected = new Map<number, Rec>();
    for (const record of store.records(name)) expected.set(record.id as number, record);
    const rows = db.prepare(`SELECT id, raw_json FROM ${name} ORDER BY id`).all() as { id: number; raw_json: string }[];
    const seen = new Set<number>();
    for (const row of rows) {
      if (seen.has(row.id)) result.duplicates += 1;
      seen.add(row.id);
      const record = expected.get(row.id);
      if (!record) result.unexpected += 1;
      else if (row.raw_json !== JSON.stringify(record)) result.different += 1;
      result.rowsCompared += 1;
    }
    for (const id of expected.keys()) if (!seen.has(id)) result.missing += 1;

    for (const child of CHILD_ARRAYS[name]) {
      const parentKey = name === 'products' ? 'product_id' : 'order_id';
      const want = new Map<number, number>();
      for (const record of expected.values()) {
        for (const item of (record[child.key] as Rec[] | undefined) ?? [])
          want.set(item.id as number, record.id as number);
      }
      const got = db.prepare(`SELECT id, ${parentKey} AS parent FROM ${child.table}`).all() as {
        id: number;
        parent: number;
      }[];
      const gotIds = new Set<number>();
      for (const row of got) {
        if (gotIds.has(row.id)) result.duplicates += 1;
        gotIds.add(row.id);
        if (!want.has(row.id)) result.unexpected += 1;
        else if (want.get(row.id) !== row.parent) result.different += 1;
        result.rowsCompared += 1;
      }
      for (const id of want.keys()) if (!gotIds.has(id)) result.missing += 1;
    }
  }
  // Money: the store's exact decimal strings summed independently against the stored column.
  const storeTotal = sumMoney([...store.records('orders')].map((o) => o.total_price)) ?? '0.00';
  const dbTotal =
    sumMoney(
      (db.prepare('SELECT total_price FROM orders').all() as { total_price: string }[]).map((r) => r.total_price),
    ) ?? '0.00';
  if (storeTotal !== dbTotal) result.different += 1;
  return result;
}

export const EQUAL = { missing: 0, unexpected: 0, different: 0, duplicates: 0 };
