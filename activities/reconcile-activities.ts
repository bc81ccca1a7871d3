/**
 * Reconciliation (Shopify's advice: events are a hint, a periodic full comparison is the source of truth): whether
 * this run reconciles, the ids-only bulk operation per resource, and the comparison with the database. The workflow
 * waits for the operation with timers between checks (pollBulkSync), as for the sync's own bulk operations.
 *
 * "Last reconciled at" is kept per resource in `metadata`, written in the transaction that removes the missing
 * records. A store that was never reconciled starts its period at its first run instead of listing at once: a full
 * sync just read everything, and every existing install would otherwise list its whole store on upgrade.
 */
import { heartbeat, log } from '@temporalio/activity';
import { bulkContext } from './bulk-context';
import { ApplicationFailure } from '@temporalio/common';
import type { AppConfig } from '../common/config';
import {
  RESOURCE_NAMES,
  type ReconcileApplyInput,
  type ReconcileListingInput,
  type ReconcileListingStarted,
  type ReconcileTableReport,
  type ReconciliationPlan,
  type ResourceName,
} from '../common/contract';
import { type BulkContext, pollBulkOperation, startBulkQuery } from './shopify/graphql/bulk-operation';
import type { GraphqlClient } from './shopify/graphql/graphql-client';
import { ID_LISTINGS, listedIds, type LineCount } from './shopify/graphql/id-listing';
import { streamJsonl } from './shopify/graphql/jsonl-stream';
import type { Db } from './store/database';
import { getMetadata, setMetadata } from './store/metadata';
import { incompleteListing, reconcile, UnreadableListingError } from './store/reconcile';

export const reconciledAtKey = (resource: ResourceName): string => `reconciled_at:${resource}`;

/**
 * Records created this long before the listing's start are the newest judged: the worker's clock may run ahead of
 * Shopify's, and a retried start adopts an operation started a little earlier.
 */
const LISTED_AT_MARGIN_MS = 5 * 60_000;

const SCOPES_QUERY = '{ currentAppInstallation { accessScopes { handle } } }';

export interface ReconcileDeps {
  app: Pick<AppConfig, 'reconcileIntervalMs' | 'reconcileMaxShare'>;
  db: () => Db;
  graphql: () => GraphqlClient;
  store: string;
  now?: () => number;
}

export function createReconcileActivities(deps: ReconcileDeps) {
  const now = deps.now ?? Date.now;
  const context = (resource: ResourceName): BulkContext => bulkContext(deps, resource);

  return {
    /** Every resource when asked; otherwise those whose RECONCILE_INTERVAL has passed since they were reconciled. */
    async planReconciliation(input: { requested: boolean }): Promise<ReconciliationPlan> {
      if (input.requested) return { due: [...RESOURCE_NAMES], detail: 'requested (--reconcile)' };
      const interval = deps.app.reconcileIntervalMs;
      if (interval === null) return { due: [], detail: 'not requested, and RECONCILE_INTERVAL is off' };
      const db = deps.db();
      const at = now();
      const due: ResourceName[] = [];
      let next = Infinity;
      for (const resource of RESOURCE_NAMES) {
        const last = getMetadata(db, reconciledAtKey(resource));
        if (last === null) {
          setMetadata(db, reconciledAtKey(resource), new Date(at).toISOString());
          next = Math.min(next, at + interval);
        } else if (at - Date.parse(last) >= interval) due.push(resource);
        else next = Math.min(next, Date.parse(last) + interval);
      }
      const detail =
        due.length > 0
          ? `due (RECONCILE_INTERVAL passed) for ${due.join(', ')}`
          : `not due until ${new Date(next).toISOString()} (RECONCILE_INTERVAL; --reconcile runs it now)`;
      return { due, detail };
    },

    /** Starts the resource's ids-only bulk operation (or adopts the same one, after a lost reply). */
    async startReconcileListing(input: ReconcileListingInput): Promise<ReconcileListingStarted> {
      const listedAt = new Date(now() - LISTED_AT_MARGIN_MS).toISOString();
      const started = await startBulkQuery(context(input.resource), ID_LISTINGS[input.resource].query);
      log.info(`${input.resource}: id listing ${started.id} ${started.adopted ? 'adopted' : 'started'}`, {
        resource: input.resource,
        operationId: started.id,
      });
      return { operationId: started.id, listedAt };
    },

    /**
     * Reads the finished listing and reconciles each of its tables. The listing is complete only if the operation
     * COMPLETED and its file was read to the end, with as many lines as Shopify counted; a FAILED operation (partial
     * data or not) removes nothing, and the resource stays due for the next run; so does a result whose URL expired
     * before it was read (the workflow waited longer than Shopify keeps it): the next run lists again.
     */
    async applyReconciliation(input: ReconcileApplyInput): Promise<ReconcileTableReport[]> {
      const bulk = context(input.resource);
      const poll = await pollBulkOperation(bulk, input.operationId);
      if (poll.state === 'running') {
        throw ApplicationFailure.retryable(`Id listing ${input.operationId} is not complete yet.`, 'BulkNotReady');
      }
      if (poll.state === 'rerun') log.warn(`${input.resource}: ${poll.message}`, { operationId: input.operationId });
      const readAllOrders = input.resource !== 'orders' || (await grantedScopes(bulk)).includes('read_all_orders');
      const db = deps.db();
      const listing = ID_LISTINGS[input.resource];
      const reports: ReconcileTableReport[] = [];
      let expired: string | null = null;
      const beat = setInterval(() => heartbeat(), 1_000);
      try {
        for (const table of listing.tables) {
          if (expired !== null) {
            reports.push(incompleteListing(db, table.table, expired));
            continue;
          }
          const count: LineCount = { lines: 0 };
          const url = poll.state === 'completed' ? poll.url : null;
          const lines = url === null ? [] : streamJsonl(url, { signal: bulk.signal });
          const result = await reconcile(
            db,
            table.table,
            {
              ids: listedIds(toAsync(lines), listing, table, count),
              complete: poll.state === 'completed',
              readInFull: () => poll.state === 'completed' && count.lines >= poll.objectCount,
              listedAt: new Date(input.listedAt),
            },
            {
              readAllOrders,
              maxShare: deps.app.reconcileMaxShare,
              force: input.force,
              now: new Date(now()),
              inTransaction: () => setMetadata(db, reconciledAtKey(input.resource), new Date(now()).toISOString()),
            },
          ).catch((error: unknown) => {
            if (!(error instanceof ApplicationFailure && error.type === 'BulkResultExpired')) throw error;
            expired = `its result could no longer be downloaded: ${error.message}`;
            return incompleteListing(db, table.table, expired);
          });
          // Refused as too many: listed in full, so not due again until the interval passes; --force removes them.
          if (result.refused === 'too-many-missing') {
            setMetadata(db, reconciledAtKey(input.resource), new Date(now()).toISOString());
          }
          log.info(result.message, { resource: table.table, operationId: input.operationId });
          reports.push(result);
        }
      } catch (error) {
        if (error instanceof UnreadableListingError)
          throw ApplicationFailure.nonRetryable(error.message, 'InvalidRecord');
        throw error;
      } finally {
        clearInterval(beat);
      }
      return reports;
    },
  };
}

async function grantedScopes(bulk: BulkContext): Promise<string[]> {
  const { data } = await bulk.client.query<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(
    SCOPES_QUERY,
    {},
    { signal: bulk.signal },
  );
  return data.currentAppInstallation.accessScopes.map((s) => s.handle);
}

async function* toAsync<T>(items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* items;
}
