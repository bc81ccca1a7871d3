import type { Db } from './database';
import type { ResourceSpec } from './resources';

const DAY_MS = 86_400_000;

/**
 * How many of the resource's stored records were last updated at or after `updatedAtMin`, by their stored
 * `updated_at`: what the database holds of an incremental window, to compare with Shopify's count of it.
 *
 * `updated_at` is stored in the shop's offset (`2026-03-01T10:00:00-04:00`), which changes with daylight saving
 * time, so text order is not time order within hours of the bound: the index narrows to the stored dates from two
 * days before (no offset is a day wide), and the exact comparison is made on the parsed times. Null when the
 * table has no `updated_at`.
 */
export function storedSince(db: Db, spec: ResourceSpec, updatedAtMin: string): number | null {
  // A table without the column cannot say: the caller reads the window instead.
  if (!spec.table.columns.some((column) => column.name === 'updated_at')) return null;
  const min = Date.parse(updatedAtMin);
  const dateBefore = new Date(min - 2 * DAY_MS).toISOString().slice(0, 10);
  const rows = db
    .prepare(`SELECT updated_at FROM ${spec.table.name} WHERE updated_at >= ?`)
    .pluck()
    .all(dateBefore) as (string | null)[];
  return rows.filter((value) => value !== null && Date.parse(value) >= min).length;
}
