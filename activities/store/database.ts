import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ApplicationFailure } from '@temporalio/common';
import { ensureSchema } from './schema';
import type { Db } from './sql';

export type { Db };

export const DATABASE_FILE = 'shopify_data.db';

export interface OpenOptions {
  /** File mode for a new database: it holds customer data, so owner-only by default. */
  fileMode?: number;
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) `DATA_DIR/shopify_data.db` in WAL mode and brings its schema up to date.
 * A file that is not a SQLite database is reported and left untouched, never overwritten. Damage deeper in the file
 * is found by checkIntegrityInBackground (the worker runs it before the first activity) or by the statement that
 * reads the damaged page.
 */
export function openDatabase(dataDir: string, options: OpenOptions = {}): Db {
  const file = path.join(dataDir, DATABASE_FILE);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `DATA_DIR "${dataDir}" cannot be created (${(error as Error).message}). Point DATA_DIR at a writable folder.`,
      'ConfigError',
    );
  }
  const isNew = !fs.existsSync(file);
  let db: Db | undefined;
  try {
    db = new Database(file);
    if (isNew) fs.chmodSync(file, options.fileMode ?? 0o600);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: index pages rewritten by many pages are copied back once.
    db.pragma('wal_autocheckpoint = 10000');
    ensureSchema(db);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code ?? '';
    const corrupt = corruptDatabaseFailure(file, error);
    if (corrupt) throw corrupt;
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'EACCES') {
      throw ApplicationFailure.nonRetryable(
        `${file} cannot be opened for writing (${(error as Error).message}). Check DATA_DIR's permissions.`,
        'ConfigError',
      );
    }
    throw error;
  }
}

/** A damaged database (found at open or by any later statement) as a non-retryable failure; undefined otherwise. */
export function corruptDatabaseFailure(file: string, error: unknown): ApplicationFailure | undefined {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code !== 'SQLITE_NOTADB' && !code.startsWith('SQLITE_CORRUPT')) return undefined;
  return ApplicationFailure.nonRetryable(
    `${file} is not a readable SQLite database (${(error as Error).message}). It was left as it is: ` +
      `move it aside (or restore a backup) and run a full sync to rebuild it.`,
    'DatabaseCorrupt',
  );
}

/** A full disk (SQLite's SQLITE_FULL, a file write's ENOSPC) as a retryable failure that says what to do. */
export function diskFullFailure(dataDir: string, error: unknown): ApplicationFailure | undefined {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code !== 'SQLITE_FULL' && code !== 'ENOSPC') return undefined;
  return ApplicationFailure.retryable(
    `The disk holding DATA_DIR "${dataDir}" is full (${(error as Error).message}). Free some space there: the step ` +
      `is retried, and a later run continues from the last stored page; nothing stored so far is lost.`,
    'DiskFull',
  );
}
