/**
 * The database schema follows the resource declarations: missing tables are created, missing columns added and
 * back-filled from each record's raw JSON (so a new column never needs a resync). Changes that are not additive go
 * in MIGRATIONS, counted by `PRAGMA user_version`.
 */
import { RESOURCES, type ResourceSpec, type TableSpec } from './resources';
import { upsertRecords } from './upsert';
import { type Db, quoteIdentifier, withSecureDelete } from './sql';

/** Non-additive changes, applied once each in order; `user_version` counts how many have run. */
const MIGRATIONS: Array<(db: Db) => void> = [
  (db) => db.exec('CREATE TABLE IF NOT EXISTS metadata (key TEXT PRIMARY KEY, value TEXT, updated_at TEXT)'),
  // Page activities' resume points (checkpoints.ts). IF NOT EXISTS: earlier builds created it on first use.
  (db) =>
    db.exec(
      `CREATE TABLE IF NOT EXISTS page_checkpoints (
         run_id TEXT NOT NULL,
         activity_id TEXT NOT NULL,
         resource TEXT NOT NULL,
         cursor TEXT,
         done INTEGER NOT NULL,
         pages INTEGER NOT NULL,
         records INTEGER NOT NULL,
         child_records INTEGER NOT NULL,
         requests INTEGER NOT NULL,
         throttled_ms INTEGER NOT NULL,
         max_updated_at TEXT,
         updated_at TEXT NOT NULL,
         PRIMARY KEY (run_id, activity_id)
       )`,
    ),
  // Customers (and guest orders) whose personal data was erased: ids and dates only, never the data (redaction.ts).
  (db) =>
    db.exec(
      `CREATE TABLE IF NOT EXISTS redactions (
         resource TEXT NOT NULL,
         id INTEGER NOT NULL,
         redacted_at TEXT NOT NULL,
         PRIMARY KEY (resource, id)
       )`,
    ),
  // Migration 4 (after 3, `redactions`): one row per record removed because Shopify deleted it (deletions.ts).
  // No primary key on (resource, id): a record re-created by a late page and deleted again is recorded twice.
  (db) =>
    db.exec(
      `CREATE TABLE IF NOT EXISTS deletions (
         resource TEXT NOT NULL,
         id INTEGER NOT NULL,
         deleted_at TEXT,
         removed_at TEXT NOT NULL,
         found_by TEXT NOT NULL CHECK (found_by IN ('event', 'reconciliation', 'variant-missing'))
       );
       CREATE INDEX IF NOT EXISTS idx_deletions_resource_id ON deletions (resource, id);`,
    ),
  // Migration 5: a bulk operation's JSONL staged line by line, and where its ingest has got to (bulk-ingest.ts).
  // Staging rows are joined by (ingest_id, parent_gid) in file order; an ingest's rows go once they are stored. The
  // integer ingest_id keeps the operation's 40-byte global id out of every staged row and index entry.
  (db) =>
    db.exec(
      `CREATE TABLE IF NOT EXISTS bulk_staging (
         ingest_id INTEGER NOT NULL,
         line INTEGER NOT NULL,
         gid TEXT,
         parent_gid TEXT,
         json TEXT NOT NULL
       );
       CREATE INDEX IF NOT EXISTS idx_bulk_staging_parent ON bulk_staging (ingest_id, parent_gid, line);
       CREATE TABLE IF NOT EXISTS bulk_ingests (
         id INTEGER PRIMARY KEY,
         operation_id TEXT NOT NULL UNIQUE,
         phase TEXT NOT NULL CHECK (phase IN ('staging', 'assembling', 'done')),
         byte_offset INTEGER NOT NULL,
         lines INTEGER NOT NULL,
         chunks INTEGER NOT NULL,
         last_root_line INTEGER NOT NULL,
         last_root_gid TEXT,
         records INTEGER NOT NULL,
         child_records INTEGER NOT NULL,
         orphans INTEGER NOT NULL,
         orphan_sample TEXT,
         updated_at TEXT NOT NULL
       );`,
    ),
  // Migration 6: the REST client was removed. A resource whose table holds records read through REST (a numeric
  // `id` in raw_json, where a GraphQL node has a GID) loses its watermark, so the next sync reads the whole resource
  // again and stores every record Shopify still has as a GraphQL node. The rows keep their values meanwhile.
  (db) => {
    for (const resource of ['products', 'customers', 'orders']) {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(resource);
      if (!table) continue;
      const rest = db.prepare(`SELECT 1 FROM ${resource} WHERE json_type(raw_json, '$.id') = 'integer' LIMIT 1`).get();
      if (rest) db.prepare('DELETE FROM metadata WHERE key = ?').run(`watermark:${resource}`);
    }
  },
  // Migration 7: a bulk result's bytes are staged in a file beside the database (bulk-staging-file.ts); the table
  // keeps where each line is. Ingests that staged text in the table start again (a sync reads its result again).
  (db) =>
    withSecureDelete(db, () =>
      db.exec(
        `DROP TABLE IF EXISTS bulk_staging;
         CREATE TABLE bulk_staging (
           ingest_id INTEGER NOT NULL,
           line INTEGER NOT NULL,
           gid TEXT,
           parent_gid TEXT,
           byte_offset INTEGER NOT NULL,
           length INTEGER NOT NULL
         );
         CREATE INDEX idx_bulk_staging_parent ON bulk_staging (ingest_id, parent_gid, line);
         DELETE FROM bulk_ingests WHERE phase <> 'done';`,
      ),
    ),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function createTableSql(table: TableSpec): string {
  const columns = table.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`);
  const key = `PRIMARY KEY (${table.primaryKey.map(quoteIdentifier).join(', ')})`;
  return `CREATE TABLE ${quoteIdentifier(table.name)} (${[...columns, key].join(', ')})`;
}

function existingColumns(db: Db, table: string): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** `resources`: the declarations whose tables to create and back-fill (tests pass their own). */
export function ensureSchema(db: Db, resources: ResourceSpec[] = RESOURCES): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `The database was written by a newer version of this project (schema ${version}, this one knows ${SCHEMA_VERSION}). ` +
        `Upgrade the project, or point DATA_DIR elsewhere.`,
    );
  }
  const backfill = new Set<string>();
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v += 1) MIGRATIONS[v](db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    for (const table of resources.flatMap((r) => [r.table, ...r.children])) {
      const columns = existingColumns(db, table.name);
      if (columns.size === 0) {
        db.exec(createTableSql(table));
      } else {
        for (const column of table.columns.filter((c) => !columns.has(c.name))) {
          db.exec(
            `ALTER TABLE ${quoteIdentifier(table.name)} ADD COLUMN ${quoteIdentifier(column.name)} ${column.type}`,
          );
          backfill.add(table.name);
        }
      }
      for (const index of table.indexes ?? []) {
        const name = `idx_${table.name}_${index.join('_')}`;
        db.exec(
          `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(name)} ON ${quoteIdentifier(table.name)} (${index.map(quoteIdentifier).join(', ')})`,
        );
      }
    }
  })();
  for (const resource of resources) {
    const tables = [resource.table, ...resource.children].map((t) => t.name);
    if (tables.some((t) => backfill.has(t))) rederiveFromRawJson(db, resource);
  }
}

/**
 * Rebuilds every row of a resource from the raw JSON kept in its main table, in batches. Batches follow the rowid,
 * whatever the declared key: an upsert that updates a row keeps its rowid, so every row is read once. (With the key
 * `id INTEGER` the rowid is the id.)
 */
function rederiveFromRawJson(db: Db, resource: ResourceSpec): void {
  if (!resource.table.columns.some((c) => c.name === 'raw_json')) {
    throw new Error(
      `A column was added to ${resource.name}, but its table "${resource.table.name}" keeps no raw_json to fill it ` +
        `from: declare a raw_json column in resources.ts, or add the column with a migration.`,
    );
  }
  const select = db.prepare(
    `SELECT rowid AS row, raw_json FROM ${quoteIdentifier(resource.table.name)} WHERE rowid > ? ORDER BY rowid LIMIT 1000`,
  );
  let lastRow = -1;
  for (;;) {
    const rows = select.all(lastRow) as { row: number; raw_json: string }[];
    if (rows.length === 0) return;
    upsertRecords(
      db,
      resource,
      rows.map((r) => JSON.parse(r.raw_json) as Record<string, unknown>),
    );
    lastRow = rows[rows.length - 1].row;
  }
}
