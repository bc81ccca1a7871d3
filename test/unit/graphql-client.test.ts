import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import type { AccessTokenSource } from '../../activities/shopify/access-token';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { failureOf } from '../helpers/failures';

/** The GraphQL client against tiny local servers answering in the shapes Shopify documents. */

interface Received {
  method: string;
  url: string;
  token: string | undefined;
  contentType: string | undefined;
  body: { query: string; variables: Record<string, unknown> };
}

type Handler = (request: Received, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function shop(handler: Handler): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const request: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        token: req.headers['x-shopify-access-token'] as string | undefined,
        contentType: req.headers['content-type'],
        body: raw ? JSON.parse(raw) : { query: '', variables: {} },
      };
      received.push(request);
      handler(request, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const costOf = (requested: number, available = 1990, actual: number | null = requested) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 },
  },
});

function json(res: http.ServerResponse, body: unknown, status = 200) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function tokens(kind: AccessTokenSource['kind'] = 'static', initial = 'shpat_old', renewed = 'shpat_new') {
  const renewals: string[] = [];
  const source: AccessTokenSource = {
    kind,
    token: async () => initial,
    renewAfterRejection: async (rejected) => {
      renewals.push(rejected);
      return renewed;
    },
    expiresAt: () => null,
  };
  return { source, renewals };
}

function client(url: string, options: { tokens?: AccessTokenSource; pacer?: CostPacer; timeoutMs?: number } = {}) {
  return new GraphqlClient({
    store: 'unit-store',
    baseUrl: url,
    apiVersion: '2026-10',
    timeoutMs: options.timeoutMs ?? 5_000,
    tokens: options.tokens ?? tokens().source,
    pacer: options.pacer ?? new CostPacer(),
  });
}

const SHOP_QUERY = 'query { shop { name } }';

describe('GraphqlClient', () => {
  it('POSTs the query and variables as JSON to /admin/api/{version}/graphql.json with the access token', async () => {
    const { url, received } = await shop((_req, res) =>
      json(res, { data: { shop: { name: 'Unit' } }, extensions: costOf(1) }),
    );
    const result = await client(url).query<{ shop: { name: string } }>(SHOP_QUERY, { first: 3 });
    expect(result.data.shop.name).toBe('Unit');
    expect(result).toMatchObject({ requests: 1, throttledMs: 0, cost: { requestedQueryCost: 1 } });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/admin/api/2026-10/graphql.json',
        token: 'shpat_old',
        contentType: 'application/json',
        body: { query: SHOP_QUERY, variables: { first: 3 } },
      },
    ]);
  });

  it('takes the token after waiting for the bucket, so a wait does not send a token that expired meanwhile', async () => {
    let now = 'before the wait';
    const source: AccessTokenSource = {
      kind: 'client-credentials',
      token: async () => (now === 'before the wait' ? 'token-expiring' : 'token-current'),
      renewAfterRejection: async () => 'token-renewed',
      expiresAt: () => null,
    };
    const pacer = new CostPacer();
    const acquire = pacer.acquire.bind(pacer);
    pacer.acquire = async (cost) => {
      const ticket = await acquire(cost);
      now = 'after the wait'; // the token source renewed its token while the query waited for points
      return ticket;
    };
    const { url, received } = await shop((_req, res) =>
      json(res, { data: { shop: { name: 'Unit' } }, extensions: costOf(1) }),
    );
    await client(url, { tokens: source, pacer }).query(SHOP_QUERY);
    expect(received.map((r) => r.token)).toEqual(['token-current']);
  });

  it('on 401 asks the token source for a new token once and sends the query again with it', async () => {
    const source = tokens('client-credentials', 'expired-token', 'fresh-token');
    const { url, received } = await shop((req, res) =>
      req.token === 'fresh-token'
        ? json(res, { data: { shop: { name: 'Unit' } }, extensions: costOf(1) })
        : json(res, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401),
    );
    const result = await client(url, { tokens: source.source }).query(SHOP_QUERY);
    expect(result.data).toEqual({ shop: { name: 'Unit' } });
    expect(result.requests).toBe(2);
    expect(source.renewals).toEqual(['expired-token']);
    expect(received.map((r) => r.token)).toEqual(['expired-token', 'fresh-token']);
  });

  it('a second 401 after renewing is a non-retryable failure that says which token to check', async () => {
    const source = tokens('static');
    const { url, received } = await shop((_req, res) =>
      json(res, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }, 401),
    );
    const failure = await failureOf(client(url, { tokens: source.source }).query(SHOP_QUERY));
    expect(failure.type).toBe('ShopifyAuthError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/rejected the access token twice \(401.*Invalid API key.*SHOPIFY_API_TOKEN/);
    expect(source.renewals).toEqual(['shpat_old']);
    expect(received).toHaveLength(2);
  });

  it('a client-credentials token rejected after renewal points at the client id and secret', async () => {
    const { url } = await shop((_req, res) => json(res, { errors: 'Unauthorized' }, 401));
    const failure = await failureOf(client(url, { tokens: tokens('client-credentials').source }).query(SHOP_QUERY));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/client id and secret/);
  });

  it('waits out a THROTTLED answer exactly (requested − currentlyAvailable) / restoreRate, then retries', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const pacer = new CostPacer({ now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) });
    let answers = 0;
    const { url } = await shop((_req, res) => {
      answers += 1;
      if (answers === 1) {
        json(res, {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: costOf(752, 152, null),
        });
      } else {
        json(res, { data: { shop: { name: 'Unit' } }, extensions: costOf(752, 0, 12) });
      }
    });
    const result = await client(url, { pacer }).query(SHOP_QUERY, {}, { cost: 752 });
    expect(result.requests).toBe(2);
    expect(sleeps).toEqual([6000]); // (752 − 152) / 100 points per second
    expect(result.throttledMs).toBe(6000);
  });

  it('a THROTTLED body sent with HTTP 429 instead of 200 is paced the same way', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const pacer = new CostPacer({ now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) });
    let answers = 0;
    const { url } = await shop((_req, res) => {
      answers += 1;
      if (answers === 1) {
        json(
          res,
          { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: costOf(300, 100, null) },
          429,
        );
      } else {
        json(res, { data: { shop: { name: 'Unit' } }, extensions: costOf(300) });
      }
    });
    const result = await client(url, { pacer }).query(SHOP_QUERY, {}, { cost: 300 });
    expect(result.requests).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('learns a query cost from its first answer and asks the pacer for it next time', async () => {
    const acquired: (number | undefined)[] = [];
    const pacer = new CostPacer();
    const original = pacer.acquire.bind(pacer);
    pacer.acquire = (cost?: number) => (acquired.push(cost), original(cost));
    const { url } = await shop((_req, res) => json(res, { data: { shop: { name: 'x' } }, extensions: costOf(42) }));
    const graphql = client(url, { pacer });
    await graphql.query(SHOP_QUERY);
    await graphql.query(SHOP_QUERY);
    expect(acquired).toEqual([undefined, 42]);
  });

  it('gives up after repeated THROTTLED answers with a retryable failure that says when to come back', async () => {
    let now = 0;
    const pacer = new CostPacer({ now: () => now, sleep: async (ms) => void (now += ms) });
    const { url, received } = await shop((_req, res) =>
      json(res, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: costOf(500, 0, null),
      }),
    );
    const graphql = new GraphqlClient({
      store: 'unit-store',
      baseUrl: url,
      apiVersion: '2026-10',
      timeoutMs: 5_000,
      tokens: tokens().source,
      pacer,
      maxThrottledRetries: 2,
    });
    const failure = await failureOf(graphql.query(SHOP_QUERY));
    expect(received).toHaveLength(3);
    expect(failure.type).toBe('ShopifyRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeDefined();
    expect(failure.message).toMatch(/THROTTLED 3 times.*0 of 2000 points available, 500 requested/);
  });

  it('ACCESS_DENIED is non-retryable and names the missing scope', async () => {
    const { url } = await shop((_req, res) =>
      json(res, {
        data: null,
        errors: [
          {
            message: 'Access denied for orders field. Required access: `read_orders` access scope.',
            locations: [{ line: 1, column: 9 }],
            path: ['orders'],
            extensions: {
              code: 'ACCESS_DENIED',
              documentation: 'https://shopify.dev/api/usage/access-scopes',
              requiredAccess: '`read_orders` access scope.',
            },
          },
        ],
        extensions: costOf(10),
      }),
    );
    const failure = await failureOf(client(url).query('query { orders(first: 1) { nodes { id } } }'));
    expect(failure.type).toBe('ShopifyScopeError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/Grant the app the read_orders access scope/);
    expect(failure.message).toMatch(/at orders/);
  });

  it('MAX_COST_EXCEEDED is non-retryable and says to lower the page size', async () => {
    const { url } = await shop((_req, res) =>
      json(res, {
        errors: [
          {
            message: 'Query cost is 5052, which exceeds the single query max cost limit (1000).',
            extensions: { code: 'MAX_COST_EXCEEDED', cost: 5052, maxCost: 1000 },
          },
        ],
        extensions: costOf(5052, 2000, null),
      }),
    );
    const failure = await failureOf(client(url).query(SHOP_QUERY));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ShopifyBadRequest');
    expect(failure.message).toMatch(/5052.*at most 1,000 cost points.*lower the page size/);
  });

  it('a validation error (HTTP 200, no code) is a non-retryable bad query naming the API version', async () => {
    const { url } = await shop((_req, res) =>
      json(res, {
        errors: [
          {
            message: "Field 'nmae' doesn't exist on type 'Shop'",
            locations: [{ line: 1, column: 16 }],
            path: ['query', 'shop', 'nmae'],
            extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'nmae' },
          },
        ],
      }),
    );
    const failure = await failureOf(client(url).query('query { shop { nmae } }'));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('ShopifyBadRequest');
    expect(failure.message).toMatch(/invalid for API version 2026-10.*'nmae' doesn't exist.*query\.shop\.nmae/);
  });

  it('INTERNAL_SERVER_ERROR in errors[] is retryable', async () => {
    const { url } = await shop((_req, res) =>
      json(res, {
        errors: [
          {
            message: 'Internal error. Looks like something went wrong on our end.',
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'abc' },
          },
        ],
      }),
    );
    const failure = await failureOf(client(url).query(SHOP_QUERY));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyUnavailable');
  });

  it('HTTP 503 is retryable; HTTP 404 is non-retryable and names the store and version to check', async () => {
    const unavailable = await shop((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
    });
    const down = await failureOf(client(unavailable.url).query(SHOP_QUERY));
    expect(down.nonRetryable).toBe(false);
    expect(down.message).toMatch(/unavailable \(503/);

    const missing = await shop((_req, res) => json(res, { errors: 'Not Found' }, 404));
    const notFound = await failureOf(client(missing.url).query(SHOP_QUERY));
    expect(notFound.nonRetryable).toBe(true);
    expect(notFound.message).toMatch(/404.*SHOPIFY_STORE.*SHOPIFY_API_VERSION \("2026-10"\)/);
  });

  it('a 200 whose body is not complete JSON is retryable', async () => {
    const { url } = await shop((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":{"shop":{"na');
    });
    const failure = await failureOf(client(url).query(SHOP_QUERY));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyBadResponse');
    expect(failure.message).toMatch(/not complete JSON/);
  });

  it('a body cut off by a dropped connection is a retryable network failure', async () => {
    const { url } = await shop((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
      res.write('{"data":{"shop":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const failure = await failureOf(client(url).query(SHOP_QUERY));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyUnavailable');
  });

  it('no answer in time and a refused connection are retryable, saying which', async () => {
    const { url } = await shop(() => undefined); // never answers
    const slow = await failureOf(client(url, { timeoutMs: 200 }).query(SHOP_QUERY));
    expect(slow.nonRetryable).toBe(false);
    expect(slow.message).toMatch(/timed out after 200 ms/);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failureOf(client(`http://127.0.0.1:${port}`).query(SHOP_QUERY));
    expect(refused.nonRetryable).toBe(false);
    expect(refused.type).toBe('ShopifyUnavailable');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('a failed request does not keep its cost reserved in the pacer forever', async () => {
    const pacer = new CostPacer();
    const { url } = await shop((_req, res) => res.socket?.destroy());
    await failureOf(client(url, { pacer }).query(SHOP_QUERY));
    // Unknown bucket, nothing in flight any more: the next query is let through at once.
    const ticket = await Promise.race([
      pacer.acquire(1),
      new Promise((resolve) => setTimeout(() => resolve('blocked'), 500)),
    ]);
    expect(ticket).not.toBe('blocked');
  });
});
