/**
 * A resource through the bulk path without Temporal: the emulator exports it (the worker's own bulk query), and
 * `ingestResource` stores the JSONL with the worker's child fields and asPagedRecord through `upsertRecords` (the
 * paged sync's store, timed apart; the worker's ingestBulkSync prepares the rows on the assembler thread instead,
 * which bench/bulk-ingest.ts measures).
 */
import type { ResourceName } from '../common/contract';
import { asPagedRecord, bulkChildFields, bulkQuery } from '../activities/shopify/graphql/bulk-query';
import { ingestBulkResult, type BulkIngestResult } from '../activities/store/bulk-ingest';
import type { IngestState } from '../activities/store/bulk-ingest-state';
import type { Db } from '../activities/store/database';
import { resourceSpec } from '../activities/store/resources';
import { upsertRecords } from '../activities/store/upsert';
import { startBulk, waitForBulk } from '../emulators/shopify/graphql/test-gql';

export interface Exported {
  operationId: string;
  url: string;
  seconds: number;
}

/** Runs the resource's full bulk query at the emulator at `base` and waits for its file. */
export async function exportResource(base: string, name: ResourceName): Promise<Exported> {
  const started = performance.now();
  const inner = bulkQuery(resourceSpec(name).graphql, null);
  const op = await waitForBulk(base, (await startBulk(base, inner)).bulkOperation.id, 3_600_000);
  if (op.status !== 'COMPLETED') throw new Error(`The emulator's bulk export of ${name} ended ${op.status}`);
  return { operationId: op.id, url: op.url, seconds: (performance.now() - started) / 1000 };
}

export interface Ingested extends BulkIngestResult {
  /** Time inside upsertRecords alone. */
  upsertSeconds: number;
}

export async function ingestResource(
  db: Db,
  name: ResourceName,
  exported: Exported,
  options: { upsert?: boolean; onProgress?: (state: IngestState) => void } = {},
): Promise<Ingested> {
  const spec = resourceSpec(name);
  let upsertMs = 0;
  const result = await ingestBulkResult(db, {
    operationId: exported.operationId,
    url: exported.url,
    childFields: bulkChildFields(spec.graphql),
    // Tuning runs: BULK_BENCH_BATCH=1000 BULK_BENCH_CHUNK=10000 npx tsx bench/bulk-ingest.ts
    batchRecords: Number(process.env.BULK_BENCH_BATCH) || undefined,
    chunkLines: Number(process.env.BULK_BENCH_CHUNK) || undefined,
    store: (records) => {
      if (options.upsert === false) return;
      const started = performance.now();
      upsertRecords(
        db,
        spec,
        records.map((r) => asPagedRecord(spec.graphql, r)),
      );
      upsertMs += performance.now() - started;
    },
    onProgress: options.onProgress,
  });
  return { ...result, upsertSeconds: upsertMs / 1000 };
}
