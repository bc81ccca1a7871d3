import fs from 'node:fs';
import path from 'node:path';
import { startModuleThread } from '../module-thread';
import type { CheckpointerData } from './checkpoint-thread';
import type { Db } from './sql';

export interface BackgroundCheckpoints {
  /** After each commit: if the WAL has outgrown what the thread keeps up with, the connection checkpoints again. */
  committed(): void;
  /** Stops the thread and gives the connection its own checkpoints back. */
  stop(): Promise<void>;
}

/** How often the thread checkpoints: a few times a second keeps the WAL near the connection's own limit. */
const EVERY_MS = 250;

/**
 * Moves a long write's checkpoints off the writing thread. SQLite runs an automatic checkpoint inside the commit
 * that fills the WAL: it copies the WAL into the database and waits for two fsyncs, during which the writer does
 * nothing (about 2 s per 100,000 bulk orders here). A thread of its own checkpoints instead (PASSIVE: never
 * blocking the writer), and the WAL starts over at the first commit after a checkpoint that copied all of it. Should
 * the thread fail or fall behind (the WAL file past four times the connection's limit), the connection's own
 * checkpoints resume: the WAL never grows without bound.
 */
export function startBackgroundCheckpoints(db: Db): BackgroundCheckpoints {
  const ownPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const walFile = `${db.name}-wal`;
  const data: CheckpointerData = { dbFile: db.name, everyMs: EVERY_MS, restartFrames: ownPages };
  const thread = startModuleThread(path.join(__dirname, 'checkpoint-thread'), { ...data });
  let own = false;
  const resumeOwn = () => {
    if (own) return;
    own = true;
    db.pragma(`wal_autocheckpoint = ${ownPages}`);
  };
  thread.on('message', resumeOwn);
  thread.on('error', resumeOwn);
  thread.on('exit', resumeOwn);
  db.pragma('wal_autocheckpoint = 0');
  return {
    committed() {
      if (!own && walBytes(walFile) > 4 * ownPages * pageSize) resumeOwn();
    },
    async stop() {
      thread.removeAllListeners('exit');
      await thread.terminate();
      resumeOwn();
    },
  };
}

function walBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
