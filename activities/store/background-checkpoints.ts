import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleThread } from '../module-thread';
import type { CheckpointerData } from './checkpoint-thread';
import type { Db } from './sql';

/** How often the thread checkpoints: a few times a second, so the writer's own checkpoint finds little left. */
const EVERY_MS = 250;

/** One thread per database file, shared by the ingests writing it at the same time (products, customers, orders). */
const running = new Map<string, { thread: Worker; users: number }>();

/**
 * Copies a long write's WAL into the database from a thread of its own while the writer goes on. The writer's
 * automatic checkpoint, inside the commit that fills the WAL, still runs (so the WAL still starts over), but finds
 * most pages copied and synced already: the writer waits far less (about 1 s less per 100,000 bulk orders here).
 * PASSIVE checkpoints take no lock another connection waits on, so nothing else changes for other connections.
 */
export function startBackgroundCheckpoints(db: Db): { stop: () => Promise<void> } {
  const file = db.name;
  let entry = running.get(file);
  if (!entry) {
    const data: CheckpointerData = { dbFile: file, everyMs: EVERY_MS };
    const thread = startModuleThread(
      path.join(__dirname, 'checkpoint-thread'),
      { ...data },
      {
        maxOldGenerationSizeMb: 16,
        maxYoungGenerationSizeMb: 4,
      },
    );
    // Should the thread fail, the writer's own checkpoints simply do all the work, as without it.
    thread.on('error', () => undefined);
    // Nor does it keep the worker process alive should an ingest end without stopping it.
    thread.unref();
    entry = { thread, users: 0 };
    running.set(file, entry);
  }
  entry.users += 1;
  const shared = entry;
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      running.delete(file);
      await shared.thread.terminate();
    },
  };
}
