import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { removeStagedFile, stagedFileOf, startIngest } from '../../activities/store/bulk-ingest-state';
import { StagedLineReader } from '../../activities/store/bulk-staging-file';
import { DATABASE_FILE, openDatabase, type Db } from '../../activities/store/database';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-staging-file-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Stages `text` for a new ingest; an open descriptor still reads the file's bytes after it is unlinked. */
function stagedWithOpenHandle(text: string): { file: string; ingestId: number; bytesLeft: () => Buffer } {
  const { ingestId } = startIngest(db, 'gid://shopify/BulkOperation/1');
  const file = stagedFileOf(db, ingestId);
  fs.writeFileSync(file, text);
  const fd = fs.openSync(file, 'r');
  return {
    file,
    ingestId,
    bytesLeft: () => {
      const bytes = Buffer.alloc(text.length);
      fs.readSync(fd, bytes, 0, bytes.length, 0);
      fs.closeSync(fd);
      return bytes;
    },
  };
}

const LINE = '{"id":"gid://shopify/Customer/1","email":"zelda.q@example.org"}\n';

describe('the staging file', () => {
  it('is zeroed before it is removed in a store with erasures: it holds what they removed from the rows', () => {
    db.prepare("INSERT INTO redactions (resource, id, redacted_at) VALUES ('customers', 1, '2026-11-30')").run();
    const staged = stagedWithOpenHandle(LINE.repeat(3000));
    removeStagedFile(db, staged.ingestId);
    expect(fs.existsSync(staged.file)).toBe(false);
    const left = staged.bytesLeft();
    expect(left.length).toBe(LINE.length * 3000);
    expect(left.every((byte) => byte === 0)).toBe(true);
  });

  it('is only removed in a store without erasures', () => {
    const staged = stagedWithOpenHandle(LINE);
    removeStagedFile(db, staged.ingestId);
    expect(fs.existsSync(staged.file)).toBe(false);
    expect(staged.bytesLeft().toString()).toBe(LINE);
  });

  it('gives back each line by its range, lines far apart or out of order included', () => {
    const lines = Array.from(
      { length: 2000 },
      (_, k) => `{"id":"gid://shopify/Order/${k}","pad":"${'x'.repeat(k)}"}\n`,
    );
    const file = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(file, lines.join(''));
    const ranges: Array<{ offset: number; length: number }> = [];
    for (let k = 0, offset = 0; k < lines.length; offset += Buffer.byteLength(lines[k]), k += 1)
      ranges.push({ offset, length: Buffer.byteLength(lines[k]) });
    const wanted = [1999, 0, 1000, 3, 2, 1500, 1998];
    const reader = new StagedLineReader(file, 'op');
    try {
      expect(reader.texts(wanted.map((k) => ranges[k]))).toEqual(wanted.map((k) => lines[k]));
      expect(reader.texts(ranges)).toEqual(lines);
      expect(() => reader.texts([{ offset: ranges[1999].offset, length: ranges[1999].length + 10 }])).toThrow(
        /ends at byte \d+, before a staged line/,
      );
    } finally {
      reader.close();
    }
  });
});

describe('migration 7 (staged lines move to a file)', () => {
  it('drops ingests that staged text in the table, keeps finished ones, and leaves the new table empty', () => {
    db.close();
    const old = new Database(path.join(dir, DATABASE_FILE));
    old.exec(`DROP TABLE bulk_staging;
      CREATE TABLE bulk_staging (ingest_id INTEGER NOT NULL, line INTEGER NOT NULL, gid TEXT, parent_gid TEXT, json TEXT NOT NULL);
      INSERT INTO bulk_ingests (operation_id, phase, byte_offset, lines, chunks, last_root_line, records, child_records, orphans, updated_at)
        VALUES ('gid://shopify/BulkOperation/1', 'staging', 60, 1, 1, -1, 0, 0, 0, '2026-11-30'),
               ('gid://shopify/BulkOperation/2', 'done', 60, 1, 1, 0, 1, 0, 0, '2026-11-30');
      INSERT INTO bulk_staging VALUES (1, 0, 'gid://shopify/Order/1', NULL, '{"id":"gid://shopify/Order/1"}');`);
    old.pragma('user_version = 6');
    old.close();
    db = openDatabase(dir);
    const phases = db.prepare('SELECT operation_id, phase FROM bulk_ingests').all();
    expect(phases).toEqual([{ operation_id: 'gid://shopify/BulkOperation/2', phase: 'done' }]);
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('bulk_staging');
    expect(columns).toEqual(['ingest_id', 'line', 'gid', 'parent_gid', 'byte_offset', 'length']);
    expect(db.prepare('SELECT COUNT(*) FROM bulk_staging').pluck().get()).toBe(0);
  });
});
