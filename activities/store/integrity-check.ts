/**
 * `PRAGMA quick_check` reads every page of the database: about a second per GB from the page cache, tens of seconds
 * from a cold disk. On the worker's main thread that would stall every activity and heartbeat of the process, so it
 * runs on a worker thread with a read-only connection of its own while the sync goes on.
 */
import { Worker } from 'node:worker_threads';

/** Plain JavaScript: a worker thread started with `eval` gets no TypeScript loader. */
const CHECK_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let result;
try {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    result = { ok: String(db.pragma('quick_check(1)', { simple: true })) };
  } finally {
    db.close();
  }
} catch (error) {
  result = { code: (error && error.code) || '', message: String((error && error.message) || error) };
}
parentPort.postMessage(result);
`;

export interface IntegrityCheck {
  /** The damage found so far, as an error with SQLite's code; undefined while running, when clean, or unreadable. */
  damage: () => (Error & { code: string }) | undefined;
  /** Resolves when the check has finished (tests and shutdown). */
  done: Promise<void>;
}

export function checkIntegrityInBackground(file: string): IntegrityCheck {
  let damage: (Error & { code: string }) | undefined;
  const worker = new Worker(CHECK_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3') },
  });
  // An idle worker process may exit while the check runs; it is re-run at the next start.
  worker.unref();
  const done = new Promise<void>((resolve) => {
    worker.once('message', (result: { ok?: string; code?: string; message?: string }) => {
      if (result.ok !== undefined && result.ok !== 'ok') {
        damage = Object.assign(new Error(`quick_check: ${result.ok}`), { code: 'SQLITE_CORRUPT' });
      } else if (result.code === 'SQLITE_NOTADB' || result.code?.startsWith('SQLITE_CORRUPT')) {
        damage = Object.assign(new Error(result.message ?? result.code), { code: result.code });
      }
      resolve();
    });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
  return { damage: () => damage, done };
}
