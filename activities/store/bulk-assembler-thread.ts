/**
 * The assembler thread of a bulk ingest: reads the staged lines through a connection of its own, joins them into
 * records (bulk-assembly.ts) and, for a resource, turns them into row values (upsert.ts's preparePage), so that the
 * ingest's thread only runs the statements. It joins and prepares `ASSEMBLE_RECORDS` records at a time, fewer than a
 * stored batch holds: parsed records then die young, and the garbage collector copies far less (measured: 1 s of
 * CPU less per 100,000 orders). At most `ahead` batches wait for the ingest to take them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { toThreadError } from '../module-thread';
import { asPagedRecord } from '../shopify/graphql/bulk-query';
import { laterOf } from '../shopify/watermark';
import { assembleBatches, type AssemblyInput, type BulkRecord } from './bulk-assembly';
import type { ResourceName } from '../../common/contract';
import { recordUpdatedAt, resourceSpec, type ResourceSpec } from './resources';
import { appendPage, preparePage, type PreparedPage } from './upsert';

/** Prepare each batch for this resource's tables (the shop's time zone decides its time columns). */
export interface PrepareFor {
  resource: ResourceName;
  timeZone: string | null;
}

/** A batch prepared for `writePage`, a page per step of the assembly, and the newest `updated_at` among its records. */
export interface PreparedBatch {
  pages: PreparedPage[];
  maxUpdatedAt: string | null;
}

/** Records joined and prepared at a time (a stored batch holds several such steps). */
const ASSEMBLE_RECORDS = 100;

export interface AssemblerData {
  dbFile: string;
  input: AssemblyInput;
  prepare: PrepareFor | null;
  ahead: number;
}

/** A stored batch as the thread hands it over: its checkpoint (last top-level line), its counts, and its payload. */
export interface AssembledOnThread {
  lastLine: number;
  lastGid: string | null;
  records: number;
  childCount: number;
  payload: BulkRecord[] | PreparedBatch;
}

export type AssemblerMessage =
  | ({ kind: 'batch' } & AssembledOnThread)
  | { kind: 'end' }
  | { kind: 'error'; error: ReturnType<typeof toThreadError> };

/** What the thread makes of each step's records: kept as they are, or turned into one resource's row values. */
function collector(spec: ResourceSpec | null) {
  if (spec === null) {
    const records: BulkRecord[] = [];
    return { add: (step: BulkRecord[]) => records.push(...step), payload: () => records };
  }
  const batch: PreparedBatch = { pages: [], maxUpdatedAt: null };
  const add = (step: BulkRecord[]) => {
    for (const record of step)
      batch.maxUpdatedAt = laterOf(batch.maxUpdatedAt, recordUpdatedAt(record, spec.graphql.incremental));
    const page = preparePage(
      spec,
      step.map((r) => asPagedRecord(spec.graphql, r)),
    );
    // One page per batch where possible: the writer then runs each page's statements once per batch.
    const last = batch.pages[batch.pages.length - 1];
    if (last === undefined || !appendPage(last, page)) batch.pages.push(page);
  };
  return { add, payload: () => batch };
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
    const { batchRecords } = data.input;
    const spec = data.prepare && resourceSpec(data.prepare.resource, data.prepare.timeZone);
    let collect = collector(spec);
    let batch: AssembledOnThread | undefined;
    // Each step ends at the batch's size at the latest, so a stored batch holds exactly `batchRecords` records.
    const steps = assembleBatches(db, data.input, () =>
      Math.min(ASSEMBLE_RECORDS, batchRecords - (batch?.records ?? 0)),
    );
    for (const step of steps) {
      collect.add(step.records);
      batch = {
        lastLine: step.lastLine,
        lastGid: step.lastGid,
        records: (batch?.records ?? 0) + step.records.length,
        childCount: (batch?.childCount ?? 0) + step.childCount,
        payload: collect.payload(),
      };
      if (batch.records < batchRecords) continue;
      post({ kind: 'batch', ...batch });
      batch = undefined;
      collect = collector(spec);
      credit -= 1;
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    }
    if (batch !== undefined) post({ kind: 'batch', ...batch });
    post({ kind: 'end' });
  } catch (error) {
    post({ kind: 'error', error: toThreadError(error) });
  } finally {
    db.close();
  }
}

if (parentPort) void run(parentPort, workerData as AssemblerData);
