import type { Db } from './database';

/** Key/value sync state: watermarks per resource, when syncs ran. */
export function getMetadata(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM metadata WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMetadata(db: Db, key: string, value: string, now = new Date()): void {
  db.prepare(
    'INSERT INTO metadata (key, value, updated_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(key, value, now.toISOString());
}

export const watermarkKey = (resource: string): string => `watermark:${resource}`;
