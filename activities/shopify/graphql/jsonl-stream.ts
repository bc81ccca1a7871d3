import { ApplicationFailure } from '@temporalio/common';
import { redact } from '../../../common/redact';

/**
 * Streams a bulk operation's JSONL result line by line, never holding more than one network chunk and one partial
 * line, each parsed object with its byte range in the file. Resuming at a byte offset (the end of the last committed
 * chunk) asks for `Range: bytes={offset}-`; a server that ignores it and answers 200 is read from the start and the
 * first `offset` bytes are skipped while streaming.
 */

export interface JsonlLine {
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Byte offset just past the line's newline: where to resume after this line. */
  nextOffset: number;
  value: Record<string, unknown>;
}

export interface JsonlStreamOptions {
  /** Resume here; must be the start of a line (a `nextOffset` already seen). */
  fromOffset?: number;
  signal?: AbortSignal;
  /** No byte for this long: the download is stalled. */
  idleTimeoutMs?: number;
  /** Filled in while streaming; tests use it to check that memory does not grow with the file. */
  stats?: JsonlStreamStats;
}

export interface JsonlStreamStats {
  /** The most bytes held at once (the unparsed rest of the previous chunk plus the current chunk). */
  maxHeldBytes: number;
  /** The largest chunk the network delivered. */
  maxChunkBytes: number;
  /** Whether the server honoured the Range request. */
  ranged: boolean;
  bytesSkipped: number;
}

const NEWLINE = 0x0a;

/** A description of the URL that names no signature (signed URLs carry credentials in their query). */
function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the result URL';
  }
}

/** A piece of the file as the network delivered it: `bytes` start at file offset `position`. */
export interface JsonlChunk {
  bytes: Buffer;
  position: number;
}

/**
 * The file's bytes from `fromOffset` on, chunk by chunk as they arrive (a server that ignores the Range request has
 * the bytes before `fromOffset` skipped). The lines are cut and parsed by `streamJsonl`, or on a thread of their own
 * (jsonl-parser.ts).
 */
export async function* downloadJsonl(url: string, options: JsonlStreamOptions = {}): AsyncGenerator<JsonlChunk> {
  const fromOffset = options.fromOffset ?? 0;
  const stats = options.stats ?? { maxHeldBytes: 0, maxChunkBytes: 0, ranged: false, bytesSkipped: 0 };
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  // Counts only time spent waiting for the network, not time the consumer spends storing what it was given.
  let idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs);
  const waitingForNetwork = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs);
  };

  let response: Response;
  try {
    response = await fetch(url, {
      headers: fromOffset > 0 ? { Range: `bytes=${fromOffset}-` } : {},
      signal,
    });
  } catch (error) {
    clearTimeout(idleTimer);
    if (options.signal?.aborted) throw error;
    throw downloadFailure(url, fromOffset, error, idle.signal.aborted, idleTimeoutMs);
  }

  let body: AsyncIterator<Uint8Array> | undefined;
  try {
    let position: number; // file offset of the next byte the body yields
    if (response.status === 206) {
      const start = Number(/bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1]);
      if (start !== fromOffset) {
        throw ApplicationFailure.retryable(
          `The bulk result at ${where(url)} answered a Range request for byte ${fromOffset} with ` +
            `"${response.headers.get('content-range')}"; will retry.`,
          'ShopifyBadResponse',
        );
      }
      stats.ranged = true;
      position = fromOffset;
    } else if (response.status === 200) {
      position = 0;
    } else if (response.status === 416 && fromOffset > 0) {
      return; // resuming exactly at the end of the file: nothing left
    } else {
      throw await statusFailure(url, response);
    }

    body = (response.body as AsyncIterable<Uint8Array> | null)?.[Symbol.asyncIterator]();
    while (body) {
      waitingForNetwork();
      const next = await body.next();
      clearTimeout(idleTimer);
      if (next.done) break;
      const chunk = next.value;
      let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      stats.maxChunkBytes = Math.max(stats.maxChunkBytes, bytes.length);
      if (position < fromOffset) {
        const skip = Math.min(fromOffset - position, bytes.length);
        stats.bytesSkipped += skip;
        position += skip;
        bytes = bytes.subarray(skip);
        if (bytes.length === 0) continue;
      }
      const at = position;
      position += bytes.length;
      yield { bytes, position: at };
    }
    if (position < fromOffset) {
      throw ApplicationFailure.retryable(
        `The bulk result at ${where(url)} is ${position} bytes long, shorter than the checkpoint at byte ${fromOffset}; ` +
          `will retry.`,
        'ShopifyBadResponse',
      );
    }
  } catch (error) {
    if (error instanceof ApplicationFailure || options.signal?.aborted) throw error;
    throw downloadFailure(url, fromOffset, error, idle.signal.aborted, idleTimeoutMs);
  } finally {
    clearTimeout(idleTimer);
    // A consumer that stops early (or a failure) releases the connection instead of leaving the body unread.
    await body?.return?.(undefined).catch(() => undefined);
  }
}

/**
 * Cuts a file arriving in chunks into lines, holding only the start of a line whose newline has not arrived yet.
 * Each line is given as a range of `held` (the held start and the new chunk) with its offset in the file.
 */
export class LineCutter {
  private rest: Buffer = Buffer.alloc(0);

  constructor(private restOffset: number) {}

  *lines(bytes: Buffer, stats?: JsonlStreamStats): Generator<CutLine> {
    const held = this.rest.length > 0 ? Buffer.concat([this.rest, bytes]) : bytes;
    if (stats) stats.maxHeldBytes = Math.max(stats.maxHeldBytes, held.length);
    let start = 0;
    for (let end = held.indexOf(NEWLINE, start); end !== -1; end = held.indexOf(NEWLINE, start)) {
      if (end > start)
        yield { held, start, end, offset: this.restOffset + start, nextOffset: this.restOffset + end + 1 };
      start = end + 1;
    }
    // Copy the partial line so the chunk it came from can be released.
    this.rest = Buffer.from(held.subarray(start));
    this.restOffset += start;
  }

  /** The file's last line when it does not end with a newline (if it is not complete JSON, the download was cut). */
  last(): CutLine | null {
    const { rest, restOffset } = this;
    if (rest.length === 0) return null;
    return { held: rest, start: 0, end: rest.length, offset: restOffset, nextOffset: restOffset + rest.length };
  }
}

export interface CutLine {
  held: Buffer;
  start: number;
  end: number;
  offset: number;
  nextOffset: number;
}

export async function* streamJsonl(url: string, options: JsonlStreamOptions = {}): AsyncGenerator<JsonlLine> {
  const stats = options.stats ?? { maxHeldBytes: 0, maxChunkBytes: 0, ranged: false, bytesSkipped: 0 };
  const cutter = new LineCutter(options.fromOffset ?? 0);
  const parsed = ({ held, start, end, offset, nextOffset }: CutLine): JsonlLine => ({
    offset,
    nextOffset,
    value: parseLine(held, start, end, offset, url),
  });
  for await (const { bytes } of downloadJsonl(url, { ...options, stats })) {
    for (const line of cutter.lines(bytes, stats)) yield parsed(line);
  }
  const last = cutter.last();
  if (last) yield parsed(last);
}

function parseLine(buffer: Buffer, start: number, end: number, offset: number, url: string): Record<string, unknown> {
  const text = buffer.toString('utf8', start, end);
  const value = parseObject(text);
  if (value === null) throw badLineFailure(url, offset, text);
  return value;
}

/** The line's JSON object; null when it is not one (not JSON, or an array or a scalar). */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return null;
}

/** A line that is not a JSON object: a download cut short (retried from the last stored chunk) or a damaged file. */
export function badLineFailure(url: string, offset: number, text: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `The bulk result at ${where(url)} has a line at byte ${offset} that is not a JSON object ` +
      `(${JSON.stringify(text.slice(0, 80))}${text.length > 80 ? '…' : ''}): the download was cut short or the ` +
      `file is damaged; will retry from the last stored chunk.`,
    'ShopifyBadResponse',
  );
}

async function statusFailure(url: string, response: Response): Promise<ApplicationFailure> {
  const said = redact((await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200));
  if (response.status === 400 || response.status === 403 || response.status === 404 || response.status === 410) {
    // Signed storage URLs answer 400/403 (expired signature) or 404 once Shopify has removed the file (7 days).
    return ApplicationFailure.nonRetryable(
      `The bulk result at ${where(url)} can no longer be downloaded (${response.status}: ${said}); its URL has ` +
        `probably expired. The bulk operation must run again.`,
      'BulkResultExpired',
    );
  }
  return ApplicationFailure.retryable(
    `Downloading the bulk result at ${where(url)} failed (${response.status}: ${said}); will retry.`,
    'ShopifyUnavailable',
  );
}

function downloadFailure(
  url: string,
  fromOffset: number,
  error: unknown,
  stalled: boolean,
  idleTimeoutMs: number,
): ApplicationFailure {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const what = stalled
    ? `no data for ${idleTimeoutMs} ms`
    : [cause?.code, cause?.message ?? (error instanceof Error ? error.message : String(error))]
        .filter(Boolean)
        .join(' ');
  return ApplicationFailure.retryable(
    redact(`Downloading the bulk result at ${where(url)} (from byte ${fromOffset}) failed: ${what}; will retry.`),
    'ShopifyUnavailable',
  );
}
