import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBackgroundCheckpoints } from '../../activities/store/background-checkpoints';
import { DATABASE_FILE, openDatabase, type Db } from '../../activities/store/database';

/**
 * The bulk ingest's checkpointer thread copies the WAL into the database while the writer writes. The writer's
 * own automatic checkpoints are turned off here, so only the thread can have grown the database file.
 */
let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoints-'));
  db = openDatabase(dir);
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT)');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fileBytes = () => fs.statSync(path.join(dir, DATABASE_FILE)).size;

function write(rows: number): void {
  const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1) insert.run('x'.repeat(1000));
  })();
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** Writes 4 MB of rows, then whether the database file grows by more than `by` within `ms`: only a checkpoint does. */
async function copiedWithin(ms: number, by = 3_000_000): Promise<boolean> {
  const before = fileBytes();
  write(4_000);
  return until(() => fileBytes() > before + by, ms);
}

it('without the thread, pages written stay in the WAL (the control)', async () => {
  expect(await copiedWithin(1_000)).toBe(false);
});

it('the thread copies what the writer commits into the database file, and stops when told', async () => {
  const checkpoints = startBackgroundCheckpoints(db);
  expect(await copiedWithin(5_000)).toBe(true);

  await checkpoints.stop();
  expect(await copiedWithin(1_000, 0)).toBe(false);
});

it('ingests writing the same database at once share one thread: it runs until the last of them stops', async () => {
  const products = startBackgroundCheckpoints(db);
  const orders = startBackgroundCheckpoints(db);
  await products.stop();
  await products.stop(); // a second stop of the same ingest changes nothing
  expect(await copiedWithin(5_000)).toBe(true);

  await orders.stop();
  expect(await copiedWithin(1_000, 0)).toBe(false);
});
