/**
 * The background checkpointer's thread (see background-checkpoints.ts): every `everyMs`, copies what the WAL holds
 * back into the database with a connection of its own. PASSIVE: it never waits for, nor blocks, any other connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointerData {
  dbFile: string;
  everyMs: number;
}

if (parentPort) {
  const { dbFile, everyMs } = workerData as CheckpointerData;
  const db = new Database(dbFile, { fileMustExist: true });
  // A checkpoint that cannot run now (another one is running, the file is busy) simply runs at the next tick.
  setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Nothing lost: the writer's own checkpoints still run.
    }
  }, everyMs);
}
