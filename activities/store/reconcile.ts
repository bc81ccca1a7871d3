/**
 * Reconciliation: given Shopify's complete list of ids for a resource, removes what this database holds that the
 * list does not (Shopify's advice: events are a hint, a periodic full comparison is the source of truth).
 *
 * Design: the listing is streamed (an iterable of ids, as an ids-only bulk operation gives, possibly millions) into
 * a temporary table keyed by id, then anti-joined with the resource's table in SQL. Memory is a batch of ids plus
 * SQLite's page cache: better-sqlite3 builds with TEMP_STORE=1, so temp tables live in a temp file unless a
 * connection sets `temp_store = MEMORY` (none here does). Deleting goes through deletions.ts (children and a
 * `deletions` row per record, found_by 'reconciliation'), all in one transaction.
 *
 * Guards, because a wrong listing would silently delete real data:
 * - only a listing marked complete may delete (a bulk operation that failed or was read halfway is not);
 * - only records created before the listing was taken are judged (a newer one cannot be in it);
 * - orders without `read_all_orders`: Shopify lists only the last 60 days, so only orders created inside that
 *   window (less a day's margin) are judged; older ones are kept unchecked;
 * - more than `maxShare` of the table (default 5%) missing at once is refused unless `force`: it looks more like a
 *   cut-short listing than like deletions. The result's `message` says why in plain words;
 * - a child table (variants) is judged only under the parents the listing shows: each listed child names its parent,
 *   and a variant of a product absent from the listing is left to that product's own reconciliation.
 */
import type Database from 'better-sqlite3';
import type { ReconcileTableReport } from '../../common/contract';
import { deleteRecords, deletionTarget } from './deletions';
import type { ChildTableSpec } from './resources';
import { quoteIdentifier } from './sql';

type Db = Database.Database;

/** An id, or for a child table (variants) the child's id with its parent's (the product's). */
export type ListedId = number | { id: number; parent: number };

export interface IdListing {
  /** Every id Shopify has for the resource; duplicates are harmless. Read once, only if the listing is complete. */
  ids: Iterable<ListedId> | AsyncIterable<ListedId>;
  /** True only when the listing is known to hold every id (a COMPLETED bulk operation read to its end). */
  complete: boolean;
  /**
   * Asked once the ids were read: false when the read fell short of what Shopify reported (fewer lines than the
   * operation's objectCount), which makes the listing incomplete after all.
   */
  readInFull?: () => boolean;
  /** When Shopify produced the listing: records created after it cannot be in it and are not judged. */
  listedAt: Date;
}

export interface ReconcileOptions {
  /** Whether the app has `read_all_orders`; without it only orders from the last 60 days are judged. */
  readAllOrders: boolean;
  /** The largest share of the table deleted without `force` (default 0.05). */
  maxShare?: number;
  force?: boolean;
  now?: Date;
  /**
   * Runs inside the transaction that removes the missing records (also when none are missing), never when the
   * reconciliation is refused: e.g. to record when the resource was last reconciled, atomically with its removals.
   */
  inTransaction?: () => void;
}

export type RefusedBecause = NonNullable<ReconcileResult['refused']>;

/** One table's reconciliation, as the run's result reports it (common/contract.ts documents the fields). */
export type ReconcileResult = ReconcileTableReport;

/** A listing this code cannot read (not an id, a child without its parent): it reads the same on every attempt. */
export class UnreadableListingError extends Error {
  override name = 'UnreadableListingError';
}

export const DEFAULT_MAX_SHARE = 0.05;
/** Shopify shows apps without `read_all_orders` the orders of the last 60 days. */
export const ORDER_WINDOW_DAYS = 60;
/** Orders this close to the window's edge are left alone: they may have dropped out while the listing ran. */
const WINDOW_MARGIN_DAYS = 1;
const DAY_MS = 86_400_000;
const INSERT_BATCH = 5000;
const DELETE_BATCH = 1000;
/** Each run its own temp table: two reconciliations awaiting their listings on one connection do not collide. */
let runs = 0;

function heldRecords(db: Db, resource: string): number {
  const table = quoteIdentifier(deletionTarget(resource).table.name);
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Nothing removed because Shopify's list of ids was not complete; `why` says how it fell short. */
export function incompleteListing(
  db: Db,
  resource: string,
  why: string,
  held = heldRecords(db, resource),
): ReconcileResult {
  return {
    resource,
    listed: 0,
    held,
    judged: 0,
    missing: 0,
    deleted: 0,
    refused: 'incomplete-listing',
    message:
      `Reconciliation of ${resource} deleted nothing: Shopify's list of ${resource} ids was not complete (${why}), ` +
      `and a record missing from an incomplete list may still exist in Shopify. The next reconciliation tries again.`,
  };
}

export async function reconcile(
  db: Db,
  resource: string,
  listing: IdListing,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const target = deletionTarget(resource);
  const table = quoteIdentifier(target.table.name);
  const key = quoteIdentifier(target.table.primaryKey[0]);
  const held = heldRecords(db, resource);
  const base = { resource, listed: 0, held, judged: 0, missing: 0, deleted: 0 };

  const incomplete = (listed: number) => ({
    ...incompleteListing(db, resource, 'the listing stopped or failed before its end', held),
    listed,
  });
  if (!listing.complete) return incomplete(0);

  const windowed = resource === 'orders' && !options.readAllOrders;
  if (!target.table.columns.some((c) => c.name === 'created_at')) {
    throw new Error(
      `Cannot reconcile ${resource}: its table has no created_at column, so records created after Shopify's listing ` +
        `could not be told from deleted ones.`,
    );
  }
  const judged = judgedCondition(listing.listedAt, windowed);
  const params = judged.params;
  const listingTable = `temp.reconcile_listing_${++runs}`;
  const parentKey = 'parentKey' in target.table ? quoteIdentifier((target.table as ChildTableSpec).parentKey) : null;
  // Under a listed parent only: a child whose parent the listing lacks is not judged here.
  const judgedSql =
    parentKey === null
      ? judged.sql
      : `${judged.sql} AND EXISTS (SELECT 1 FROM ${listingTable} p WHERE p.parent = ${table}.${parentKey})`;

  db.exec(
    `DROP TABLE IF EXISTS ${listingTable}; CREATE TABLE ${listingTable} (id INTEGER PRIMARY KEY, parent INTEGER); ` +
      `CREATE INDEX ${listingTable}_parent ON ${listingTable.slice('temp.'.length)} (parent)`,
  );
  try {
    const listed = await loadListing(db, listingTable, resource, listing.ids, parentKey !== null);
    if (listing.readInFull && !listing.readInFull()) return incomplete(listed);
    const judgedCount = (
      db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${judgedSql}`).get(...params) as { n: number }
    ).n;
    const missingSql =
      `FROM ${table} WHERE ${judgedSql} ` +
      `AND NOT EXISTS (SELECT 1 FROM ${listingTable} l WHERE l.id = ${table}.${key})`;
    const missing = (db.prepare(`SELECT COUNT(*) AS n ${missingSql}`).get(...params) as { n: number }).n;
    const counted = { ...base, listed, judged: judgedCount, missing };
    const unchecked = judged.windowStart ? uncheckedOrders(countOlderThan(db, table, judged.windowStart)) : '';

    const maxShare = options.maxShare ?? DEFAULT_MAX_SHARE;
    if (missing > held * maxShare && !options.force) {
      return {
        ...counted,
        refused: 'too-many-missing',
        message:
          `Reconciliation of ${resource} deleted nothing: ${missing} of the ${held} ${resource} stored here ` +
          `(${percent(missing / held)}) are not in Shopify's list, more than the ${percent(maxShare)} removed at ` +
          `once without confirmation (RECONCILE_MAX_DELETE_PERCENT). If they really were deleted in Shopify, run ` +
          `the reconciliation again with --force to remove them; if they were not, Shopify's list was cut short and ` +
          `nothing should be removed.` +
          unchecked,
      };
    }

    const select = db.prepare(`SELECT ${key} AS id ${missingSql} ORDER BY ${key} LIMIT ${DELETE_BATCH}`);
    let deleted = 0;
    const now = options.now ?? new Date();
    db.transaction(() => {
      options.inTransaction?.();
      for (;;) {
        const batch = select.all(...params) as { id: number }[];
        if (batch.length === 0) return;
        deleted += deleteRecords(db, resource, batch, 'reconciliation', now).removed;
      }
    })();
    return {
      ...counted,
      deleted,
      refused: null,
      message:
        (deleted === 0
          ? `Reconciliation of ${resource}: all ${judgedCount} checked are still in Shopify; nothing removed.`
          : `Reconciliation of ${resource}: ${deleted} deleted in Shopify and removed here (of ${held} stored, ` +
            `${listed} listed by Shopify).`) + unchecked,
    };
  } finally {
    db.exec(`DROP TABLE IF EXISTS ${listingTable}`);
  }
}

/**
 * Which rows may be judged. `julianday` reads Shopify's offsets (`-04:00`, `Z`) as the instants they are; a row
 * whose creation time is missing or unreadable is never judged.
 */
function judgedCondition(listedAt: Date, windowed: boolean): { sql: string; params: string[]; windowStart?: string } {
  const beforeListing = 'julianday(created_at) < julianday(?)';
  if (!windowed) return { sql: beforeListing, params: [listedAt.toISOString()] };
  const windowStart = new Date(listedAt.getTime() - (ORDER_WINDOW_DAYS - WINDOW_MARGIN_DAYS) * DAY_MS).toISOString();
  return {
    sql: `${beforeListing} AND julianday(created_at) >= julianday(?)`,
    params: [listedAt.toISOString(), windowStart],
    windowStart,
  };
}

/** Rows Shopify's windowed listing cannot show: created before the window, or at an unknown time. */
function countOlderThan(db: Db, table: string, windowStart: string): number {
  const sql = `SELECT COUNT(*) AS n FROM ${table} WHERE julianday(created_at) IS NULL OR julianday(created_at) < julianday(?)`;
  return (db.prepare(sql).get(windowStart) as { n: number }).n;
}

async function loadListing(
  db: Db,
  listingTable: string,
  resource: string,
  ids: Iterable<ListedId> | AsyncIterable<ListedId>,
  withParents: boolean,
): Promise<number> {
  const insert = db.prepare(`INSERT OR IGNORE INTO ${listingTable} (id, parent) VALUES (?, ?)`);
  const flush = db.transaction((batch: [number, number | null][]) => {
    for (const [id, parent] of batch) insert.run(id, parent);
  });
  const notAnId = (value: unknown) =>
    new UnreadableListingError(
      `Shopify's list of ${resource} ids holds ${typeof value === 'number' ? value : JSON.stringify(value)}, which ` +
        `is not an id; nothing was removed. ` +
        `Report this to the project.`,
    );
  const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
  let batch: [number, number | null][] = [];
  for await (const entry of ids) {
    const id = typeof entry === 'object' && entry !== null ? entry.id : entry;
    const parent = typeof entry === 'object' && entry !== null ? entry.parent : null;
    if (!isId(id)) throw notAnId(id);
    if (withParents && !isId(parent)) {
      throw new UnreadableListingError(
        `Shopify's list of ${resource} names no parent for ${id}; nothing was removed. Report this to the project.`,
      );
    }
    batch.push([id, withParents ? parent : null]);
    if (batch.length >= INSERT_BATCH) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${listingTable}`).get() as { n: number }).n;
}

function uncheckedOrders(count: number): string {
  if (count <= 0) return '';
  return (
    ` Without the read_all_orders access scope Shopify lists only the orders of the last ${ORDER_WINDOW_DAYS} ` +
    `days: ${count} older order${count === 1 ? ' was' : 's were'} kept unchecked.`
  );
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
