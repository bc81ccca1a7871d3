import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RESOURCE_NAMES, type ResourceName } from '../../common/contract';
import { TEST_TOKEN } from './sync-harness';

/**
 * A tiny GraphQL Admin API that serves records given as raw JSON text, byte for byte: records the emulator never
 * generates (1 MB strings, control characters, lone UTF-16 surrogates, ids at 2^53, missing fields, empty pages).
 * It answers just what a paged sync asks, recognised by the query's root field: the resources' connections (a page per
 * `after` cursor `p1`, `p2`…), their counts (aliased, in one query), `shop { ianaTimezone }` and `events` (none); with the access-token header
 * checked and a generous `extensions.cost` on every answer. Nested connections must come complete
 * (`hasNextPage: false`): it answers no follow-up queries and no bulk operations.
 */
export interface StaticGraphqlShopOptions {
  /** Each resource's pages, each page the exact JSON texts of its nodes. A resource not given serves one empty page. */
  pages?: Partial<Record<ResourceName, string[][]>>;
  token?: string;
}

export interface StaticGraphqlRequest {
  resource?: ResourceName;
  kind: 'page' | 'count' | 'shop' | 'events' | 'other';
  status: number;
  /** 0-based page served (page requests). */
  page?: number;
}

export interface StaticGraphqlShop {
  readonly url: string;
  readonly requests: StaticGraphqlRequest[];
  /** Every node served for the resource, as `JSON.parse` reads it, in the order served (a later duplicate wins). */
  nodes(resource: ResourceName): Record<string, unknown>[];
  close(): Promise<void>;
}

const GRAPHQL = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const COST = {
  requestedQueryCost: 1,
  actualQueryCost: 1,
  throttleStatus: { maximumAvailable: 20_000, currentlyAvailable: 20_000, restoreRate: 1_000 },
};
const TIME_ZONE = 'Etc/GMT+4';

export async function startStaticGraphqlShop(options: StaticGraphqlShopOptions = {}): Promise<StaticGraphqlShop> {
  const token = options.token ?? TEST_TOKEN;
  const pages = {} as Record<ResourceName, string[][]>;
  for (const name of RESOURCE_NAMES) pages[name] = options.pages?.[name] ?? [[]];
  const requests: StaticGraphqlRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const entry: StaticGraphqlRequest = { kind: 'other', status: 0 };
    requests.push(entry);
    const reply = (status: number, body: string) => {
      entry.status = status;
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    };
    const data = (json: string) => reply(200, `{"data":${json},"extensions":{"cost":${JSON.stringify(COST)}}}`);
    if (req.method !== 'POST' || !GRAPHQL.test(new URL(req.url ?? '/', 'http://localhost').pathname))
      return reply(404, '{"errors":"Not Found"}');
    if (req.headers['x-shopify-access-token'] !== token) {
      return reply(401, '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}');
    }
    let request: { query?: unknown; variables?: Record<string, unknown> };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      return reply(400, '{"errors":{"query":"Required parameter missing or invalid"}}');
    }
    const query = typeof request.query === 'string' ? request.query : '';
    const root = /\{\s*(\w+)\s*[({]/.exec(query.slice(query.indexOf('{')))?.[1] ?? '';

    if (root === 'shop') {
      entry.kind = 'shop';
      return data(JSON.stringify({ shop: { ianaTimezone: TIME_ZONE } }));
    }
    if (root === 'events') {
      entry.kind = 'events';
      return data('{"events":{"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}}}');
    }
    // The plan's counts, every resource's in one query under aliases (`w0: productsCount(query: …)`).
    const counts = [...query.matchAll(/(\w+)\s*:\s*(products|customers|orders)Count\s*\(/g)];
    if (counts.length > 0) {
      entry.kind = 'count';
      const answer = Object.fromEntries(
        counts.map(([, alias, resource]) => [
          alias,
          { count: pages[resource as ResourceName].flat().length, precision: 'EXACT' },
        ]),
      );
      return data(JSON.stringify(answer));
    }
    if ((RESOURCE_NAMES as readonly string[]).includes(root)) {
      const resource = root as ResourceName;
      const after = request.variables?.after;
      const page = typeof after === 'string' ? Number(/^p(\d+)$/.exec(after)?.[1] ?? NaN) : 0;
      Object.assign(entry, { kind: 'page', resource });
      if (!Number.isInteger(page) || page >= pages[resource].length) {
        return data(`{"${resource}":{"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}}}`);
      }
      entry.page = page;
      const more = page + 1 < pages[resource].length;
      const pageInfo = JSON.stringify({ hasNextPage: more, endCursor: more ? `p${page + 1}` : null });
      return data(`{"${resource}":{"nodes":[${pages[resource][page].join(',')}],"pageInfo":${pageInfo}}}`);
    }
    reply(200, JSON.stringify({ errors: [{ message: `The static shop does not answer ${root || 'this query'}` }] }));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nodes: (resource) => pages[resource].flat().map((text) => JSON.parse(text) as Record<string, unknown>),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
