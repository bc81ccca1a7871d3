/**
 * HTTP for the GraphQL Admin API: `POST /admin/api/{version}/graphql.json` (JSON `{query, variables}` or
 * `application/graphql`), authenticated by `X-Shopify-Access-Token`, and the bulk result downloads, which, like
 * Shopify's signed storage URLs, need no token but expire.
 */
import { createReadStream } from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { JSON_TYPE, UNAUTHORIZED } from '../responses';
import type { FaultRule, RequestLogEntry, ResourceName } from '../types';
import type { StoreAuth } from '../oauth';
import { servedVersion } from '../shop';
import type { AdminGraphql, GraphqlRequest } from './admin';

export type GraphqlRoute = { kind: 'graphql'; version: string } | { kind: 'bulk-result'; id: number; partial: boolean };

const GRAPHQL = /^\/admin\/api\/(\d{4}-(?:0[1-9]|1[0-2]))\/graphql\.json$/;
const BULK_RESULT = /^\/bulk-results\/(\d+)(-partial)?\.jsonl$/;

export function matchGraphqlRoute(pathname: string): GraphqlRoute | undefined {
  const g = GRAPHQL.exec(pathname);
  if (g) return { kind: 'graphql', version: g[1] };
  const b = BULK_RESULT.exec(pathname);
  if (b) return { kind: 'bulk-result', id: Number(b[1]), partial: b[2] !== undefined };
  return undefined;
}

export interface GraphqlHttpDeps {
  admin: AdminGraphql;
  /** Who may call: the static token and the tokens the client-credentials grant issued; one cost bucket per app. */
  auth: Pick<StoreAuth, 'accepts' | 'bucketKey'>;
  /** The store's fault rules: the resource is the query's first top-level field's. */
  pickFault: (resource: ResourceName | undefined, field: string | undefined) => FaultRule | undefined;
  /** Sends the faults that replace a response (status, html5xx, hang, reset…); false for latency and truncated. */
  sendFault: (fault: FaultRule, headers: Record<string, string>) => boolean;
  track: (timer: NodeJS.Timeout) => void;
  /** A retired version falls forward to this one (X-Shopify-API-Version says which was served). */
  oldestApiVersion?: string;
  /** Paces result downloads (a slow link); undefined = unpaced. */
  resultBytesPerSecond?: number;
}

const MAX_BODY = 1_000_000;

export function serveGraphql(
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  route: GraphqlRoute,
  deps: GraphqlHttpDeps,
): void {
  if (route.kind === 'bulk-result') {
    entry.kind = 'bulk-result';
    req.resume();
    return serveResult(req, res, entry, route, deps);
  }
  entry.kind = 'graphql';
  if (req.method !== 'POST') {
    req.resume();
    return send(res, entry, 405, { errors: 'Method Not Allowed' }, { Allow: 'POST' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    const token = req.headers['x-shopify-access-token'];
    if (!deps.auth.accepts(token)) return send(res, entry, 401, UNAUTHORIZED);
    const bucketKey = deps.auth.bucketKey(token);
    const request = readRequest(req.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'));
    if (!request || size > MAX_BODY) {
      return send(res, entry, 400, { errors: { query: 'Required parameter missing or invalid' } });
    }
    const common = { 'X-Shopify-API-Version': servedVersion(route.version, deps.oldestApiVersion) };
    const { resource, fields } = deps.admin.describe(request);
    if (resource) entry.resource = resource;
    const variables = isObject(request.variables) ? request.variables : {};
    entry.graphql = { fields, variables };
    const fault = deps.pickFault(resource, fields[0]);
    const host = req.headers.host;
    const base = host ? `http://${host}` : 'https://shop.myshopify.com';
    let answering = () => deps.admin.run(bucketKey, request, route.version, base);
    if (fault) {
      entry.fault = fault.kind;
      // GraphQL is never 429 for cost: a rate-limit fault is a THROTTLED answer, as in a throttling storm.
      if (fault.kind === 'rate-limit') {
        const throttled = deps.admin.throttled(bucketKey, request);
        answering = () => Promise.resolve(throttled);
      } else if (deps.sendFault(fault, common)) return;
    }
    answering().then(
      (answer) => {
        entry.graphql = {
          fields,
          variables,
          code: answer.code,
          requestedCost: answer.requestedCost,
          actualCost: answer.actualCost,
        };
        const body = Buffer.from(JSON.stringify(answer.body));
        const reply = () => {
          if (fault?.kind === 'truncated') {
            entry.status = 200;
            res.writeHead(200, { ...common, 'Content-Type': JSON_TYPE });
            res.end(body.subarray(0, body.length >> 1));
            return;
          }
          send(res, entry, 200, body, common);
        };
        if (fault?.kind === 'latency') {
          entry.status = 200;
          deps.track(setTimeout(reply, fault.latencyMs ?? 0));
        } else reply();
      },
      (err: Error) => {
        console.error(`shopify-store: GraphQL request failed: ${err.stack ?? err.message}`);
        send(res, entry, 200, {
          errors: [
            {
              message: 'Internal error. Looks like something went wrong on our end.',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      },
    );
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readRequest(contentType: string, text: string): GraphqlRequest | undefined {
  if (contentType.startsWith('application/graphql')) return text.trim() ? { query: text } : undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as GraphqlRequest).query !== 'string')
      return undefined;
    return parsed as GraphqlRequest;
  } catch {
    return undefined;
  }
}

/**
 * A result file as a signed storage URL serves it: no token, expiring, and resumable with `Range: bytes=N-` (206
 * with `Content-Range`; 416 for a start past the end), as Google Cloud Storage, where Shopify keeps the files, does.
 */
function serveResult(
  req: IncomingMessage,
  res: ServerResponse,
  entry: RequestLogEntry,
  route: Extract<GraphqlRoute, { kind: 'bulk-result' }>,
  deps: GraphqlHttpDeps,
): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const found = deps.admin.bulk.resultFile(route.id, route.partial, url.searchParams.get('signature'));
  const xml = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    entry.status = status;
    res.writeHead(status, { ...headers, 'Content-Type': 'application/xml; charset=UTF-8' });
    res.end(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  };
  if (found === 'expired')
    return xml(400, 'ExpiredToken', 'The provided token has expired. Request signature expired.');
  if (!found) return xml(403, 'AccessDenied', 'Access denied.');
  const range = byteRange(req.headers.range, found.size);
  if (range === 'unsatisfiable') {
    return xml(416, 'InvalidRange', 'The requested range cannot be satisfied.', {
      'Content-Range': `bytes */${found.size}`,
    });
  }
  const download = { from: range?.start ?? 0, bytesSent: 0 };
  entry.download = download;
  if (range) {
    entry.status = 206;
    res.writeHead(206, {
      'Content-Type': 'application/jsonl',
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${found.size}`,
    });
  } else {
    entry.status = 200;
    res.writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': String(found.size) });
    // Only a whole file served counts as a download.
    res.on('finish', found.downloaded);
  }
  const rate = deps.resultBytesPerSecond;
  // Paced: chunks of about a tenth of a second's worth, each sent after the time it would take to arrive.
  const highWaterMark = rate ? Math.max(1024, Math.min(64 * 1024, Math.floor(rate / 10))) : undefined;
  const file = createReadStream(found.file, { ...(range ?? {}), highWaterMark });
  res.on('close', () => file.destroy());
  if (!rate) {
    file.on('data', (chunk) => (download.bytesSent += chunk.length));
    file.pipe(res);
    return;
  }
  void (async () => {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      await new Promise((resolve) => deps.track(setTimeout(resolve, (chunk.length / rate) * 1000)));
      if (res.destroyed) return;
      download.bytesSent += chunk.length;
      res.write(chunk);
    }
    res.end();
  })().catch(() => res.destroy());
}

/** `bytes=N-` or `bytes=N-M` (one range, what resuming clients send); undefined when absent or not understood. */
function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function send(
  res: ServerResponse,
  entry: RequestLogEntry,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  entry.status = status;
  if (res.destroyed) return;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': JSON_TYPE, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}
