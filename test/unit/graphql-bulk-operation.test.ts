import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cancelBulkOperation,
  pollBulkOperation,
  startBulkQuery,
  type BulkContext,
} from '../../activities/shopify/graphql/bulk-operation';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { createShopifyStore } from '../../emulators/shopify';
import { failureOf } from '../helpers/failures';

/** Bulk operations against a tiny local server answering in the shapes of Shopify's bulk operation docs. */

const ORDERS_QUERY = `{
  orders(query: "updated_at:>='2026-11-01T00:00:00Z'") {
    edges { node { id name lineItems { edges { node { id quantity } } } } }
  }
}`;

interface Operation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

function operation(fields: Partial<Operation> = {}): Operation {
  return {
    id: 'gid://shopify/BulkOperation/720918',
    status: 'RUNNING',
    errorCode: null,
    objectCount: '0',
    fileSize: null,
    url: null,
    partialDataUrl: null,
    query: ORDERS_QUERY,
    ...fields,
  };
}

const EXTENSIONS = {
  cost: {
    requestedQueryCost: 10,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
  },
};

interface Request {
  query: string;
  variables: Record<string, unknown>;
}

/** Answers by what the document asks for; `data` returns the `data` object for one request. */
async function shop(data: (request: Request) => unknown) {
  const received: Request[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const request = JSON.parse(raw) as Request;
      received.push(request);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: data(request), extensions: EXTENSIONS }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const servers: http.Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

function context(url: string, apiVersion = '2026-10'): BulkContext {
  return {
    client: new GraphqlClient({
      store: 'unit-store',
      baseUrl: url,
      apiVersion,
      timeoutMs: 5_000,
      tokens: { kind: 'static', token: async () => 't', renewAfterRejection: async () => 't', expiresAt: () => null },
      pacer: new CostPacer(),
    }),
    store: 'unit-store',
    scopes: ['read_orders', 'read_all_orders'],
    resource: 'orders',
  };
}

const kind = (request: Request) =>
  /bulkOperationRunQuery/.test(request.query)
    ? 'run'
    : /bulkOperationCancel/.test(request.query)
      ? 'cancel'
      : /bulkOperations\(/.test(request.query)
        ? 'list'
        : /bulkOperation\(id/.test(request.query)
          ? 'byId'
          : /node\(id/.test(request.query)
            ? 'node'
            : 'other';

describe('startBulkQuery', () => {
  it('runs the query with groupObjects: false and returns the operation id as plain data', async () => {
    const { url, received } = await shop((request) =>
      kind(request) === 'list'
        ? { bulkOperations: { nodes: [] } }
        : { bulkOperationRunQuery: { bulkOperation: operation({ status: 'CREATED' }), userErrors: [] } },
    );
    const started = await startBulkQuery(context(url), ORDERS_QUERY);
    expect(started).toEqual({ id: 'gid://shopify/BulkOperation/720918', status: 'CREATED', adopted: false });
    expect(JSON.parse(JSON.stringify(started))).toEqual(started);
    expect(received.map(kind)).toEqual(['list', 'run']);
    expect(received[1].query).toMatch(/bulkOperationRunQuery\(query: \$query, groupObjects: false\)/);
    expect(received[1].variables).toEqual({ query: ORDERS_QUERY });
  });

  it('adopts an operation already running the same query instead of starting a second one', async () => {
    const { url, received } = await shop((request) => {
      expect(kind(request)).toBe('list');
      return {
        bulkOperations: {
          nodes: [
            operation({
              id: 'gid://shopify/BulkOperation/1',
              status: 'RUNNING',
              query: '{ products { edges { node { id } } } }',
            }),
            // The same query as Shopify echoes it back, differently spaced.
            operation({
              id: 'gid://shopify/BulkOperation/2',
              status: 'RUNNING',
              query: ORDERS_QUERY.replace(/\n\s*/g, ' '),
            }),
            operation({ id: 'gid://shopify/BulkOperation/3', status: 'FAILED', errorCode: 'TIMEOUT' }),
          ],
        },
      };
    });
    const started = await startBulkQuery(context(url), ORDERS_QUERY);
    expect(started).toEqual({ id: 'gid://shopify/BulkOperation/2', status: 'RUNNING', adopted: true });
    expect(received.map(kind)).toEqual(['list']);
  });

  it('before 2026-01, "already in progress" for the same query adopts it; for another query it waits', async () => {
    const inProgress = (id: string) => ({
      bulkOperationRunQuery: {
        bulkOperation: null,
        userErrors: [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress: ${id}.`,
            code: 'OPERATION_IN_PROGRESS',
          },
        ],
      },
    });
    const same = await shop((request) =>
      kind(request) === 'run'
        ? inProgress('gid://shopify/BulkOperation/55')
        : { node: operation({ id: 'gid://shopify/BulkOperation/55' }) },
    );
    const adopted = await startBulkQuery(context(same.url, '2025-10'), ORDERS_QUERY);
    expect(adopted).toEqual({ id: 'gid://shopify/BulkOperation/55', status: 'RUNNING', adopted: true });
    expect(same.received.map(kind)).toEqual(['run', 'node']);

    const other = await shop((request) =>
      kind(request) === 'run'
        ? inProgress('gid://shopify/BulkOperation/77')
        : {
            node: operation({ id: 'gid://shopify/BulkOperation/77', query: '{ products { edges { node { id } } } }' }),
          },
    );
    const busy = await failureOf(startBulkQuery(context(other.url, '2025-10'), ORDERS_QUERY));
    expect(busy.type).toBe('ShopifyBulkBusy');
    expect(busy.nonRetryable).toBe(false);
    expect(busy.nextRetryDelay).toBeDefined();
    expect(busy.message).toMatch(/another bulk query.*BulkOperation\/77.*orders export cannot start yet/);
  });

  it('LIMIT_REACHED is retryable later; an invalid query is a non-retryable failure quoting Shopify', async () => {
    const limited = await shop((request) =>
      kind(request) === 'list'
        ? { bulkOperations: { nodes: [] } }
        : {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: [
                {
                  field: null,
                  message: 'Bulk operations limit reached. Please try again later.',
                  code: 'LIMIT_REACHED',
                },
              ],
            },
          },
    );
    const busy = await failureOf(startBulkQuery(context(limited.url), ORDERS_QUERY));
    expect(busy.nonRetryable).toBe(false);
    expect(busy.type).toBe('ShopifyBulkBusy');

    const invalid = await shop((request) =>
      kind(request) === 'list'
        ? { bulkOperations: { nodes: [] } }
        : {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: [
                {
                  field: ['query'],
                  message: 'Bulk queries cannot contain more than 5 connections.',
                  code: 'INVALID',
                },
              ],
            },
          },
    );
    const failure = await failureOf(startBulkQuery(context(invalid.url), ORDERS_QUERY));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ShopifyBadRequest');
    expect(failure.message).toMatch(/query: Bulk queries cannot contain more than 5 connections/);
  });
});

describe('pollBulkOperation', () => {
  async function poll(fields: Partial<Operation>, apiVersion = '2026-10') {
    const server = await shop((request) =>
      kind(request) === 'byId' ? { bulkOperation: operation(fields) } : { node: operation(fields) },
    );
    const result = pollBulkOperation(context(server.url, apiVersion), 'gid://shopify/BulkOperation/720918');
    return { result, received: server.received };
  }

  it('reads one operation by id with bulkOperation(id:) from 2026-01 and node(id:) before', async () => {
    const current = await poll({ status: 'RUNNING', objectCount: '1520' });
    expect(await current.result).toEqual({
      state: 'running',
      id: 'gid://shopify/BulkOperation/720918',
      status: 'RUNNING',
      objectCount: 1520,
    });
    expect(current.received.map(kind)).toEqual(['byId']);
    expect(current.received[0].variables).toEqual({ id: 'gid://shopify/BulkOperation/720918' });

    const older = await poll({ status: 'CREATED' }, '2025-10');
    expect(await older.result).toMatchObject({ state: 'running', status: 'CREATED' });
    expect(older.received.map(kind)).toEqual(['node']);
  });

  it('COMPLETED gives the url, object count and size', async () => {
    const { result } = await poll({
      status: 'COMPLETED',
      objectCount: '48211',
      fileSize: '9912034',
      url: 'https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-result.jsonl?X-Goog-Signature=abc',
    });
    const completed = await result;
    expect(completed).toEqual({
      state: 'completed',
      id: 'gid://shopify/BulkOperation/720918',
      url: 'https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-result.jsonl?X-Goog-Signature=abc',
      objectCount: 48211,
      fileSize: 9912034,
    });
    expect(JSON.parse(JSON.stringify(completed))).toEqual(completed);
  });

  it('COMPLETED with nothing matched has no url', async () => {
    const { result } = await poll({ status: 'COMPLETED', objectCount: '0', url: null });
    expect(await result).toMatchObject({ state: 'completed', url: null, objectCount: 0 });
  });

  it('FAILED with INTERNAL_SERVER_ERROR or TIMEOUT asks for a new operation, keeping the partial data url', async () => {
    const internal = await poll({
      status: 'FAILED',
      errorCode: 'INTERNAL_SERVER_ERROR',
      objectCount: '300',
      partialDataUrl: 'https://storage.example/partial.jsonl',
    });
    expect(await internal.result).toMatchObject({
      state: 'rerun',
      reason: 'INTERNAL_SERVER_ERROR',
      objectCount: 300,
      partialDataUrl: 'https://storage.example/partial.jsonl',
    });
    const timeout = await poll({ status: 'FAILED', errorCode: 'TIMEOUT' });
    const rerun = await timeout.result;
    expect(rerun).toMatchObject({ state: 'rerun', reason: 'TIMEOUT', partialDataUrl: null });
    expect(rerun.state === 'rerun' && rerun.message).toMatch(/timed out.*narrower window/);
  });

  it('EXPIRED asks for the operation to run again', async () => {
    const { result } = await poll({ status: 'EXPIRED' });
    expect(await result).toMatchObject({ state: 'rerun', reason: 'EXPIRED' });
  });

  it('FAILED with ACCESS_DENIED is non-retryable and names the scopes the query needs', async () => {
    const { result } = await poll({ status: 'FAILED', errorCode: 'ACCESS_DENIED' });
    const failure = await failureOf(result);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ShopifyScopeError');
    expect(failure.message).toMatch(
      /orders bulk operation .*ACCESS_DENIED.*read_orders, read_all_orders access scopes/,
    );
  });

  it('CANCELED by someone else is a clear non-retryable failure', async () => {
    const { result } = await poll({ status: 'CANCELED' });
    const failure = await failureOf(result);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ShopifyBulkCanceled');
    expect(failure.message).toMatch(/cancelled outside this sync.*start the sync again/);
  });

  it('an operation Shopify does not know is a non-retryable failure', async () => {
    const server = await shop(() => ({ bulkOperation: null }));
    const failure = await failureOf(pollBulkOperation(context(server.url), 'gid://shopify/BulkOperation/1'));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/knows no bulk operation gid:\/\/shopify\/BulkOperation\/1/);
  });
});

describe('cancelBulkOperation', () => {
  it('cancels by id; an operation that already finished is reported with its status', async () => {
    const running = await shop(() => ({
      bulkOperationCancel: {
        bulkOperation: { id: 'gid://shopify/BulkOperation/9', status: 'CANCELING' },
        userErrors: [],
      },
    }));
    expect(await cancelBulkOperation(context(running.url), 'gid://shopify/BulkOperation/9')).toEqual({
      id: 'gid://shopify/BulkOperation/9',
      status: 'CANCELING',
    });
    expect(running.received[0].variables).toEqual({ id: 'gid://shopify/BulkOperation/9' });

    const finished = await shop((request) =>
      kind(request) === 'cancel'
        ? {
            bulkOperationCancel: {
              bulkOperation: null,
              userErrors: [{ field: ['id'], message: 'A bulk operation cannot be canceled when it is completed' }],
            },
          }
        : { bulkOperation: operation({ id: 'gid://shopify/BulkOperation/9', status: 'COMPLETED' }) },
    );
    expect(await cancelBulkOperation(context(finished.url), 'gid://shopify/BulkOperation/9')).toEqual({
      id: 'gid://shopify/BulkOperation/9',
      status: 'COMPLETED',
    });
  });
});

describe('cost of the bulk requests', () => {
  it('a fresh pacer lets five status checks through at once: each states its small cost instead of 1,000 points', async () => {
    const store = createShopifyStore({ accessToken: 't', products: 5, graphql: { bulk: { durationMs: 5_000 } } });
    const url = await store.listen(0);
    try {
      const ids: string[] = [];
      for (let k = 1; k <= 5; k++) {
        const window = `{ products(query: "updated_at:>='2026-0${k}-01T00:00:00Z'") { edges { node { id } } } }`;
        ids.push((await startBulkQuery(context(url), window)).id);
      }
      expect(new Set(ids).size).toBe(5);
      store.clearRequestLog();
      // Another client of the app spent some of the bucket: 1,000-point reservations would have to wait for it.
      await store.graphql.competingClient({ burst: 600, durationMs: 0 });
      const shared = context(url);
      const started = Date.now();
      const polls = await Promise.all(ids.map((id) => pollBulkOperation(shared, id)));
      expect(polls.map((p) => p.state)).toEqual(Array(5).fill('running'));
      // Reserving 1,000 points for each check of a document not yet answered, the later ones waited seconds.
      expect(Date.now() - started).toBeLessThan(2_000);
      const requested = store.requestLog.map((entry) => entry.graphql?.requestedCost);
      expect(requested.every((cost) => cost !== undefined && cost <= 12)).toBe(true);
      expect(store.requestLog.filter((entry) => entry.graphql?.code === 'THROTTLED')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
