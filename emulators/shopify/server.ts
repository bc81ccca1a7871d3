import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { Socket } from 'net';
import { answer, type AnyData, type ApiResponse } from './api';
import type { FaultInjector } from './faults';
import { ACCESS_SCOPES_PATH, TOKEN_PATH, type StoreAuth } from './oauth';
import type { AdminGraphql } from './graphql/admin';
import { matchGraphqlRoute, serveGraphql } from './graphql/http';
import type { LeakyBucket } from './rate-limit';
import {
  HTML_TYPE,
  JSON_TYPE,
  NON_JSON_PAGE,
  NOT_FOUND,
  RATE_LIMITED,
  RETRY_AFTER,
  UNAUTHORIZED,
  htmlErrorPage,
  statusBody,
} from './responses';
import { SHOP_ROUTE, servedVersion, shopBody, type ShopDetails } from './shop';
import type { FaultRule, RequestLogEntry, ResourceName } from './types';

export interface ServerDeps {
  datasets: Record<ResourceName, AnyData>;
  auth: StoreAuth;
  shop: ShopDetails;
  oldestApiVersion?: string;
  shopName: string;
  utcOffset: string;
  bucket: LeakyBucket;
  faults: FaultInjector;
  log: RequestLogEntry[];
  graphql: AdminGraphql;
  resultBytesPerSecond?: number;
}

const ROUTE = /^\/admin\/api\/(\d{4}-(?:0[1-9]|1[0-2]))\/(products|customers|orders)(\/count)?\.json$/;

/** HTTP transport: routing, auth, rate limiting and fault injection around the JSON API. */
export class StoreServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  url = '';

  constructor(private readonly deps: ServerDeps) {}

  resetLog(): void {
    this.deps.log.splice(0);
    this.seq = 0;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.server) return Promise.reject(new Error('already listening'));
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        const actualPort = typeof address === 'object' && address ? address.port : port;
        const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
        this.url = `http://${shown}:${actualPort}`;
        resolve(this.url);
      });
    });
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      time: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      kind: 'other',
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    this.deps.log.push(entry);
    if (url.pathname === TOKEN_PATH) {
      void this.deps.auth.grant(req).then((response) => this.send(res, entry, response));
      return;
    }
    const graphqlRoute = matchGraphqlRoute(url.pathname);
    if (graphqlRoute) {
      return serveGraphql(req, res, entry, graphqlRoute, {
        admin: this.deps.graphql,
        auth: this.deps.auth,
        pickFault: (resource, field) => this.deps.faults.pick(resource, field),
        sendFault: (fault, headers) => this.sendFault(req, res, entry, fault, headers),
        track: (timer) => this.timers.add(timer),
        oldestApiVersion: this.deps.oldestApiVersion,
        resultBytesPerSecond: this.deps.resultBytesPerSecond,
      });
    }
    req.resume(); // discard any request body
    if (url.pathname === ACCESS_SCOPES_PATH || SHOP_ROUTE.test(url.pathname))
      return this.shopInfo(req, res, entry, url);

    const route = ROUTE.exec(url.pathname);
    if (!route) return this.send(res, entry, { status: 404, body: NOT_FOUND, headers: {} });
    const resource = route[2] as ResourceName;
    entry.resource = resource;
    entry.kind = route[3] ? 'count' : 'list';
    if (req.method !== 'GET') {
      return this.send(res, entry, { status: 405, body: { errors: 'Method Not Allowed' }, headers: { Allow: 'GET' } });
    }
    const token = req.headers['x-shopify-access-token'];
    if (!this.deps.auth.accepts(token)) return this.send(res, entry, { status: 401, body: UNAUTHORIZED, headers: {} });

    const bucket = this.deps.bucket.take(this.deps.auth.bucketKey(token));
    const common = {
      'X-Shopify-Shop-Api-Call-Limit': bucket.header,
      'X-Shopify-API-Version': servedVersion(route[1], this.deps.oldestApiVersion),
    };
    if (!bucket.allowed) return this.send(res, entry, rateLimited(common));

    const fault = this.deps.faults.pick(resource);
    if (fault) entry.fault = fault.kind;
    if (fault && this.sendFault(req, res, entry, fault, common)) return;

    const host = req.headers.host;
    const response = answer(
      this.deps.datasets[resource],
      {
        resource,
        version: route[1],
        kind: entry.kind,
        query: url.searchParams,
        base: host ? `http://${host}` : `https://${this.deps.shopName}.myshopify.com`,
      },
      this.deps.utcOffset,
    );
    response.headers = { ...common, ...response.headers };
    if (fault?.kind === 'latency') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(res, entry, response);
      }, fault.latencyMs ?? 0);
      this.timers.add(timer);
      entry.status = response.status;
      entry.returned = response.returned;
      return;
    }
    if (fault?.kind === 'truncated' && response.status === 200) {
      const full = Buffer.from(JSON.stringify(response.body));
      // No Content-Length: the response ends cleanly but the JSON is cut in half.
      res.writeHead(200, { ...response.headers, 'Content-Type': JSON_TYPE });
      res.end(full.subarray(0, full.length >> 1));
      entry.status = 200;
      entry.returned = response.returned;
      return;
    }
    this.send(res, entry, response);
  }

  /** `shop.json` and `access_scopes.json`: authenticated and rate limited like the resources, never faulted. */
  private shopInfo(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, url: URL): void {
    if (req.method !== 'GET') {
      return this.send(res, entry, { status: 405, body: { errors: 'Method Not Allowed' }, headers: { Allow: 'GET' } });
    }
    const token = req.headers['x-shopify-access-token'];
    if (!this.deps.auth.accepts(token)) return this.send(res, entry, { status: 401, body: UNAUTHORIZED, headers: {} });
    const bucket = this.deps.bucket.take(this.deps.auth.bucketKey(token));
    const headers: Record<string, string> = { 'X-Shopify-Shop-Api-Call-Limit': bucket.header };
    if (!bucket.allowed) return this.send(res, entry, rateLimited(headers));
    const version = SHOP_ROUTE.exec(url.pathname)?.[1];
    if (!version) return this.send(res, entry, { ...this.deps.auth.accessScopes(), headers });
    headers['X-Shopify-API-Version'] = servedVersion(version, this.deps.oldestApiVersion);
    const body = shopBody(this.deps.shopName, this.deps.utcOffset, this.deps.shop);
    this.send(res, entry, { status: 200, body, headers });
  }

  /** Returns true when the fault replaced the response; latency and truncation wrap the real one. */
  private sendFault(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RequestLogEntry,
    fault: FaultRule,
    common: Record<string, string>,
  ): boolean {
    switch (fault.kind) {
      case 'status': {
        const status = fault.status ?? 500;
        const headers: Record<string, string> = status === 429 ? { ...common, 'Retry-After': RETRY_AFTER } : common;
        this.send(res, entry, { status, body: statusBody(status), headers });
        return true;
      }
      case 'html5xx': {
        const status = fault.status ?? 502;
        entry.status = status;
        res.writeHead(status, { ...common, 'Content-Type': HTML_TYPE });
        res.end(htmlErrorPage(status));
        return true;
      }
      case 'non-json':
        entry.status = 200;
        res.writeHead(200, { ...common, 'Content-Type': HTML_TYPE });
        res.end(NON_JSON_PAGE);
        return true;
      case 'rate-limit':
        this.send(res, entry, rateLimited(common));
        return true;
      case 'hang':
        return true; // the socket stays open until the client gives up or close() runs
      case 'reset': {
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
        return true;
      }
      default:
        return false;
    }
  }

  private send(res: ServerResponse, entry: RequestLogEntry, response: ApiResponse): void {
    entry.status = response.status;
    if (response.returned !== undefined) entry.returned = response.returned;
    if (res.destroyed) return;
    const body = Buffer.from(JSON.stringify(response.body));
    res.writeHead(response.status, {
      ...response.headers,
      'Content-Type': JSON_TYPE,
      'Content-Length': String(body.length),
    });
    res.end(body);
  }
}

function rateLimited(common: Record<string, string>): ApiResponse {
  return { status: 429, body: RATE_LIMITED, headers: { ...common, 'Retry-After': RETRY_AFTER } };
}
