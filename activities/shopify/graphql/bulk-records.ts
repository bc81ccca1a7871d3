/**
 * Shopify global ids in bulk results and GraphQL records.
 *
 * A first design here stored each bulk line straight into its child table, keyed by its parent's id, and computed
 * what needs a parent with all its children after the file. activities/store/bulk-ingest.ts supersedes it: the
 * lines are staged and joined in SQLite, so the store receives each record whole, in the shape a paged query
 * returns, and bulk and paged syncs share one upsert (a parent's children replaced as a whole, raw_json complete).
 */

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** `gid://shopify/Order/450789469` → `{ type: 'Order', legacyId: '450789469' }`; null for anything else. */
export function parseGid(gid: unknown): { type: string; legacyId: string } | null {
  if (typeof gid !== 'string') return null;
  const match = GID.exec(gid);
  return match ? { type: match[1], legacyId: match[2] } : null;
}
