import type Database from 'better-sqlite3';
import { blankPersonalColumns, scrubRecord } from './personal-data';
import { isTrackedWhenMissing, missingChildRecorder } from './deletions';
import {
  type ApiRecord,
  type ChildTableSpec,
  type Column,
  isGraphqlRecord,
  type ResourceSpec,
  type TableSpec,
} from './resources';
import { type Db, quoteIdentifier } from './sql';

type Statements = { upsert: Database.Statement; deleteChildren?: Database.Statement };

// Per table declaration, not per name: a declaration with other columns (another time zone's, a test's) gets its own.
const statementCache = new WeakMap<Db, Map<TableSpec, Statements>>();

function statements(db: Db, table: TableSpec, parentKey?: string): Statements {
  let perDb = statementCache.get(db);
  if (!perDb) statementCache.set(db, (perDb = new Map()));
  let cached = perDb.get(table);
  if (!cached) {
    const names = table.columns.map((c) => quoteIdentifier(c.name));
    const updates = table.columns
      .filter((c) => !table.primaryKey.includes(c.name))
      .map((c) => `${quoteIdentifier(c.name)} = excluded.${quoteIdentifier(c.name)}`);
    cached = {
      upsert: db.prepare(
        `INSERT INTO ${quoteIdentifier(table.name)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ` +
          `ON CONFLICT (${table.primaryKey.map(quoteIdentifier).join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      ),
      // One statement per page and child table, whatever the page's size: the parent ids go in as a JSON array.
      deleteChildren: parentKey
        ? db.prepare(
            `DELETE FROM ${quoteIdentifier(table.name)} WHERE ${quoteIdentifier(parentKey)} IN (SELECT value FROM json_each(?))`,
          )
        : undefined,
    };
    perDb.set(table, cached);
  }
  return cached;
}

/** SQLite binds numbers, strings, bigints, buffers and null; anything else is stored as JSON text. */
function toSql(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  // A lone UTF-16 surrogate would reach the file as invalid UTF-8 that other SQLite readers refuse.
  if (typeof value === 'string') return wellFormed(value as WellFormedString);
  return value;
}

/** ES2024 string methods: Node 20 has them, the ES2022 lib this project compiles against does not declare them. */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Lone surrogates become U+FFFD; the check is native and, for the usual well-formed text, allocates nothing. */
function wellFormed(value: WellFormedString): string {
  return value.isWellFormed() ? value : value.toWellFormed();
}

function rowValues(table: TableSpec, record: ApiRecord, parent: ApiRecord): unknown[] {
  return table.columns.map((c) => {
    const value = c.from(record, parent);
    // JSON.parse has already rounded an integer of 2^53 or more: stored, it would merge or misfile rows.
    if (c.type === 'INTEGER' && typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new InvalidRecordError(table.name, value, c.name);
    }
    return toSql(value);
  });
}

/**
 * The values of a row's declared key (`primaryKey`), checked: an INTEGER key a whole number below 2^53, a TEXT key a
 * non-empty string. A row without a usable key cannot be upserted or deleted by it, so the page is refused.
 */
export function keyValues(table: TableSpec, record: ApiRecord, parent: ApiRecord, resource = table.name): unknown[] {
  return keyColumns(table).map((column) => {
    const { name } = column;
    const value = column.from(record, parent);
    const usable =
      column.type === 'TEXT'
        ? typeof value === 'string' && value !== ''
        : typeof value === 'number' && Number.isSafeInteger(value);
    // The record's own id (a GID) says more than the number read from it, which JSON.parse may have rounded.
    if (!usable)
      throw new InvalidRecordError(resource, name === 'id' ? (record.id ?? value) : value, name, column.type);
    return value;
  });
}

const keyColumnCache = new WeakMap<TableSpec, Column[]>();

function keyColumns(table: TableSpec): Column[] {
  let columns = keyColumnCache.get(table);
  if (!columns) {
    columns = table.primaryKey.map((name) => {
      const column = table.columns.find((c) => c.name === name);
      if (!column) throw new Error(`Table "${table.name}" declares key column "${name}" but no column of that name`);
      return column;
    });
    keyColumnCache.set(table, columns);
  }
  return columns;
}

export interface UpsertCounts {
  records: number;
  childRecords: number;
}

/**
 * One page of records turned into row values, everything that needs no database: what `writePage` runs statements
 * with. The bulk ingest builds it on a thread of its own, so its main thread only runs SQLite.
 */
export interface PreparedPage {
  /** Records handed in (duplicates and REST records included). */
  records: number;
  /** REST records left from earlier versions, latest by key: written only to erase them (`eraseLegacyRecord`). */
  legacy: ApiRecord[];
  /** The key of each GraphQL record to write, in order; their children are replaced. */
  keys: unknown[];
  /** Per record: the owners whose redaction covers it (empty without personalData). */
  owners: Array<Array<[string, unknown]>>;
  /** Per record: its row's values, and per child table its children's rows' values. */
  rows: Array<{ main: unknown[]; children: unknown[][][] }>;
  /** Per child table tracked when rows go missing: the keys of every child the page lists (null otherwise). */
  keptChildKeys: Array<unknown[] | null>;
}

/**
 * Writes one page of records and all their child rows in one transaction. A parent's children are replaced as a
 * whole, so a line item removed in Shopify disappears here too, and replaying the same page changes nothing.
 *
 * A REST record (stored by a version that still read REST, and written again here by a schema back-fill or an
 * erasure) keeps the rows that version derived from it: the columns read GraphQL nodes only. An erasure still
 * scrubs its raw_json and blanks its personal columns (see `eraseLegacyRecord`).
 */
export function upsertRecords(db: Db, resource: ResourceSpec, records: ApiRecord[]): UpsertCounts {
  return writePage(db, resource, preparePage(resource, records));
}

/** The row values of a page (see PreparedPage); throws InvalidRecordError for a record that cannot be stored. */
export function preparePage(resource: ResourceSpec, records: ApiRecord[]): PreparedPage {
  if (resource.personalData && rawJsonColumn(resource.table) < 0) {
    throw new Error(
      `Resource "${resource.name}" holds personal data but its table keeps no raw_json: an erasure rebuilds a ` +
        `record's rows from it. Declare a raw_json column in resources.ts.`,
    );
  }
  const page: PreparedPage = {
    records: records.length,
    legacy: [],
    keys: [],
    owners: [],
    rows: [],
    keptChildKeys: resource.children.map((child) => (isTrackedWhenMissing(child) ? [] : null)),
  };
  for (const [i, key] of latestByKey(resource, records)) {
    const record = records[i];
    if (!isGraphqlRecord(record)) {
      page.legacy.push(record);
      continue;
    }
    page.keys.push(key[0]);
    page.owners.push(resource.personalData?.owners(record) ?? []);
    const children = resource.children.map((child, c) =>
      child.rows(record).map((row) => {
        // Variants a re-fetched product no longer lists were deleted in Shopify: writePage records them.
        page.keptChildKeys[c]?.push(keyValues(child, row, record)[0]);
        return rowValues(child, row, record);
      }),
    );
    page.rows.push({ main: rowValues(resource.table, record, record), children });
  }
  return page;
}

/**
 * Appends `page` to `into` when writing the result writes what writing the two one after the other would: neither
 * holds legacy records, and no key is in both (a later version of a record replaces the earlier one's children).
 * Answers whether it did.
 */
export function appendPage(into: PreparedPage, page: PreparedPage): boolean {
  if (into.legacy.length > 0 || page.legacy.length > 0) return false;
  const keys = new Set(into.keys);
  if (page.keys.some((key) => keys.has(key))) return false;
  into.records += page.records;
  into.keys.push(...page.keys);
  into.owners.push(...page.owners);
  into.rows.push(...page.rows);
  into.keptChildKeys.forEach((kept, c) => kept?.push(...page.keptChildKeys[c]!));
  return true;
}

/** Runs a prepared page's statements in one transaction (see upsertRecords). */
export function writePage(db: Db, resource: ResourceSpec, page: PreparedPage): UpsertCounts {
  const main = statements(db, resource.table);
  const children = resource.children.map((child) => ({ child, sql: statements(db, child, child.parentKey) }));
  let childRecords = 0;
  db.transaction(() => {
    // Read inside this transaction, once, where first needed: a redaction committed before it is honoured, one
    // committed after rewrites it.
    let redactedOwners: ReturnType<typeof isRedacted> | undefined;
    const redacted = (owners: Array<[string, unknown]>) => (redactedOwners ??= isRedacted(db, resource))(owners);
    if (page.legacy.length > 0) {
      for (const record of page.legacy) {
        if (redacted(resource.personalData?.owners(record) ?? [])) eraseLegacyRecord(db, resource, record);
      }
    }
    if (children.length > 0) {
      // Children point at their parent by its one-column key (checked in latestByKey).
      const ids = JSON.stringify(page.keys);
      children.forEach(({ child, sql }, c) => {
        const kept = page.keptChildKeys[c];
        if (kept) missingChildRecorder(db, child)?.(ids, JSON.stringify(kept));
        sql.deleteChildren!.run(ids);
      });
    }
    page.rows.forEach((row, i) => {
      if (redacted(page.owners[i])) {
        childRecords += writeErased(resource, row.main, main, children);
        return;
      }
      main.upsert.run(row.main);
      children.forEach(({ sql }, c) => {
        for (const values of row.children[c]) sql.upsert.run(values);
        childRecords += row.children[c].length;
      });
    });
  })();
  return { records: page.records, childRecords };
}

/** A redacted record's rows: rebuilt from its raw_json without its personal data, personal columns blank. */
function writeErased(
  resource: ResourceSpec,
  mainValues: unknown[],
  main: Statements,
  children: Array<{ child: ChildTableSpec; sql: Statements }>,
): number {
  const stored = JSON.parse(mainValues[rawJsonColumn(resource.table)] as string) as ApiRecord;
  const record = scrubRecord(stored, resource.personalData!.keys);
  main.upsert.run(blankPersonalColumns(resource.table, rowValues(resource.table, record, record)));
  let childRecords = 0;
  for (const { child, sql } of children) {
    for (const row of child.rows(record)) {
      sql.upsert.run(blankPersonalColumns(child, rowValues(child, row, record)));
      childRecords += 1;
    }
  }
  return childRecords;
}

function rawJsonColumn(table: TableSpec): number {
  return table.columns.findIndex((c) => c.name === 'raw_json');
}

/** A REST record's personal data out of its raw_json and out of its rows' personal columns; nothing else changes. */
function eraseLegacyRecord(db: Db, resource: ResourceSpec, record: ApiRecord): void {
  const key = keyValues(resource.table, record, record, resource.name);
  const where = resource.table.primaryKey.map((c) => `${quoteIdentifier(c)} = ?`).join(' AND ');
  const blank = (table: TableSpec) =>
    table.columns.filter((c) => c.personal).map((c) => `${quoteIdentifier(c.name)} = NULL`);
  const scrubbed = JSON.stringify(scrubRecord(record, resource.personalData!.keys));
  db.prepare(
    `UPDATE ${quoteIdentifier(resource.table.name)} SET ${['raw_json = ?', ...blank(resource.table)].join(', ')} WHERE ${where}`,
  ).run(scrubbed, ...key);
  for (const child of resource.children) {
    const columns = blank(child);
    if (columns.length === 0) continue;
    db.prepare(
      `UPDATE ${quoteIdentifier(child.name)} SET ${columns.join(', ')} WHERE ${quoteIdentifier(child.parentKey)} = ?`,
    ).run(key[0]);
  }
}

const redactionLookups = new WeakMap<Db, { any: Database.Statement; one: Database.Statement }>();

function redactionLookup(db: Db): { any: Database.Statement; one: Database.Statement } {
  let lookup = redactionLookups.get(db);
  if (!lookup) {
    lookup = {
      any: db.prepare('SELECT EXISTS (SELECT 1 FROM redactions) AS found'),
      one: db.prepare('SELECT 1 FROM redactions WHERE resource = ? AND id = ?'),
    };
    redactionLookups.set(db, lookup);
  }
  return lookup;
}

/** Whether any personal data was ever erased in this store (then copies outside the rows are zeroed too). */
export function hasRedactions(db: Db): boolean {
  return (redactionLookup(db).any.get() as { found: number }).found === 1;
}

/** Whether a record's personal data must not be stored: its customer (or the order itself) was redacted. */
function isRedacted(db: Db, resource: ResourceSpec): (owners: Array<[string, unknown]>) => boolean {
  const personal = resource.personalData;
  if (!personal || !hasRedactions(db)) return () => false;
  const { one } = redactionLookup(db);
  return (owners) => owners.some(([owner, id]) => typeof id === 'number' && one.get(owner, id) !== undefined);
}

/**
 * The records to write, by index, with their keys: valid keys, each key once, at its last occurrence (the newest
 * version served), in the order of the key's first occurrence.
 */
function latestByKey(resource: ResourceSpec, records: ApiRecord[]): Map<number, unknown[]> {
  const { table } = resource;
  if (resource.children.length > 0 && table.primaryKey.length !== 1) {
    throw new Error(
      `Resource "${resource.name}" has child tables, so its table's key must be one column (their parentKey holds ` +
        `it), not (${table.primaryKey.join(', ')}). Declare a one-column key in resources.ts.`,
    );
  }
  // A one-column key is its own map key: keyValues has checked its type (a safe integer, or a non-empty string).
  const byKey = new Map<unknown, { index: number; key: unknown[] }>();
  records.forEach((record, index) => {
    const key = keyValues(table, record, record, resource.name);
    byKey.set(key.length === 1 ? key[0] : JSON.stringify(key), { index, key });
  });
  return new Map([...byKey.values()].map(({ index, key }) => [index, key]));
}

export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';

  /** The error again from its message: as a thread that prepared a page reports it. */
  static fromMessage(message: string): InvalidRecordError {
    return Object.assign(new InvalidRecordError('', null), { message });
  }

  constructor(resource: string, value: unknown, field = 'id', type: 'INTEGER' | 'TEXT' | 'REAL' = 'INTEGER') {
    const expected = type === 'TEXT' ? 'a non-empty string' : 'a whole number below 2^53';
    super(
      `Shopify sent a ${resource} record whose ${field} is not ${expected} (${JSON.stringify(value)?.slice(0, 40)}); ` +
        `the page was not stored. Report this record to the project.`,
    );
  }
}
