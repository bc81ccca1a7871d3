import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { Socket } from 'net';
import type { FaultInjector } from './faults';
import { TOKEN_PATH, type StoreAuth } from './oauth';
import type { AdminGraphql } from './graphql/admin';
import { matchGraphqlRoute, serveGraphql } from './graphql/http';
import {
  HTML_TYPE,
  JSON_TYPE,
  NON_JSON_PAGE,
  NOT_FOUND,
  RETRY_AFTER,
  htmlErrorPage,
  statusBody,
  type JsonResponse,
} from './responses';
import type { FaultRule, RequestLogEntry } from './types';

export interface ServerDeps {
  auth: StoreAuth;
  oldestApiVersion?: string;
  faults: FaultInjector;
  log: RequestLogEntry[];
  graphql: AdminGraphql;
  resultBytesPerSecond?: number;
}

/** HTTP transport: the token endpoint, the GraphQL endpoint and bulk result files; 404 for anything else. */
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
    this.send(res, entry, { status: 404, body: NOT_FOUND, headers: {} });
  }

  /**
   * Returns true when the fault replaced the response; latency, truncation and rate-limit (a THROTTLED answer) are
   * left to the GraphQL endpoint, which wraps its real answer.
   */
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

  private send(res: ServerResponse, entry: RequestLogEntry, response: JsonResponse): void {
    entry.status = response.status;
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
