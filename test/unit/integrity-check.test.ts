import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, openDatabase } from '../../activities/store/database';
import { checkIntegrityInBackground } from '../../activities/store/integrity-check';
import { resourceSpec } from '../../activities/store/resources';
import { upsertRecords } from '../../activities/store/upsert';
import { tempDir } from '../helpers/tmp';

/** A database of 2,000 orders, checkpointed and closed. */
function database(dir: string): string {
  const db = openDatabase(dir);
  const orders = Array.from({ length: 2_000 }, (_, i) => ({
    id: i + 1,
    name: `#${i + 1}`,
    note: 'x'.repeat(200),
    line_items: [{ id: (i + 1) * 10, quantity: 1, price: '1.00', title: 'Tee' }],
  }));
  upsertRecords(db, resourceSpec('orders'), orders);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path.join(dir, DATABASE_FILE);
}

describe('integrity check on a worker thread', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('finds nothing in a sound database', async () => {
    const check = checkIntegrityInBackground(database(dir));
    await check.done;
    expect(check.damage()).toBeUndefined();
  });

  it('reports damage past the first pages as SQLITE_CORRUPT, and leaves the file as it was', async () => {
    const file = database(dir);
    const size = fs.statSync(file).size;
    const at = 8 * 4096;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, randomBytes(size - at), 0, size - at, at);
    fs.closeSync(fd);
    const before = fs.readFileSync(file);

    const check = checkIntegrityInBackground(file);
    expect(check.damage()).toBeUndefined(); // still running: the caller is not blocked
    await check.done;
    expect(check.damage()).toMatchObject({ code: expect.stringMatching(/^SQLITE_(CORRUPT|NOTADB)/) });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a file that is not a database', async () => {
    const file = path.join(dir, DATABASE_FILE);
    fs.writeFileSync(file, 'this is not a database '.repeat(200));
    const check = checkIntegrityInBackground(file);
    await check.done;
    expect(check.damage()).toMatchObject({ code: 'SQLITE_NOTADB' });
  });
});
