import type Database from 'better-sqlite3';

/** A connection to the store (better-sqlite3). */
export type Db = Database.Database;

/** A table or column name as an SQL identifier: double-quoted, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
