import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RESOURCE_NAMES, type ResourceName } from '../../common/contract';
import type { ShopifyStore } from '../../emulators/shopify';
import { TEST_TOKEN } from './sync-harness';

/**
 * A tiny Shopify-shaped server that serves pages given as raw JSON text, byte for byte: records the emulator never
 * generates (1 MB strings, control characters, lone UTF-16 surrogates, ids at 2^53, missing or unknown fields, empty
 * pages). It speaks just enough of the Admin REST API for the sync: the access-token header, `limit`/`page_info`
 * pagination with `Link` headers (and, like Shopify, a 400 when anything but `limit` or `fields` goes with
 * `page_info`), `count.json`, and the `X-Shopify-Shop-Api-Call-Limit` header.
 */
export interface StaticShopOptions {
  /** Each resource's pages, as the exact response bodies. A resource not given serves one empty page. */
  pages?: Partial<Record<ResourceName, string[]>>;
  token?: string;
}

export interface StaticRequest {
  path: string;
  resource?: ResourceName;
  kind: 'list' | 'count' | 'other';
  query: Record<string, string>;
  status: number;
  /** 0-based page served (list requests that succeeded). */
  page?: number;
}

export interface StaticShop {
  readonly url: string;
  readonly requests: StaticRequest[];
  /** TCP connections accepted since the server started. */
  readonly connections: number;
  /** The records a client gets from every page, as `JSON.parse` reads them; a later duplicate id wins. */
  records(resource: ResourceName): Record<string, unknown>[];
  /** Adapter for `compareWithStore`, which reads only `records()`. */
  asStore(): ShopifyStore;
  close(): Promise<void>;
}

const ROUTE = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/(products|customers|orders)(\/count)?\.json$/;

export async function startStaticShop(options: StaticShopOptions = {}): Promise<StaticShop> {
  const token = options.token ?? TEST_TOKEN;
  const pages = {} as Record<ResourceName, string[]>;
  for (const name of RESOURCE_NAMES) pages[name] = options.pages?.[name] ?? [JSON.stringify({ [name]: [] })];
  const requests: StaticRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const parsedRecords = (resource: ResourceName) =>
    pages[resource].flatMap((body) => (JSON.parse(body) as Record<string, Record<string, unknown>[]>)[resource]);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: StaticRequest = {
      path: url.pathname,
      kind: 'other',
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requests.push(entry);
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        'X-Shopify-Shop-Api-Call-Limit': '1/40',
        ...headers,
      });
      res.end(body);
    };
    const route = ROUTE.exec(url.pathname);
    if (!route) return reply(404, '{"errors":"Not Found"}');
    const resource = route[2] as ResourceName;
    entry.resource = resource;
    entry.kind = route[3] ? 'count' : 'list';
    if (req.headers['x-shopify-access-token'] !== token) {
      return reply(401, '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}');
    }
    if (entry.kind === 'count') return reply(200, JSON.stringify({ count: parsedRecords(resource).length }));

    const pageInfo = url.searchParams.get('page_info');
    let index = 0;
    if (pageInfo !== null) {
      const extra = [...url.searchParams.keys()].find((key) => !['page_info', 'limit', 'fields'].includes(key));
      if (extra) return reply(400, JSON.stringify({ errors: `${extra} cannot be passed when page_info is present.` }));
      index = Number(pageInfo.replace(/^p/, ''));
      if (!Number.isInteger(index) || index < 1 || index >= pages[resource].length) {
        return reply(400, '{"errors":{"page_info":"Invalid value."}}');
      }
    }
    const base = `http://${req.headers.host}/admin/api/${route[1]}/${resource}.json?limit=250&page_info=p`;
    const links: string[] = [];
    if (index > 0) links.push(`<${base}${index - 1}>; rel="previous"`);
    if (index < pages[resource].length - 1) links.push(`<${base}${index + 1}>; rel="next"`);
    entry.page = index;
    reply(200, pages[resource][index], links.length ? { Link: links.join(', ') } : {});
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const shop: StaticShop = {
    url,
    requests,
    get connections() {
      return connections;
    },
    records(resource) {
      const byId = new Map<unknown, Record<string, unknown>>();
      for (const record of parsedRecords(resource)) {
        byId.delete(record.id);
        byId.set(record.id, record);
      }
      return [...byId.values()];
    },
    asStore: () => ({ records: (resource: ResourceName) => shop.records(resource) }) as unknown as ShopifyStore,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return shop;
}

/** One page body: `{"orders":[...]}` from records already serialized (so hostile text stays exactly as written). */
export function pageBody(resource: ResourceName, recordsJson: string[]): string {
  return `{"${resource}":[${recordsJson.join(',')}]}`;
}
