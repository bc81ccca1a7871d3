/**
 * Removes records Shopify deleted, with their child rows, and records each removal in the `deletions` table.
 *
 * Design: what a deletion takes with it is read from the resource declarations (resources.ts), never listed here.
 * Deleting a resource (`orders`) removes its main row and every child table's rows keyed by `parentKey` (line
 * items, fulfillments, refunds, discount codes); deleting a child table by name (`product_variants`) removes those
 * rows alone. Rows of other resources that point at a deleted record are left as they are: a line item whose
 * product was deleted is a sale that happened, and keeps its `product_id`.
 *
 * The rows, the children and the `deletions` rows go in one transaction, so a crash leaves either all or none.
 * A record is recorded only if something of it was here: deleting an absent id records nothing and fails nothing,
 * so a retried activity or an event seen twice (lookback) is harmless. Ids travel as one JSON array per batch.
 */
import type Database from 'better-sqlite3';
import { RESOURCES, type ChildTableSpec, type TableSpec } from './resources';

type Db = Database.Database;

export type FoundBy = 'event' | 'reconciliation' | 'variant-missing';

export interface Deletion {
  id: number;
  /** When Shopify deleted it (the destroy event's time), or null when not known (reconciliation). */
  deletedAt?: string | null;
}

export interface DeletionResult {
  /** Records removed (rows written to `deletions`). */
  removed: number;
  /** Rows removed per table, children included; tables with none are left out. */
  rows: Record<string, number>;
}

/** What deleting one name removes: the table keyed by id, and the child tables keyed by their parent's id. */
export interface DeletionTarget {
  name: string;
  table: TableSpec;
  children: ChildTableSpec[];
}

/** Child tables whose rows vanishing from a re-fetched parent are recorded as deletions, and how they are named. */
const TRACKED_WHEN_MISSING: Record<string, FoundBy> = { product_variants: 'variant-missing' };

const BATCH = 1000;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A resource name (`orders`: the record and its children) or a child table name (`product_variants`: alone). */
export function deletionTarget(name: string): DeletionTarget {
  const resource = RESOURCES.find((r) => r.name === name);
  const target = resource
    ? { name, table: resource.table, children: resource.children }
    : RESOURCES.flatMap((r) => r.children)
        .filter((c) => c.name === name)
        .map((table) => ({ name, table, children: [] }))[0];
  if (!target) {
    throw new Error(
      `Cannot delete "${name}": it is neither a resource (${RESOURCES.map((r) => r.name).join(', ')}) nor a child table.`,
    );
  }
  if (target.table.primaryKey.length !== 1) {
    throw new Error(`Cannot delete "${name}" by id: its table's key is (${target.table.primaryKey.join(', ')}).`);
  }
  return target;
}

/** Removes the records and their child rows, and writes a `deletions` row for each record that was here. */
export function deleteRecords(
  db: Db,
  name: string,
  deletions: Iterable<Deletion>,
  foundBy: FoundBy,
  now = new Date(),
): DeletionResult {
  const target = deletionTarget(name);
  const key = quote(target.table.primaryKey[0]);
  const tables = [
    { name: target.table.name, column: key },
    ...target.children.map((c) => ({ name: c.name, column: quote(c.parentKey) })),
  ];
  // Ids and times as [[id, deletedAt], ...]; one statement per batch and table whatever the batch's size.
  const ids = `(SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS deleted_at FROM json_each(?))`;
  const present = tables.map((t) => `EXISTS (SELECT 1 FROM ${quote(t.name)} WHERE ${t.column} = j.id)`).join(' OR ');
  const record = db.prepare(
    `INSERT INTO deletions (resource, id, deleted_at, removed_at, found_by) ` +
      `SELECT ?, j.id, j.deleted_at, ?, ? FROM ${ids} AS j WHERE ${present}`,
  );
  const removes = tables.map((t) => ({
    table: t.name,
    statement: db.prepare(`DELETE FROM ${quote(t.name)} WHERE ${t.column} IN (SELECT id FROM ${ids})`),
  }));

  const unique = new Map<number, string | null>();
  for (const d of deletions) {
    if (!Number.isSafeInteger(d.id)) throw new Error(`Cannot delete ${name} ${JSON.stringify(d.id)}: not an id.`);
    if (!unique.has(d.id) || unique.get(d.id) === null) unique.set(d.id, d.deletedAt ?? null);
  }
  const pairs = [...unique];
  const result: DeletionResult = { removed: 0, rows: {} };
  db.transaction(() => {
    for (let start = 0; start < pairs.length; start += BATCH) {
      const batch = JSON.stringify(pairs.slice(start, start + BATCH));
      result.removed += record.run(name, now.toISOString(), foundBy, batch).changes;
      for (const { table, statement } of removes) {
        const changes = statement.run(batch).changes;
        if (changes > 0) result.rows[table] = (result.rows[table] ?? 0) + changes;
      }
    }
  })();
  return result;
}

/** Whether missingChildRecorder records this child table's vanished rows (it needs their keys). */
export function isTrackedWhenMissing(child: ChildTableSpec): boolean {
  return TRACKED_WHEN_MISSING[child.name] !== undefined && child.primaryKey.length === 1;
}

const recorderCache = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * For upsert.ts, before it replaces a page's child rows: records the rows of a tracked child table (variants)
 * that the re-fetched parents no longer have, in the caller's transaction. Undefined for untracked tables, whose
 * rows are simply replaced (a line item removed by an order edit is not a deletion in Shopify's sense).
 */
export function missingChildRecorder(
  db: Db,
  child: ChildTableSpec,
): ((parentIdsJson: string, keptIdsJson: string, now?: Date) => void) | undefined {
  const foundBy = TRACKED_WHEN_MISSING[child.name];
  if (!foundBy || !isTrackedWhenMissing(child)) return undefined;
  let perDb = recorderCache.get(db);
  if (!perDb) recorderCache.set(db, (perDb = new Map()));
  let statement = perDb.get(child.name);
  if (!statement) {
    const key = quote(child.primaryKey[0]);
    statement = db.prepare(
      `INSERT INTO deletions (resource, id, deleted_at, removed_at, found_by) ` +
        `SELECT ?, ${key}, NULL, ?, ? FROM ${quote(child.name)} ` +
        `WHERE ${quote(child.parentKey)} IN (SELECT value FROM json_each(?)) ` +
        `AND ${key} NOT IN (SELECT value FROM json_each(?))`,
    );
    perDb.set(child.name, statement);
  }
  const prepared = statement;
  return (parentIdsJson, keptIdsJson, now = new Date()) => {
    prepared.run(child.name, now.toISOString(), foundBy, parentIdsJson, keptIdsJson);
  };
}
