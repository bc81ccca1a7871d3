/**
 * The assembler thread of a bulk ingest: reads the staged lines through a connection of its own, joins them into
 * records (bulk-assembly.ts) and, for a resource, turns each batch into row values (upsert.ts's preparePage), so
 * that the ingest's thread only runs the statements. At most `ahead` batches wait for the ingest to take them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { toThreadError } from '../module-thread';
import { asPagedRecord } from '../shopify/graphql/bulk-query';
import { laterOf } from '../shopify/watermark';
import { assembleBatches, type AssemblyInput, type BulkRecord } from './bulk-assembly';
import type { ResourceName } from '../../common/contract';
import { recordUpdatedAt, resourceSpec } from './resources';
import { preparePage, type PreparedPage } from './upsert';

/** Prepare each batch for this resource's tables (the shop's time zone decides its time columns). */
export interface PrepareFor {
  resource: ResourceName;
  timeZone: string | null;
}

/** A batch prepared for `writePage`, and the newest `updated_at` among its records. */
export interface PreparedBatch {
  page: PreparedPage;
  maxUpdatedAt: string | null;
}

export interface AssemblerData {
  dbFile: string;
  input: AssemblyInput;
  prepare: PrepareFor | null;
  ahead: number;
}

export type AssemblerMessage =
  | {
      kind: 'batch';
      lastLine: number;
      lastGid: string | null;
      records: number;
      childCount: number;
      payload: BulkRecord[] | PreparedBatch;
    }
  | { kind: 'end' }
  | { kind: 'error'; error: ReturnType<typeof toThreadError> };

function prepared(prepare: PrepareFor, records: BulkRecord[]): PreparedBatch {
  const spec = resourceSpec(prepare.resource, prepare.timeZone);
  let maxUpdatedAt: string | null = null;
  for (const record of records) maxUpdatedAt = laterOf(maxUpdatedAt, recordUpdatedAt(record, spec.graphql.incremental));
  const page = preparePage(
    spec,
    records.map((r) => asPagedRecord(spec.graphql, r)),
  );
  return { page, maxUpdatedAt };
}

async function run(port: NonNullable<typeof parentPort>, data: AssemblerData): Promise<void> {
  let credit = data.ahead;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit += 1;
    wake?.();
  });
  const post = (message: AssemblerMessage) => port.postMessage(message);
  const db = new Database(data.dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    for (const batch of assembleBatches(db, data.input)) {
      const payload = data.prepare ? prepared(data.prepare, batch.records) : batch.records;
      const { lastLine, lastGid, childCount } = batch;
      post({ kind: 'batch', lastLine, lastGid, records: batch.records.length, childCount, payload });
      credit -= 1;
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    }
    post({ kind: 'end' });
  } catch (error) {
    post({ kind: 'error', error: toThreadError(error) });
  } finally {
    db.close();
  }
}

if (parentPort) void run(parentPort, workerData as AssemblerData);
