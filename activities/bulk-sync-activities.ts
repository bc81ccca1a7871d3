import { heartbeat, log } from '@temporalio/activity';
import { activitySignal, bulkContext } from './bulk-context';
import { ApplicationFailure } from '@temporalio/common';
import {
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkPollInput,
  type BulkPollResult,
  type BulkStartInput,
  type ResourceName,
} from '../common/contract';
import {
  type BulkContext,
  cancelBulkOperation,
  oldestUpdatedAt,
  pollBulkOperation,
  startBulkQuery,
} from './shopify/graphql/bulk-operation';
import { bulkChildFields, bulkQuery } from './shopify/graphql/bulk-query';
import type { GraphqlClient } from './shopify/graphql/graphql-client';
import type { RecordSource } from './shopify/record-source';
import { laterOf } from './shopify/watermark';
import { dropBulkIngest, ingestBulkResult, type PreparedBatch } from './store/bulk-ingest';
import type { Db } from './store/database';
import { getMetadata, setMetadata } from './store/metadata';
import { SHOP_TIME_ZONE_KEY } from './store/resources';
import { InvalidRecordError, writePage } from './store/upsert';

export interface BulkSyncDeps {
  db: () => Db;
  graphql: () => GraphqlClient;
  source: () => RecordSource;
  store: string;
}

/**
 * The newest updated_at stored from one operation's result so far, kept in the same transaction as each stored batch:
 * a resumed ingest still reports the newest of the whole file, not of the batches it stored itself.
 */
const maxKey = (resource: ResourceName) => `bulk_max_updated_at:${resource}`;

/**
 * Full syncs through Shopify bulk operations: start, one status check, store the result. Each activity is short and
 * returns a few fields; the workflow keeps the operation id and waits with timers between checks.
 */
export function createBulkSyncActivities(deps: BulkSyncDeps) {
  const context = (resource: ResourceName): BulkContext => bulkContext(deps, resource);
  const spec = (resource: ResourceName) => deps.source().spec(resource);

  return {
    /** Starts the resource's bulk query (or adopts the same query already running, after a lost reply). */
    async startBulkSync(input: BulkStartInput): Promise<{ operationId: string }> {
      const { graphql } = await spec(input.resource);
      const started = await startBulkQuery(
        context(input.resource),
        bulkQuery(graphql, input.updatedAtMin, input.updatedAtMax ?? null),
      );
      log.info(`${input.resource}: bulk operation ${started.id} ${started.adopted ? 'adopted' : 'started'}`, {
        resource: input.resource,
        operationId: started.id,
      });
      return { operationId: started.id };
    },

    /** One status check, no waiting. */
    async pollBulkSync(input: BulkPollInput): Promise<BulkPollResult> {
      const poll = await pollBulkOperation(context(input.resource), input.operationId);
      if (poll.state === 'running') return { state: 'running', status: poll.status, objectCount: poll.objectCount };
      if (poll.state === 'completed') return { state: 'completed', objectCount: poll.objectCount };
      log.warn(`${input.resource}: ${poll.message}`, { resource: input.resource, operationId: input.operationId });
      if (poll.reason === 'TIMEOUT') {
        const { graphql } = await spec(input.resource);
        const oldest = await oldestUpdatedAt(context(input.resource), graphql);
        return { state: 'rerun', reason: poll.reason, message: poll.message, oldestUpdatedAt: oldest };
      }
      return { state: 'rerun', reason: poll.reason, message: poll.message };
    },

    /**
     * Cancels the operation of a sync that was cancelled, so that it does not keep running at Shopify (it would hold
     * one of the app's five bulk query slots); one that already finished is left as it is.
     */
    async cancelBulkSync(input: BulkPollInput): Promise<{ status: string }> {
      const { status } = await cancelBulkOperation(context(input.resource), input.operationId);
      log.info(`${input.resource}: bulk operation ${input.operationId} ${status}: the sync stopped before storing it`, {
        resource: input.resource,
        operationId: input.operationId,
      });
      return { status };
    },

    /**
     * Downloads and stores a completed operation's result. The signed URL is read here, not passed through the
     * workflow: it stays out of Temporal history. A retry resumes from the ingest's checkpoints in SQLite.
     */
    async ingestBulkSync(input: BulkIngestInput): Promise<BulkIngestResult> {
      const resourceSpec = await spec(input.resource);
      const poll = await pollBulkOperation(context(input.resource), input.operationId);
      if (poll.state === 'rerun') return { state: 'rerun', reason: poll.reason, message: poll.message };
      if (poll.state === 'running') {
        throw ApplicationFailure.retryable(`Bulk operation ${input.operationId} is not complete yet.`, 'BulkNotReady');
      }
      if (poll.url === null) {
        // The query matched nothing: Shopify writes no file.
        return { state: 'stored', records: 0, childRecords: 0, lines: 0, orphans: 0, maxUpdatedAt: null };
      }
      const db = deps.db();
      const key = maxKey(input.resource);
      const readMax = () => {
        const saved = getMetadata(db, key);
        const parsed = saved ? (JSON.parse(saved) as { operationId: string; maxUpdatedAt: string | null }) : null;
        return parsed?.operationId === input.operationId ? parsed.maxUpdatedAt : null;
      };
      const beat = setInterval(() => heartbeat(), 1_000);
      try {
        heartbeat();
        const result = await ingestBulkResult(db, {
          operationId: input.operationId,
          url: poll.url,
          childFields: bulkChildFields(resourceSpec.graphql),
          signal: activitySignal(),
          onProgress: (state) => heartbeat({ phase: state.phase, lines: state.lines, records: state.records }),
          // The rows are built on the assembler thread from the same declaration (resource and shop time zone).
          prepare: { resource: input.resource, timeZone: resourceSpec.timeZone },
          // Runs inside the batch's transaction, with its checkpoint.
          store: ({ pages, maxUpdatedAt }: PreparedBatch) => {
            for (const page of pages) writePage(db, resourceSpec, page);
            if (resourceSpec.timeZone !== null) setMetadata(db, SHOP_TIME_ZONE_KEY, resourceSpec.timeZone);
            const max = laterOf(readMax(), maxUpdatedAt);
            setMetadata(db, key, JSON.stringify({ operationId: input.operationId, maxUpdatedAt: max }));
          },
        });
        log.info(
          `${input.resource}: bulk result stored, ${result.records} records and ${result.childRecords} child rows`,
          { resource: input.resource, operationId: input.operationId, linesRead: result.linesRead },
        );
        return {
          state: 'stored',
          records: result.records,
          childRecords: result.childRecords,
          lines: result.lines,
          orphans: result.orphans.count,
          maxUpdatedAt: readMax(),
        };
      } catch (error) {
        if (error instanceof InvalidRecordError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidRecord');
        if (error instanceof ApplicationFailure && error.type === 'BulkResultExpired') {
          dropBulkIngest(db, input.operationId);
          return { state: 'rerun', reason: 'EXPIRED', message: error.message };
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
