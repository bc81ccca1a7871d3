/**
 * The background checkpointer's thread (see background-checkpoints.ts): every `everyMs`, copies what the WAL holds
 * back into the database with a connection of its own. PASSIVE: it never waits for, nor blocks, the writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { toThreadError } from '../module-thread';

export interface CheckpointerData {
  dbFile: string;
  everyMs: number;
  /** A WAL this long is copied to its end while the writer waits, so that it starts over. */
  restartFrames: number;
}

if (parentPort) {
  const port = parentPort;
  const { dbFile, everyMs, restartFrames } = workerData as CheckpointerData;
  const db = new Database(dbFile, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const timer = setInterval(() => {
    try {
      const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      if (passive.log >= restartFrames) db.pragma('wal_checkpoint(RESTART)');
    } catch (error) {
      clearInterval(timer);
      port.postMessage(toThreadError(error));
    }
  }, everyMs);
}
