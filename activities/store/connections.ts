import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, Db, openDatabase } from './database';
import { checkIntegrityInBackground, IntegrityCheck } from './integrity-check';

export interface StoreConnections {
  /** The worker's one writing connection, opened on first use (and again if the file was replaced). */
  writer: () => Db;
  /** The writer, after the file's integrity check: every activity waits for this before it runs. */
  ready: () => Promise<Db>;
  /** A read-only connection of its own (a streaming export holds one for the whole export); the caller closes it. */
  openReader: () => Db;
  close: () => void;
}

/** The database's lifecycle in a worker process: shared by all its activities. */
export function storeConnections(dataDir: string, options: { fileMode?: number } = {}): StoreConnections {
  const file = path.join(dataDir, DATABASE_FILE);
  let db: Db | undefined;
  let opened: fs.Stats | undefined;
  let checked: { file: fs.Stats; check: IntegrityCheck } | undefined;
  // The writer opens first: it creates and migrates the schema that readers then see. A database file deleted or
  // replaced since it was opened is opened again: writing on would go to a file nobody can see any more.
  const writer = () => {
    if (db && !sameFile(file, opened)) {
      db.close();
      db = undefined;
    }
    if (!db) {
      db = openDatabase(dataDir, { fileMode: options.fileMode });
      opened = fs.statSync(file);
    }
    return db;
  };
  // Each database file is checked once, before the writer opens it (opening writes the schema, and a write would
  // checkpoint into the damaged file), without blocking the worker's event loop for the seconds a large file takes.
  const ready = async () => {
    const current = statIfExists(file);
    if (current && !(checked && sameIdentity(current, checked.file))) {
      checked = { file: current, check: checkIntegrityInBackground(file) };
    }
    if (checked) {
      await checked.check.done;
      const damage = checked.check.damage();
      if (damage) throw damage;
    }
    return writer();
  };
  return {
    writer,
    ready,
    openReader: () => {
      writer();
      return new Database(file, { readonly: true });
    },
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}

function statIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function sameIdentity(a: fs.Stats, b: fs.Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

function sameFile(file: string, opened: fs.Stats | undefined): boolean {
  const now = statIfExists(file);
  return now !== undefined && opened !== undefined && sameIdentity(now, opened);
}
