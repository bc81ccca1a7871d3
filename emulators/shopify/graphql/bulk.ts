/**
 * Bulk query operations: CREATED → RUNNING → COMPLETED (or FAILED, CANCELING → CANCELED, EXPIRED), the result
 * written as JSONL to a temporary file chunk by chunk (never held whole) and served from a signed URL on the
 * same server. Children go on lines of their own with `__parentId`; ungrouped (the default since 2026-01) they
 * are deliberately far from their parents, some before them.
 */
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'fs';
import { randomBytes } from 'crypto';
import { tmpdir } from 'os';
import { join } from 'path';
import type { GraphQLSchema } from 'graphql';
import type { ResourceName } from '../types';
import { BulkQueryError, linesOf, prepareBulkQuery, rootNodes, type BulkQuery } from './bulk-query';
import { compileProjector } from './project';
import { SCOPE_OF, type BulkChunk, type RequestContext } from './resolvers';
import { gid, parseGid } from './shapes';

type Json = Record<string, unknown>;

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';
export type BulkErrorCode = 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT';

export interface BulkOptions {
  /** The least time an operation stays RUNNING, so tests can act while it runs (default 0). */
  durationMs?: number;
  /** How long result URLs stay valid (Shopify: 7 days). */
  urlTtlMs?: number;
  /** Top-level records per executed chunk (default 250). */
  chunkSize?: number;
}

/**
 * What may go wrong with an operation: Shopify fails it (`errorCode`), or it completes but its result has expired by
 * the time anyone reads it (`resultExpired`, as when it is read more than 7 days after it completed).
 */
export type BulkFault = (
  | {
      errorCode: BulkErrorCode;
      /** INTERNAL_SERVER_ERROR and TIMEOUT: top-level records written before the failure (default: half). */
      partialRecords?: number;
      /**
       * Only operations whose query matches more than this many top-level records fail (after writing one more than
       * that); narrower ones complete. How a store too big for one operation behaves.
       */
      widerThan?: number;
    }
  | { resultExpired: true }
) & {
  /** Only operations over this resource; undefined = any. */
  resource?: ResourceName;
  /** Only the nth matching operation (1-based, counted since the faults were set); undefined = every one. */
  nth?: number;
};

export interface BulkOperationInfo {
  id: string;
  resource: ResourceName;
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  groupObjects: boolean;
  /** Result (or partial data) downloads served in full. */
  downloads: number;
}

interface Operation extends BulkOperationInfo {
  numericId: number;
  query: string;
  createdAt: string;
  completedAt: string | null;
  file: string;
  signature: string;
  expiresAt: number;
  cancelRequested: boolean;
}

export interface BulkDeps {
  schema: GraphQLSchema;
  /** The root resolvers (built after this, as they answer the bulk fields too). */
  root: () => Json;
  accessScopes: () => readonly string[];
  count: (resource: ResourceName) => number;
  now: () => number;
}

export class BulkOperations {
  private readonly ops = new Map<number, Operation>();
  private readonly started: Record<ResourceName, number> = { products: 0, customers: 0, orders: 0 };
  private faults: { fault: BulkFault; seen: number }[] = [];
  private nextId = 4_412_000_000_001;
  private dir?: string;
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  private readonly streams = new Set<WriteStream>();

  constructor(
    private readonly deps: BulkDeps,
    private readonly options: BulkOptions = {},
  ) {}

  /** How many operations were started for each resource since the store was created (or the counts reset). */
  startedCounts(): Record<ResourceName, number> {
    return { ...this.started };
  }

  resetCounts(): void {
    for (const key of Object.keys(this.started) as ResourceName[]) this.started[key] = 0;
  }

  setFaults(faults: BulkFault[]): void {
    this.faults = faults.map((fault) => ({ fault, seen: 0 }));
  }

  list(): BulkOperationInfo[] {
    return [...this.ops.values()].map((op) => this.info(op));
  }

  /** Runs the `bulkOperationRunQuery` mutation. */
  run(query: string, groupObjects: boolean, request: { version: string; base: string }): Json {
    const { version, base } = request;
    let prepared: BulkQuery;
    try {
      prepared = prepareBulkQuery(this.deps.schema, query);
    } catch (err) {
      if (!(err instanceof BulkQueryError)) throw err;
      return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: err.message }] };
    }
    const active = [...this.ops.values()].filter((op) => ['CREATED', 'RUNNING', 'CANCELING'].includes(op.status));
    // Up to 5 concurrent bulk queries per app and shop from API 2026-01, one before.
    const limit = version >= '2026-01' ? 5 : 1;
    if (active.length >= limit) {
      return {
        bulkOperation: null,
        userErrors: [
          limit === 1
            ? {
                code: 'OPERATION_IN_PROGRESS',
                field: null,
                message: `A bulk query operation for this app and shop is already in progress: ${active[0].id}.`,
              }
            : { code: 'LIMIT_REACHED', field: null, message: 'Bulk operations limit reached. Please try again later.' },
        ],
      };
    }
    const numericId = this.nextId++;
    const op: Operation = {
      id: gid('BulkOperation', numericId),
      numericId,
      resource: prepared.resource,
      query,
      status: 'CREATED',
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      groupObjects,
      downloads: 0,
      createdAt: this.iso(),
      completedAt: null,
      file: join(this.tempDir(), `${numericId}.jsonl`),
      signature: randomBytes(12).toString('hex'),
      expiresAt: Infinity,
      cancelRequested: false,
    };
    this.ops.set(numericId, op);
    this.started[prepared.resource]++;
    const fault = this.pickFault(prepared.resource);
    const job = this.process(op, prepared, base, fault).catch((err: Error) => {
      // An emulator bug, reported the way Shopify reports its own.
      op.status = 'FAILED';
      op.errorCode = 'INTERNAL_SERVER_ERROR';
      op.completedAt = this.iso();
      console.error(`shopify-store: bulk operation ${op.id} failed: ${err.stack ?? err.message}`);
    });
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
    return { bulkOperation: this.shape(op), userErrors: [] };
  }

  get(id: string): Json | null {
    const op = this.find(id);
    return op ? this.shape(op) : null;
  }

  current(): Json | null {
    let latest: Operation | undefined;
    for (const op of this.ops.values()) latest = op;
    return latest ? this.shape(latest) : null;
  }

  /**
   * `bulkOperations(query:)` (2026-01+), oldest first (CREATED_AT; `reverse` for newest first). Search terms:
   * `status:<status>` and `operation_type:query|mutation` (this emulator runs queries only); others are refused.
   */
  search(query: string | null): Json[] {
    let ops = [...this.ops.values()].map((op) => this.refresh(op));
    for (const term of (query ?? '').split(/\s+/).filter(Boolean)) {
      const [key, value = ''] = term.split(':');
      if (key === 'status') ops = ops.filter((op) => op.status === value.toUpperCase());
      else if (key === 'operation_type') ops = value.toLowerCase() === 'query' ? ops : [];
      else throw new Error(`bulkOperations: the emulator does not support the search term "${term}".`);
    }
    return ops.map((op) => this.shape(op));
  }

  /** A completed operation whose URL has expired reads EXPIRED. */
  private refresh(op: Operation): Operation {
    if (op.status === 'COMPLETED' && this.deps.now() >= op.expiresAt) op.status = 'EXPIRED';
    return op;
  }

  /** `bulkOperationCancel`, also how a test plays "cancelled by someone else". */
  cancel(id: string): Json {
    const op = this.find(id);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
    if (!['CREATED', 'RUNNING'].includes(op.status)) {
      return {
        bulkOperation: this.shape(op),
        userErrors: [
          { field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` },
        ],
      };
    }
    op.status = 'CANCELING';
    op.cancelRequested = true;
    return { bulkOperation: this.shape(op), userErrors: [] };
  }

  /** Makes every finished operation's URLs expired, as after 7 days. */
  expireResults(): void {
    for (const op of this.ops.values()) {
      if (op.url || op.partialDataUrl) {
        op.expiresAt = 0;
        if (op.status === 'COMPLETED') op.status = 'EXPIRED';
      }
    }
  }

  /** The result file behind a URL we issued, or why not. */
  resultFile(
    numericId: number,
    partial: boolean,
    signature: string | null,
  ): { file: string; size: number; downloaded: () => void } | 'expired' | undefined {
    const op = this.ops.get(numericId);
    if (!op || signature !== op.signature) return undefined;
    const published = partial ? op.partialDataUrl : op.url;
    if (!published) return undefined;
    if (this.deps.now() >= op.expiresAt) return 'expired';
    return { file: op.file, size: op.fileSize ?? 0, downloaded: () => op.downloads++ };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const op of this.ops.values()) op.cancelRequested = true;
    await Promise.allSettled([...this.running]);
    for (const stream of this.streams) stream.destroy();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private find(id: string): Operation | undefined {
    const parsed = parseGid(id);
    return parsed?.type === 'BulkOperation' ? this.ops.get(parsed.id) : undefined;
  }

  private pickFault(resource: ResourceName): BulkFault | undefined {
    let chosen: BulkFault | undefined;
    for (const state of this.faults) {
      if (state.fault.resource !== undefined && state.fault.resource !== resource) continue;
      state.seen++;
      const hit = state.fault.nth === undefined || state.fault.nth === state.seen;
      if (hit && !chosen) chosen = state.fault;
    }
    return chosen;
  }

  private tempDir(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'shopify-store-bulk-'));
    return this.dir;
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private async process(op: Operation, q: BulkQuery, base: string, fault: BulkFault | undefined): Promise<void> {
    const started = performance.now();
    await pause();
    if (op.cancelRequested) return this.finish(op, 'CANCELED', started);
    op.status = 'RUNNING';
    const failure = fault && 'errorCode' in fault ? fault : undefined;
    const denied = failure?.errorCode === 'ACCESS_DENIED' || !this.deps.accessScopes().includes(SCOPE_OF[q.resource]);
    if (denied) {
      op.errorCode = 'ACCESS_DENIED';
      return this.finish(op, 'FAILED', started);
    }
    const stopAfter =
      failure === undefined
        ? Infinity
        : failure.widerThan !== undefined
          ? failure.widerThan + 1
          : (failure.partialRecords ?? Math.floor(this.deps.count(q.resource) / 2));
    const out = createWriteStream(op.file);
    this.streams.add(out);
    let size = 0;
    const write = async (lines: Json[]) => {
      if (!lines.length) return;
      const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      size += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    };
    const chunk: BulkChunk = { size: this.options.chunkSize ?? 250 };
    let deferred: Json[] = [];
    let cancelled = false;
    const project = compileProjector(this.deps.schema, q.document);
    for (;;) {
      if (op.cancelRequested) {
        cancelled = true;
        break;
      }
      if (op.rootObjectCount >= stopAfter) break;
      const ctx: RequestContext = { version: '', base, bulk: chunk, search: [] };
      let roots = rootNodes(q, project(this.deps.root(), ctx));
      if (op.rootObjectCount + roots.length > stopAfter) roots = roots.slice(0, stopAfter - op.rootObjectCount);
      const parents: Json[] = [];
      const early: Json[] = [];
      const late: Json[] = [];
      const grouped: Json[] = [];
      roots.forEach((node, k) => {
        const { line, descendants } = linesOf(node, q.plan);
        op.objectCount += 1 + descendants.length;
        if (op.groupObjects) grouped.push(line, ...descendants);
        else {
          parents.push(line);
          // Odd positions: children before their parent, in reverse; even: after the next chunk's parents.
          if (k % 2) early.unshift(...descendants);
          else late.push(...descendants);
        }
      });
      op.rootObjectCount += roots.length;
      if (op.groupObjects) await write(grouped);
      else {
        await write(early);
        await write(parents);
        await write(deferred);
        deferred = late;
      }
      if (!chunk.hasNext || !chunk.last) break;
      chunk.after = chunk.last;
      await pause();
    }
    await write(deferred);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    this.streams.delete(out);
    if (cancelled) return this.finish(op, 'CANCELED', started);
    await this.waitOut(op, started);
    if (op.cancelRequested) return this.finish(op, 'CANCELED', started);
    op.fileSize = size;
    const url = (partial: boolean) =>
      `${base}/bulk-results/${op.numericId}${partial ? '-partial' : ''}.jsonl?signature=${op.signature}`;
    op.expiresAt =
      fault && 'resultExpired' in fault ? this.deps.now() : this.deps.now() + (this.options.urlTtlMs ?? 7 * 86_400_000);
    if (failure && (failure.widerThan === undefined || op.rootObjectCount > failure.widerThan)) {
      op.errorCode = failure.errorCode;
      op.partialDataUrl = size > 0 ? url(true) : null;
      return this.finish(op, 'FAILED', started);
    }
    op.url = size > 0 ? url(false) : null;
    return this.finish(op, 'COMPLETED', started);
  }

  /** Stays RUNNING for at least the configured duration; a cancel request ends the wait. */
  private async waitOut(op: Operation, started: number): Promise<void> {
    const until = started + (this.options.durationMs ?? 0);
    while (!op.cancelRequested && !this.closed && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(25, until - performance.now())));
    }
  }

  private async finish(op: Operation, status: BulkStatus, started: number): Promise<void> {
    if (status !== 'CANCELED') await this.waitOut(op, started);
    op.status = op.cancelRequested && status !== 'CANCELED' && !this.closed ? 'CANCELED' : status;
    if (op.status === 'CANCELED') {
      op.url = null;
      op.partialDataUrl = null;
    }
    op.completedAt = op.status === 'COMPLETED' ? this.iso() : null;
  }

  private info(op: Operation): BulkOperationInfo {
    this.refresh(op);
    const { id, resource, status, errorCode, objectCount, rootObjectCount, fileSize, url, partialDataUrl } = op;
    const { groupObjects, downloads } = op;
    return {
      id,
      resource,
      status,
      errorCode,
      objectCount,
      rootObjectCount,
      fileSize,
      url,
      partialDataUrl,
      groupObjects,
      downloads,
    };
  }

  private shape(op: Operation): Json {
    this.refresh(op);
    return {
      __typename: 'BulkOperation',
      id: op.id,
      status: op.status,
      errorCode: op.errorCode,
      createdAt: op.createdAt,
      completedAt: op.completedAt,
      objectCount: String(op.objectCount),
      rootObjectCount: String(op.rootObjectCount),
      fileSize: op.fileSize === null ? null : String(op.fileSize),
      url: op.url,
      partialDataUrl: op.partialDataUrl,
      query: op.query,
      type: 'QUERY',
    };
  }
}

function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
