import type Database from 'better-sqlite3';
import { RESOURCE_NAMES, type ResourceName } from '../../common/contract';
import { sumMoney } from '../../activities/store/resources';
import type { ShopifyStore } from '../../emulators/shopify';
import type { Customer } from '../../emulators/shopify/customers';
import type { Order } from '../../emulators/shopify/orders';
import type { Product } from '../../emulators/shopify/products';
import { customerNode, orderNode, productNode, type Lookup } from '../../emulators/shopify/graphql/shapes';

type Rec = Record<string, unknown>;

/** Child tables and the store's (REST-shaped, complete) list each parent holds them in. */
const CHILDREN: Record<ResourceName, Array<{ table: string; key: string; parentKey: string }>> = {
  products: [{ table: 'product_variants', key: 'variants', parentKey: 'product_id' }],
  customers: [],
  orders: [
    { table: 'line_items', key: 'line_items', parentKey: 'order_id' },
    { table: 'fulfillments', key: 'fulfillments', parentKey: 'order_id' },
    { table: 'refunds', key: 'refunds', parentKey: 'order_id' },
  ],
};

export interface Comparison {
  rowsCompared: number;
  missing: number;
  unexpected: number;
  different: number;
  duplicates: number;
  /** The first few differences, as `resource/id.path: stored …, the store has …`. */
  firstDifferences: string[];
}

/**
 * Compares the database with the store, independently of the project's own flattening: every record present once,
 * its raw_json equal to the emulator's own GraphQL shape of the record (shapes.ts) in every field the sync selected,
 * nested connections complete (`{ nodes }` as long as the store's list), every child row present under its parent,
 * and the orders' money total equal to the store's. Returns the differences (all zero when equal).
 */
export function compareWithStore(db: Database.Database, store: ShopifyStore): Comparison {
  const result: Comparison = {
    rowsCompared: 0,
    missing: 0,
    unexpected: 0,
    different: 0,
    duplicates: 0,
    firstDifferences: [],
  };
  const noteDifference = (what: string) => {
    if (result.firstDifferences.length < 5) result.firstDifferences.push(what);
  };
  const shape = graphqlShapes(store);

  for (const name of RESOURCE_NAMES) {
    const expected = new Map<number, Rec>();
    for (const record of store.records(name)) expected.set(record.id as number, record);
    const rows = db.prepare(`SELECT id, raw_json FROM ${name}`).all() as { id: number; raw_json: string }[];
    const seen = new Set<number>();
    for (const row of rows) {
      if (seen.has(row.id)) result.duplicates += 1;
      seen.add(row.id);
      result.rowsCompared += 1;
      const record = expected.get(row.id);
      if (!record) {
        result.unexpected += 1;
        noteDifference(`${name}/${row.id}: stored, not in the store`);
        continue;
      }
      const differences: string[] = [];
      matches(JSON.parse(row.raw_json), shape(name, record), `${name}/${row.id}`, differences);
      if (differences.length > 0) {
        result.different += 1;
        differences.slice(0, 2).forEach(noteDifference);
      }
    }
    for (const id of expected.keys()) {
      if (seen.has(id)) continue;
      result.missing += 1;
      noteDifference(`${name}/${id}: in the store, not stored`);
    }

    for (const child of CHILDREN[name]) {
      const want = new Map<number, number>();
      for (const record of expected.values()) {
        for (const item of (record[child.key] as Rec[] | undefined) ?? [])
          want.set(item.id as number, record.id as number);
      }
      const got = db.prepare(`SELECT id, ${child.parentKey} AS parent FROM ${child.table}`).all() as Rec[];
      const gotIds = new Set<number>();
      for (const row of got) {
        const id = row.id as number;
        if (gotIds.has(id)) result.duplicates += 1;
        gotIds.add(id);
        result.rowsCompared += 1;
        if (!want.has(id)) result.unexpected += 1;
        else if (want.get(id) !== row.parent) result.different += 1;
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
  if (storeTotal !== dbTotal) {
    result.different += 1;
    noteDifference(`orders' total_price sums to ${dbTotal} stored, ${storeTotal} in the store`);
  }
  return result;
}

export const EQUAL = { missing: 0, unexpected: 0, different: 0, duplicates: 0 };

/** The emulator's GraphQL node for a store record, with the links (an order's customer…) it resolves. */
function graphqlShapes(store: ShopifyStore): (name: ResourceName, record: Rec) => Rec {
  const products = new Map<number, Rec>();
  for (const p of store.records('products')) products.set(p.id as number, p);
  const customers = new Map<number, Rec>();
  for (const c of store.records('customers')) customers.set(c.id as number, c);
  const lookup: Lookup = {
    product: (id) => (products.has(id) ? productNode(products.get(id) as unknown as Product, lookup) : null),
    customer: (id) => (customers.has(id) ? customerNode(customers.get(id) as unknown as Customer) : null),
    shopCurrency: 'USD',
  };
  return (name, record) =>
    name === 'products'
      ? productNode(record as unknown as Product, lookup)
      : name === 'customers'
        ? customerNode(record as unknown as Customer)
        : orderNode(record as unknown as Order, lookup);
}

/** Whether every field of `stored` equals the emulator's shape; lazy links are followed, connections are lists. */
function matches(stored: unknown, expected: unknown, path: string, out: string[]): void {
  if (typeof expected === 'function') expected = (expected as () => unknown)();
  if (stored !== null && typeof stored === 'object' && !Array.isArray(stored) && Array.isArray(expected)) {
    const keys = Object.keys(stored);
    if (keys.length !== 1 || keys[0] !== 'nodes') out.push(`${path}: a connection stored as ${keys.join(',')}`);
    stored = (stored as Rec).nodes;
  }
  if (Array.isArray(stored)) {
    if (!Array.isArray(expected) || expected.length !== stored.length) {
      out.push(`${path}: ${stored.length} items, the store has ${Array.isArray(expected) ? expected.length : 'none'}`);
      return;
    }
    stored.forEach((item, i) => matches(item, expected[i], `${path}[${i}]`, out));
    return;
  }
  if (stored !== null && typeof stored === 'object') {
    if (expected === null || typeof expected !== 'object') {
      out.push(`${path}: stored an object, the store has ${JSON.stringify(expected)}`);
      return;
    }
    for (const [key, value] of Object.entries(stored)) matches(value, (expected as Rec)[key], `${path}.${key}`, out);
    return;
  }
  if (stored !== (expected ?? null))
    out.push(`${path}: stored ${JSON.stringify(stored)}, the store has ${JSON.stringify(expected)}`);
}
