import type Database from 'better-sqlite3';
import { RESOURCE_NAMES, type ResourceName } from '../../common/contract';
import type { Comparison } from './compare';

type Rec = Record<string, unknown>;

/** Child rows: the table, and where a served node holds them (a nested connection or a plain list). */
const CHILDREN: Record<ResourceName, Array<{ table: string; parentKey: string; of: (node: Rec) => Rec[] }>> = {
  products: [{ table: 'product_variants', parentKey: 'product_id', of: (n) => connection(n.variants) }],
  customers: [],
  orders: [
    { table: 'line_items', parentKey: 'order_id', of: (n) => connection(n.lineItems) },
    { table: 'fulfillments', parentKey: 'order_id', of: (n) => (n.fulfillments as Rec[] | undefined) ?? [] },
    { table: 'refunds', parentKey: 'order_id', of: (n) => (n.refunds as Rec[] | undefined) ?? [] },
  ],
};

function connection(value: unknown): Rec[] {
  return ((value as { nodes?: Rec[] } | null | undefined)?.nodes ?? []) as Rec[];
}

/** The numeric id of a node, read independently of the project: `legacyResourceId`, else the GID's number. */
function idOf(node: Rec): number {
  const legacy = node.legacyResourceId;
  if (typeof legacy === 'string') return Number(legacy);
  return Number(/\/(\d+)$/.exec(String(node.id))?.[1]);
}

/** What a paged sync stores of a node: the node as served, each nested connection as `{ nodes }` (no pageInfo). */
function storedShape(node: Rec): Rec {
  const out: Rec = {};
  for (const [key, value] of Object.entries(node)) {
    const isConnection = value !== null && typeof value === 'object' && Array.isArray((value as Rec).nodes);
    out[key] = isConnection ? { nodes: (value as Rec).nodes } : value;
  }
  return out;
}

/**
 * Compares the database with the nodes a static shop served (a later version of a node wins): every node stored once,
 * its raw_json byte for byte the node as served, every child row under its parent.
 */
export function compareWithServed(db: Database.Database, served: (resource: ResourceName) => Rec[]): Comparison {
  const result: Comparison = {
    rowsCompared: 0,
    missing: 0,
    unexpected: 0,
    different: 0,
    duplicates: 0,
    firstDifferences: [],
  };
  for (const name of RESOURCE_NAMES) {
    const expected = new Map<number, Rec>();
    for (const node of served(name)) expected.set(idOf(node), node);
    const rows = db.prepare(`SELECT id, raw_json FROM ${name}`).all() as { id: number; raw_json: string }[];
    const seen = new Set<number>();
    for (const row of rows) {
      if (seen.has(row.id)) result.duplicates += 1;
      seen.add(row.id);
      result.rowsCompared += 1;
      const node = expected.get(row.id);
      if (!node) result.unexpected += 1;
      else if (row.raw_json !== JSON.stringify(storedShape(node))) {
        result.different += 1;
        if (result.firstDifferences.length < 5) result.firstDifferences.push(`${name}/${row.id}: raw_json differs`);
      }
    }
    for (const id of expected.keys()) if (!seen.has(id)) result.missing += 1;

    for (const child of CHILDREN[name]) {
      const want = new Map<number, number>();
      for (const [parent, node] of expected) for (const item of child.of(node)) want.set(idOf(item), parent);
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
  return result;
}
