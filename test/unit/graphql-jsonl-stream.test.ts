import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamParsedJsonl, type ParsedLine } from '../../activities/shopify/graphql/jsonl-parser';
import { streamJsonl, type JsonlLine, type JsonlStreamStats } from '../../activities/shopify/graphql/jsonl-stream';
import { failureOf } from '../helpers/failures';

/**
 * The JSONL download against a local server with and without Range support, as storage buckets serving Shopify's
 * bulk results behave.
 */

/** Line `i` of a generated bulk result: orders, and line items that name an order further down (ungrouped). */
function line(i: number): string {
  const value =
    i % 4 === 0
      ? { id: `gid://shopify/Order/${1000 + i}`, name: `#${1000 + i}`, note: `Café crème ☕ ${i}` }
      : {
          id: `gid://shopify/LineItem/${9000 + i}`,
          quantity: i % 7,
          __parentId: `gid://shopify/Order/${1004 + i - (i % 4)}`,
        };
  return `${JSON.stringify(value)}\n`;
}

interface FileServer {
  url: string;
  size: number;
  ranges: (string | undefined)[];
  /** Bytes handed to the socket so far; the server waits for 'drain' when the reader does not keep up. */
  written: () => number;
}

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves `lines` generated lines; honours `Range: bytes=N-` unless told not to. Writes respect backpressure. */
async function fileServer(lines: number, options: { ranges?: boolean; pieceBytes?: number } = {}): Promise<FileServer> {
  const file = Buffer.from(Array.from({ length: lines }, (_, i) => line(i)).join(''));
  const size = file.length;
  const ranges: (string | undefined)[] = [];
  let written = 0;
  const url = await listen(async (req, res) => {
    ranges.push(req.headers.range);
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let from = 0;
    if (match && options.ranges !== false) {
      from = Number(match[1]);
      if (from >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        res.end();
        return;
      }
      res.writeHead(206, { 'Content-Range': `bytes ${from}-${size - 1}/${size}`, 'Content-Length': size - from });
    } else {
      res.writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': size });
    }
    const piece = options.pieceBytes ?? 64 * 1024;
    for (let start = from; start < size; start += piece) {
      const end = Math.min(size, start + piece);
      written += end - start;
      if (!res.write(file.subarray(start, end))) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    res.end();
  });
  return { url, size, ranges, written: () => written };
}

async function collect<T = JsonlLine>(source: AsyncGenerator<T>, limit = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

/** Streams a whole file, checking offsets as it goes, keeping nothing but counters. */
async function streamAll(file: FileServer): Promise<{ lines: number; stats: JsonlStreamStats; longestLine: number }> {
  const stats: JsonlStreamStats = { maxHeldBytes: 0, maxChunkBytes: 0, ranged: false, bytesSkipped: 0 };
  let expectedOffset = 0;
  let lines = 0;
  let longestLine = 0;
  const wrong: string[] = [];
  for await (const item of streamJsonl(file.url, { stats })) {
    if (item.offset !== expectedOffset) wrong.push(`line ${lines} at ${item.offset}, expected ${expectedOffset}`);
    if (lines % 997 === 0 && `${JSON.stringify(item.value)}\n` !== line(lines)) wrong.push(`line ${lines} differs`);
    longestLine = Math.max(longestLine, item.nextOffset - item.offset);
    expectedOffset = item.nextOffset;
    lines += 1;
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(expectedOffset).toBe(file.size);
  return { lines, stats, longestLine };
}

describe('streamJsonl', () => {
  it('streams a 200,000-line file line by line holding no more than one network chunk and one partial line', async () => {
    const small = await streamAll(await fileServer(20_000));
    const file = await fileServer(200_000);
    const big = await streamAll(file);
    expect(big.lines).toBe(200_000);
    // What the module held at most: one chunk plus the unfinished line before it, never the file.
    expect(big.stats.maxHeldBytes).toBeLessThanOrEqual(big.stats.maxChunkBytes + big.longestLine);
    expect(big.stats.maxHeldBytes).toBeLessThan(file.size / 100);
    // Ten times the file, not more memory.
    expect(big.stats.maxHeldBytes).toBeLessThanOrEqual(Math.max(small.stats.maxHeldBytes, 128 * 1024));
  });

  it('does not read ahead of its consumer: a paused reader stops the download', async () => {
    const file = await fileServer(200_000);
    const lines = streamJsonl(file.url);
    await lines.next();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the consumer is busy storing a chunk
    // Only what socket and stream buffers hold has been sent, not the 18 MB file.
    expect(file.written()).toBeLessThan(file.size / 3);
    await lines.return(undefined);
  });

  it('resumes at a checkpoint with a Range request: the lines after it, each once, at their true offsets', async () => {
    const file = await fileServer(5_000);
    const first = await collect(streamJsonl(file.url), 1_234);
    const checkpoint = first[first.length - 1].nextOffset;
    const stats: JsonlStreamStats = { maxHeldBytes: 0, maxChunkBytes: 0, ranged: false, bytesSkipped: 0 };
    const rest = await collect(streamJsonl(file.url, { fromOffset: checkpoint, stats }));
    expect(file.ranges).toEqual([undefined, `bytes=${checkpoint}-`]);
    expect(stats).toMatchObject({ ranged: true, bytesSkipped: 0 });
    expect(rest[0].offset).toBe(checkpoint);
    expect([...first, ...rest].map((l) => `${JSON.stringify(l.value)}\n`)).toEqual(
      Array.from({ length: 5_000 }, (_, i) => line(i)),
    );
  });

  it('resumes from a server that ignores Range by skipping the bytes before the checkpoint', async () => {
    const file = await fileServer(5_000, { ranges: false });
    const first = await collect(streamJsonl(file.url), 4_000);
    const checkpoint = first[first.length - 1].nextOffset;
    const stats: JsonlStreamStats = { maxHeldBytes: 0, maxChunkBytes: 0, ranged: false, bytesSkipped: 0 };
    const rest = await collect(streamJsonl(file.url, { fromOffset: checkpoint, stats }));
    expect(stats).toMatchObject({ ranged: false, bytesSkipped: checkpoint });
    expect(rest).toHaveLength(1_000);
    expect(rest[0]).toMatchObject({ offset: checkpoint, value: JSON.parse(line(4_000)) });
  });

  it('resuming exactly at the end of the file yields nothing, with or without Range support', async () => {
    for (const ranges of [true, false]) {
      const file = await fileServer(300, { ranges });
      expect(await collect(streamJsonl(file.url, { fromOffset: file.size }))).toEqual([]);
    }
  });

  it('decodes characters whose bytes arrive in different network chunks', async () => {
    const file = await fileServer(400, { pieceBytes: 7 });
    const lines = await collect(streamJsonl(file.url));
    expect(lines.map((l) => `${JSON.stringify(l.value)}\n`)).toEqual(Array.from({ length: 400 }, (_, i) => line(i)));
    expect(lines[0].value.note).toBe('Café crème ☕ 0');
  });

  it('reads a last line that has no newline', async () => {
    const url = await listen((_req, res) => res.end('{"id":"gid://shopify/Order/1"}\n{"id":"gid://shopify/Order/2"}'));
    const lines = await collect(streamJsonl(url));
    expect(lines.map((l) => [l.offset, l.nextOffset, l.value.id])).toEqual([
      [0, 31, 'gid://shopify/Order/1'],
      [31, 61, 'gid://shopify/Order/2'],
    ]);
  });

  it('a file that ends mid-line is a retryable failure naming the byte offset', async () => {
    const url = await listen((_req, res) => res.end('{"id":"gid://shopify/Order/1"}\n{"id":"gid://sho'));
    const failure = await failureOf(collect(streamJsonl(url)));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyBadResponse');
    expect(failure.message).toMatch(/line at byte 31 that is not a JSON object.*cut short/);
  });

  it('a connection dropped before Content-Length bytes arrived is a retryable failure', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Length': 10_000 });
      res.write('{"id":"gid://shopify/Order/1"}\n{"id":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const seen: JsonlLine[] = [];
    const failure = await failureOf(
      (async () => {
        for await (const item of streamJsonl(url)) seen.push(item);
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyUnavailable');
  });

  it('a stalled download fails retryably; a consumer slower than the idle timeout does not count as a stall', async () => {
    const stalled = await listen((_req, res) => {
      res.writeHead(200);
      res.write('{"id":"gid://shopify/Order/1"}\n'); // then nothing, connection open
    });
    const failure = await failureOf(collect(streamJsonl(stalled, { idleTimeoutMs: 200 })));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/no data for 200 ms/);

    const file = await fileServer(3);
    const seen: JsonlLine[] = [];
    for await (const item of streamJsonl(file.url, { idleTimeoutMs: 200 })) {
      seen.push(item);
      await new Promise((resolve) => setTimeout(resolve, 300)); // storing a chunk
    }
    expect(seen).toHaveLength(3);
  });

  it('an expired signed URL is a non-retryable BulkResultExpired that does not repeat the signature', async () => {
    const base = await listen((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/xml' });
      res.end(
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message>" +
          '<Details>Request has expired</Details></Error>',
      );
    });
    const failure = await failureOf(collect(streamJsonl(`${base}/bulk/result.jsonl?X-Goog-Signature=secret123`)));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('BulkResultExpired');
    expect(failure.message).toMatch(/result\.jsonl can no longer be downloaded \(403.*expired.*must run again/);
    expect(failure.message).not.toMatch(/secret123/);
  });
});

describe('streamParsedJsonl (the lines cut and parsed on a thread of their own)', () => {
  /** What the ingest stages from line `i`: its text as in the file, its id and parent, its byte range. */
  function expected(from: number, count: number, offsetOfFirst: number) {
    let offset = offsetOfFirst;
    return Array.from({ length: count }, (_, k) => {
      const text = line(from + k);
      const value = JSON.parse(text) as { id: string; __parentId?: string };
      const item = { offset, nextOffset: offset + Buffer.byteLength(text), gid: value.id, text: text.slice(0, -1) };
      offset = item.nextOffset;
      return { ...item, parentGid: value.__parentId };
    });
  }

  it('gives the same lines as streamJsonl, characters split across network chunks included', async () => {
    const file = await fileServer(3_000, { pieceBytes: 7 });
    const lines = await collect<ParsedLine>(streamParsedJsonl(file.url));
    expect(lines).toEqual(expected(0, 3_000, 0));
    expect(lines[0].text).toContain('Café crème ☕ 0');
  });

  it('resumes at a checkpoint: the lines after it at their true offsets, with or without Range support', async () => {
    for (const ranges of [true, false]) {
      const file = await fileServer(5_000, { ranges });
      const first = await collect<ParsedLine>(streamParsedJsonl(file.url), 1_234);
      const checkpoint = first[first.length - 1].nextOffset;
      const rest = await collect<ParsedLine>(streamParsedJsonl(file.url, { fromOffset: checkpoint }));
      expect(rest).toEqual(expected(1_234, 5_000 - 1_234, checkpoint));
    }
  });

  it('with stageTo, writes the file as downloaded (at its offsets, resumed included) and gives the lines without text', async () => {
    const file = await fileServer(3_000, { pieceBytes: 7 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staged-'));
    try {
      const stageTo = path.join(dir, 'staged.jsonl');
      const first = await collect<ParsedLine>(streamParsedJsonl(file.url, { stageTo }), 1_234);
      const checkpoint = first[first.length - 1].nextOffset;
      const rest = await collect<ParsedLine>(streamParsedJsonl(file.url, { stageTo, fromOffset: checkpoint }));
      const textless = (lines: ParsedLine[]) => lines.map((l) => ({ ...l, text: '' }));
      expect([...first, ...rest]).toEqual(textless(expected(0, 3_000, 0)));
      const all = Array.from({ length: 3_000 }, (_, k) => line(k)).join('');
      expect(fs.readFileSync(stageTo, 'utf8')).toBe(all);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a staging file that cannot be written (a full disk) fails the stream with the system’s error code', async () => {
    const file = await fileServer(100);
    const failure = collect<ParsedLine>(streamParsedJsonl(file.url, { stageTo: '/dev/full' }));
    await expect(failure).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('does not parse ahead of its consumer without bound: a paused reader stops the download', async () => {
    const file = await fileServer(200_000);
    const lines = streamParsedJsonl(file.url, { maxChunksAhead: 4 });
    await lines.next();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the consumer is busy storing a chunk
    expect(file.written()).toBeLessThan(file.size / 3);
    await lines.return(undefined);
  });

  it('a file that ends mid-line yields the lines before it, then the retryable failure naming the byte offset', async () => {
    const url = await listen((_req, res) => res.end('{"id":"gid://shopify/Order/1"}\n{"id":"gid://sho'));
    const seen: ParsedLine[] = [];
    const failure = await failureOf(
      (async () => {
        for await (const item of streamParsedJsonl(url)) seen.push(item);
      })(),
    );
    expect(seen.map((l) => [l.offset, l.nextOffset, l.gid])).toEqual([[0, 31, 'gid://shopify/Order/1']]);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('ShopifyBadResponse');
    expect(failure.message).toMatch(/line at byte 31 that is not a JSON object.*cut short/);
  });

  it('reads a last line that has no newline, and passes on a __parentId that is not a string for the ingest to refuse', async () => {
    const url = await listen((_req, res) =>
      res.end('{"id":"gid://shopify/Order/1"}\n{"id":"gid://shopify/LineItem/2","__parentId":7}'),
    );
    const lines = await collect<ParsedLine>(streamParsedJsonl(url));
    expect(lines.map((l) => [l.offset, l.nextOffset, l.gid, l.parentGid])).toEqual([
      [0, 31, 'gid://shopify/Order/1', undefined],
      [31, 79, 'gid://shopify/LineItem/2', 7],
    ]);
  });
});
