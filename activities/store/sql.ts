import type Database from 'better-sqlite3';

/** A connection to the store (better-sqlite3). */
export type Db = Database.Database;

/** A table or column name as an SQL identifier: double-quoted, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Runs `work` with SQLite's `secure_delete` on (deleted content overwritten with zeros, so no free page keeps it), then
 * puts the connection's previous setting back.
 */
export function withSecureDelete<T>(db: Db, work: () => T): T {
  const previous = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return work();
  } finally {
    db.pragma(`secure_delete = ${previous === 2 ? 'FAST' : previous}`);
  }
}
