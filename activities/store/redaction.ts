/**
 * Erasure of a customer's personal data from the database. The customer's id (and the ids of guest orders placed
 * with their email) go into the `redactions` table; the stored records are then written again through the upsert,
 * which scrubs every record a redaction covers, now and in every later sync. Then no trace is left: the rewrite runs
 * with `secure_delete`, VACUUM rebuilds the file without free pages (older versions of the rows, written before the
 * redaction, may lie there), and a truncating checkpoint empties the WAL.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { emailSha256 } from '../../common/email-hash';
import type { PurgeReport, RedactionCounts, RedactionInput } from '../../common/redaction-contract';
import type { Db } from './database';
import { withSecureDelete } from './sql';
import { getMetadata } from './metadata';
import { resourceSpec, SHOP_TIME_ZONE_KEY } from './resources';
import { upsertRecords } from './upsert';

const BATCH = 500;

/** Ids the request covers. An email is compared by its SHA-256, as the request carries it. */
function findTargets(db: Db, input: RedactionInput): { customerIds: number[]; orderIds: number[] } {
  db.function('erasure_email_sha256', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' && value.trim() !== '' ? emailSha256(value) : null,
  );
  const hashes = new Set<string>();
  if (input.emailSha256) hashes.add(input.emailSha256.toLowerCase());
  const customerIds = new Set<number>();
  if (input.customerId !== undefined) {
    customerIds.add(input.customerId);
    // The customer's own email also finds the guest orders they placed before signing up.
    const row = db
      .prepare('SELECT erasure_email_sha256(email) AS hash FROM customers WHERE id = ?')
      .get(input.customerId) as { hash: string | null } | undefined;
    if (row?.hash) hashes.add(row.hash);
  }
  const byEmail = JSON.stringify([...hashes]);
  const hashed = `(SELECT value FROM json_each(?))`;
  for (const { id } of db
    .prepare(`SELECT id FROM customers WHERE erasure_email_sha256(email) IN ${hashed}`)
    .all(byEmail) as { id: number }[]) {
    customerIds.add(id);
  }
  const owners = JSON.stringify([...customerIds]);
  const orders = db
    .prepare(
      `SELECT id, customer_id FROM orders
       WHERE customer_id IN (SELECT value FROM json_each(?)) OR erasure_email_sha256(email) IN ${hashed}`,
    )
    .all(owners, byEmail) as { id: number; customer_id: number | null }[];
  // Orders of the customers are covered by the customer's redaction; the others are redacted one by one.
  const orderIds = orders.filter((o) => o.customer_id === null || !customerIds.has(o.customer_id)).map((o) => o.id);
  return { customerIds: [...customerIds], orderIds };
}

/** Writes the stored records of a table again through the upsert, which scrubs the redacted ones. */
function rewrite(db: Db, resource: 'customers' | 'orders', where: string, params: unknown[]): number {
  // GraphQL records' timestamps are stored in the shop's time zone, as the sync stored them.
  const spec = resourceSpec(resource, getMetadata(db, SHOP_TIME_ZONE_KEY));
  const rows = db.prepare(`SELECT raw_json FROM ${spec.table.name} WHERE ${where} ORDER BY id`).all(...params) as {
    raw_json: string;
  }[];
  for (let i = 0; i < rows.length; i += BATCH) {
    upsertRecords(
      db,
      spec,
      rows.slice(i, i + BATCH).map((r) => JSON.parse(r.raw_json) as Record<string, unknown>),
    );
  }
  return rows.length;
}

/**
 * Records the redaction and rewrites the customer's rows and their orders' rows without personal data, in one
 * transaction taken with the write lock up front. Repeating it changes nothing.
 */
export function redactCustomer(db: Db, input: RedactionInput, now: Date = new Date()): RedactionCounts {
  const redactedAt = now.toISOString();
  return withSecureDelete(db, () =>
    db
      .transaction((): RedactionCounts => {
        const { customerIds, orderIds } = findTargets(db, input);
        if (customerIds.length === 0 && orderIds.length === 0) {
          return { found: false, customerIds: [], customers: 0, orders: 0, guestOrders: 0, redactedAt };
        }
        const insert = db.prepare(
          'INSERT INTO redactions (resource, id, redacted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        );
        for (const id of customerIds) insert.run('customers', id, redactedAt);
        for (const id of orderIds) insert.run('orders', id, redactedAt);
        const customerList = JSON.stringify(customerIds);
        const customers = rewrite(db, 'customers', 'id IN (SELECT value FROM json_each(?))', [customerList]);
        const orders = rewrite(
          db,
          'orders',
          'customer_id IN (SELECT value FROM json_each(?)) OR id IN (SELECT value FROM json_each(?))',
          [customerList, JSON.stringify(orderIds)],
        );
        return { found: true, customerIds, customers, orders, guestOrders: orderIds.length, redactedAt };
      })
      .immediate(),
  );
}

/** A reader still on the WAL kept the checkpoint from emptying it; retrying after the reader is done succeeds. */
export class WalBusyError extends Error {
  override name = 'WalBusyError';
}

/** Plain JavaScript: a worker thread started with `eval` gets no TypeScript loader (as in integrity-check.ts). */
const PURGE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let result;
try {
  const db = new Database(workerData.file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
    db.exec('VACUUM');
    result = { checkpoint: db.pragma('wal_checkpoint(TRUNCATE)')[0] };
  } finally {
    db.close();
  }
} catch (error) {
  result = { code: (error && error.code) || '', message: String((error && error.message) || error) };
}
parentPort.postMessage(result);
`;

/**
 * Leaves no copy of erased data in the files: VACUUM rebuilds the database without free pages or freed cell space,
 * then a truncating checkpoint copies the WAL back and empties it. Both run on a worker thread with a connection of
 * their own: VACUUM rewrites the whole file (10-20 s at 100,000 orders), which on the main thread would stall every
 * other activity and heartbeat of the worker. VACUUM needs temporary space the size of the database (in SQLite's
 * temporary directory, not DATA_DIR).
 */
export async function purgeFreedPages(file: string, busyTimeoutMs = 10_000): Promise<PurgeReport> {
  const databaseBytesBefore = fs.statSync(file).size;
  const worker = new Worker(PURGE_SOURCE, {
    eval: true,
    workerData: { file, busyTimeoutMs, driver: require.resolve('better-sqlite3') },
  });
  const result = await new Promise<{ checkpoint?: { busy: number }; code?: string; message?: string }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The vacuum's thread exited (${code}) before it reported`)));
    },
  );
  if (!result.checkpoint) throw Object.assign(new Error(result.message), { code: result.code });
  if (result.checkpoint.busy) {
    throw new WalBusyError(
      `The database's WAL could not be emptied: another connection is still reading it (an output stage of a ` +
        `sync, or the dashboard server). Erased data stays in ${file}-wal until it is; the step is retried.`,
    );
  }
  const wal = `${file}-wal`;
  return {
    databaseBytesBefore,
    databaseBytesAfter: fs.statSync(file).size,
    walBytesAfter: fs.existsSync(wal) ? fs.statSync(wal).size : 0,
  };
}
