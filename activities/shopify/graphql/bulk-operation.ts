import { ApplicationFailure } from '@temporalio/common';
import type { GraphqlSource } from '../../store/resources';
import type { GraphqlClient } from './graphql-client';

/**
 * Starting and checking one bulk query operation. Each function makes one or two short requests and returns a small
 * plain object fit for workflow state; waiting is the workflow's job (a timer between polls), never an activity's.
 */

export type BulkOperationStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';

export interface BulkOperationStarted {
  id: string;
  status: BulkOperationStatus;
  /** True when an operation for the same query was already running (an earlier attempt of this start) and is reused. */
  adopted: boolean;
}

/** What the workflow does next after a poll. */
export type BulkOperationPoll =
  | { state: 'running'; id: string; status: 'CREATED' | 'RUNNING'; objectCount: number }
  /** `url` is null when the query matched nothing (Shopify writes no file then). */
  | { state: 'completed'; id: string; url: string | null; objectCount: number; fileSize: number | null }
  /** The operation's result can no longer be had: start a new operation for the same work. */
  | {
      state: 'rerun';
      id: string;
      reason: 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | 'FAILED' | 'EXPIRED';
      message: string;
      objectCount: number;
      partialDataUrl: string | null;
    };

interface BulkOperationNode {
  id: string;
  status: BulkOperationStatus;
  errorCode: 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | null;
  objectCount: string | number;
  fileSize: string | number | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

const FIELDS = 'id status errorCode objectCount fileSize url partialDataUrl query';

/** `bulkOperation(id:)` and `bulkOperations` exist from 2026-01; older versions read an operation through `node`. */
function hasBulkOperationQueries(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-01';
}

const RUN = `mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { ${FIELDS} }
    userErrors { field message code }
  }
}`;

const BY_ID_2026 = `query BulkOperationById($id: ID!) { bulkOperation(id: $id) { ${FIELDS} } }`;
const BY_ID_NODE = `query BulkOperationById($id: ID!) { node(id: $id) { ... on BulkOperation { ${FIELDS} } } }`;
const UNFINISHED = `query UnfinishedBulkQueries {
  bulkOperations(first: 10, query: "operation_type:query", sortKey: CREATED_AT, reverse: true) { nodes { ${FIELDS} } }
}`;
const CANCEL = `mutation CancelBulkOperation($id: ID!) {
  bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } }
}`;

/**
 * The requested cost of each document above, by Shopify's calculation (an object 1, a connection 2 plus `first` nodes,
 * a mutation field 10). Stated to the pacer so it reserves that, not the 1,000 points it assumes for a document it has
 * not seen answered yet: otherwise a new worker's first checks of five operations wait ten seconds for points they
 * never use.
 */
const COST = { run: 10, byId: 1, unfinished: 2 + 10, cancel: 10, oldest: 2 + 1 } as const;

export interface BulkContext {
  client: GraphqlClient;
  store: string;
  /** The access scopes the inner query needs, named in the failure when Shopify answers ACCESS_DENIED. */
  scopes: string[];
  /** For messages: "orders", "products". */
  resource: string;
  signal?: AbortSignal;
}

const sameQuery = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/**
 * Starts a bulk query with ungrouped output, or adopts an operation already running the same query: an activity that
 * started an operation and died before returning its id must not leave a second one running when it is retried.
 */
export async function startBulkQuery(context: BulkContext, innerQuery: string): Promise<BulkOperationStarted> {
  const { client } = context;
  if (hasBulkOperationQueries(client.apiVersion)) {
    const running = await findUnfinished(context, innerQuery);
    if (running) return { id: running.id, status: running.status, adopted: true };
  }
  const { data } = await client.query<{
    bulkOperationRunQuery: {
      bulkOperation: BulkOperationNode | null;
      userErrors: { field: string[] | null; message: string; code: string | null }[];
    };
  }>(RUN, { query: innerQuery }, { signal: context.signal, cost: COST.run });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (userErrors.length === 0 && bulkOperation) {
    return { id: bulkOperation.id, status: bulkOperation.status, adopted: false };
  }
  const said = userErrors.map((e) => (e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message)).join('; ');
  const inProgress = userErrors.find(
    (e) => e.code === 'OPERATION_IN_PROGRESS' || /already in progress/i.test(e.message),
  );
  if (inProgress) {
    // Before 2026-01 one bulk query at a time: "... already in progress: gid://shopify/BulkOperation/123."
    const otherId = /gid:\/\/shopify\/BulkOperation\/\d+/.exec(inProgress.message)?.[0];
    const other = otherId ? await readOperation(context, otherId) : null;
    if (other && sameQuery(other.query, innerQuery) && (other.status === 'CREATED' || other.status === 'RUNNING')) {
      return { id: other.id, status: other.status, adopted: true };
    }
    throw ApplicationFailure.create({
      message:
        `Shopify store "${context.store}" is already running another bulk query for this app` +
        `${otherId ? ` (${otherId})` : ''}, so the ${context.resource} export cannot start yet (${said}). ` +
        `Will retry once it has finished; cancel it in the other tool if it should not be running.`,
      type: 'ShopifyBulkBusy',
      nextRetryDelay: '30s',
    });
  }
  if (userErrors.some((e) => e.code === 'LIMIT_REACHED')) {
    throw ApplicationFailure.create({
      message:
        `Shopify store "${context.store}" has as many bulk queries running for this app as it allows (${said}); ` +
        `the ${context.resource} export will retry when one finishes.`,
      type: 'ShopifyBulkBusy',
      nextRetryDelay: '30s',
    });
  }
  throw ApplicationFailure.nonRetryable(
    `Shopify store "${context.store}" refused the ${context.resource} bulk query (${said || 'no operation returned'}). ` +
      `The query comes from the resource declaration: check it against API version ${client.apiVersion} ` +
      `(at least one connection, at most five, at most two levels of nesting, no top-level node or nodes).`,
    'ShopifyBadRequest',
  );
}

/** One status check; maps Shopify's statuses and error codes to what the workflow does next. */
export async function pollBulkOperation(context: BulkContext, id: string): Promise<BulkOperationPoll> {
  const operation = await readOperation(context, id);
  if (!operation) {
    throw ApplicationFailure.nonRetryable(
      `Shopify store "${context.store}" knows no bulk operation ${id} for this app (the ${context.resource} ` +
        `export). The access token may belong to another app now; start a new sync.`,
      'ShopifyNotFound',
    );
  }
  const objectCount = Number(operation.objectCount) || 0;
  switch (operation.status) {
    case 'CREATED':
    case 'RUNNING':
      return { state: 'running', id, status: operation.status, objectCount };
    case 'COMPLETED':
      return {
        state: 'completed',
        id,
        url: operation.url,
        objectCount,
        fileSize: operation.fileSize === null ? null : Number(operation.fileSize),
      };
    case 'EXPIRED':
      return {
        state: 'rerun',
        id,
        reason: 'EXPIRED',
        message: `The result of bulk operation ${id} (${context.resource}) expired (results are kept 7 days).`,
        objectCount,
        partialDataUrl: null,
      };
    case 'CANCELING':
    case 'CANCELED':
      throw ApplicationFailure.nonRetryable(
        `The ${context.resource} bulk operation ${id} on Shopify store "${context.store}" was cancelled outside this ` +
          `sync (another tool or script using the same app). Nothing was stored from it; start the sync again, ` +
          `and stop the other tool from cancelling this app's bulk operations.`,
        'ShopifyBulkCanceled',
      );
    case 'FAILED':
      if (operation.errorCode === 'ACCESS_DENIED') {
        const scopes = context.scopes.length ? context.scopes.join(', ') : 'the scopes the query needs';
        throw ApplicationFailure.nonRetryable(
          `Shopify store "${context.store}" denied the ${context.resource} bulk operation ${id} (ACCESS_DENIED). ` +
            `The app needs the ${scopes} access scope${context.scopes.length > 1 ? 's' : ''}: grant ` +
            `${context.scopes.length > 1 ? 'them' : 'it'} in the app's configuration, release or reinstall it so the ` +
            `store approves, then sync again.`,
          'ShopifyScopeError',
        );
      }
      return {
        state: 'rerun',
        id,
        reason: operation.errorCode ?? 'FAILED',
        message:
          operation.errorCode === 'TIMEOUT'
            ? `Bulk operation ${id} (${context.resource}) timed out on Shopify's side; a narrower window may be needed.`
            : `Bulk operation ${id} (${context.resource}) failed on Shopify's side (${operation.errorCode ?? 'no error code'}).`,
        objectCount,
        partialDataUrl: operation.partialDataUrl,
      };
    default:
      throw ApplicationFailure.retryable(
        `Bulk operation ${id} has a status this project does not know ("${String(operation.status)}"); will retry.`,
        'ShopifyBadResponse',
      );
  }
}

/** Cancels an operation this sync no longer wants (the workflow was cancelled): none is left running behind. */
export async function cancelBulkOperation(context: BulkContext, id: string): Promise<{ id: string; status: string }> {
  const { data } = await context.client.query<{
    bulkOperationCancel: { bulkOperation: { id: string; status: string } | null; userErrors: { message: string }[] };
  }>(CANCEL, { id }, { signal: context.signal, cost: COST.cancel });
  const { bulkOperation, userErrors } = data.bulkOperationCancel;
  if (bulkOperation) return { id: bulkOperation.id, status: bulkOperation.status };
  // Already finished (completed, failed, cancelled): nothing left running, which is all cancelling is for.
  const current = await readOperation(context, id);
  if (current) return { id, status: current.status };
  throw ApplicationFailure.nonRetryable(
    `Could not cancel bulk operation ${id} on Shopify store "${context.store}": ${userErrors.map((e) => e.message).join('; ')}`,
    'ShopifyNotFound',
  );
}

async function readOperation(context: BulkContext, id: string): Promise<BulkOperationNode | null> {
  if (hasBulkOperationQueries(context.client.apiVersion)) {
    const { data } = await context.client.query<{ bulkOperation: BulkOperationNode | null }>(
      BY_ID_2026,
      { id },
      { signal: context.signal, cost: COST.byId },
    );
    return data.bulkOperation;
  }
  const { data } = await context.client.query<{ node: BulkOperationNode | Record<string, never> | null }>(
    BY_ID_NODE,
    { id },
    { signal: context.signal, cost: COST.byId },
  );
  return data.node && 'id' in data.node ? (data.node as BulkOperationNode) : null;
}

async function findUnfinished(context: BulkContext, innerQuery: string): Promise<BulkOperationNode | null> {
  const { data } = await context.client.query<{ bulkOperations: { nodes: BulkOperationNode[] } }>(
    UNFINISHED,
    {},
    { signal: context.signal, cost: COST.unfinished },
  );
  return (
    data.bulkOperations.nodes.find(
      (op) => (op.status === 'CREATED' || op.status === 'RUNNING') && sameQuery(op.query, innerQuery),
    ) ?? null
  );
}

/**
 * The oldest `updated_at` among the resource's records (null when it has none): where the narrower windows of an
 * operation Shopify timed out start, instead of a date long before the store's first record.
 */
export async function oldestUpdatedAt(context: BulkContext, source: GraphqlSource): Promise<string | null> {
  const { connection, incremental } = source;
  const { data } = await context.client.query<Record<string, { nodes: Record<string, string>[] }>>(
    `query OldestUpdate { ${connection}(first: 1, sortKey: ${incremental.sortKey}) { nodes { ${incremental.field} } } }`,
    {},
    { signal: context.signal, cost: COST.oldest },
  );
  return data[connection]?.nodes[0]?.[incremental.field] ?? null;
}
