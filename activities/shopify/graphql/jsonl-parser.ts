import fs from 'node:fs';
import path from 'node:path';
import { fromThreadError, startModuleThread } from '../../module-thread';
import type { ChunkMessage, ParsedChunk, ParserData } from './jsonl-parser-thread';
import { badLineFailure, downloadJsonl, type JsonlStreamOptions } from './jsonl-stream';

/**
 * Streams a bulk result like `streamJsonl`, but cuts and parses the lines on a thread of its own, so that on a
 * machine with two cores the thread that stores them (SQLite) never waits for JSON.parse. The network stays on the
 * calling thread; each chunk is handed over without a copy and comes back as its lines' text, ids and offsets.
 * With `stageTo`, the thread also writes each chunk into that file at its offset (created 0600 if missing, never
 * truncated: a resumed download writes the same bytes again), and the lines come back without their text.
 * At most `maxChunksAhead` chunks are parsed ahead of the consumer: memory stays bounded whatever the file's size.
 */

/** A line as the ingest stages it: where it is in the file, and what the join needs from it. */
export interface ParsedLine {
  offset: number;
  nextOffset: number;
  /** The line's own `id` when it is a string, else null. */
  gid: string | null;
  /** The line's `__parentId` as found (undefined for a top-level line; the ingest checks it is a string). */
  parentGid: unknown;
  /** The line's JSON text, `__parentId` included; empty when the lines are staged in a file (`stageTo`). */
  text: string;
}

export async function* streamParsedJsonl(
  url: string,
  options: JsonlStreamOptions & { maxChunksAhead?: number; stageTo?: string } = {},
): AsyncGenerator<ParsedLine> {
  const maxAhead = options.maxChunksAhead ?? 32;
  const stageFd =
    options.stageTo === undefined
      ? undefined
      : fs.openSync(options.stageTo, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
  // It holds a few chunks at a time; without limits of its own its garbage would grow with the file.
  const worker = startModuleThread(
    path.join(__dirname, 'jsonl-parser-thread'),
    { fromOffset: options.fromOffset ?? 0, stageFd } satisfies ParserData,
    { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  );
  const waiting: { resolve: (parsed: ParsedChunk) => void; reject: (error: Error) => void }[] = [];
  const answers: Promise<ParsedChunk>[] = [];
  let died: Error | undefined;
  const fail = (error: Error) => {
    died ??= error;
    for (const w of waiting.splice(0)) w.reject(died);
  };
  worker.on('message', (parsed: ParsedChunk) => waiting.shift()?.resolve(parsed));
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The JSONL parser thread exited (${code}) before it answered`)));
  const send = (message: ChunkMessage) => {
    if (died) throw died;
    const answer = new Promise<ParsedChunk>((resolve, reject) => waiting.push({ resolve, reject }));
    answer.catch(() => undefined); // awaited in order below; an early failure must not go unhandled meanwhile
    answers.push(answer);
    worker.postMessage(message, message.bytes ? [message.bytes.buffer as ArrayBuffer] : []);
  };
  function* lines(parsed: ParsedChunk): Generator<ParsedLine> {
    if (parsed.failure) throw fromThreadError(parsed.failure);
    for (let i = 0; i < parsed.texts.length; i += 1) {
      yield {
        offset: parsed.offsets[i],
        nextOffset: parsed.nextOffsets[i],
        gid: parsed.gids[i],
        parentGid: parsed.parents[i],
        text: parsed.texts[i],
      };
    }
    if (parsed.bad) throw badLineFailure(url, parsed.bad.offset, parsed.bad.text);
  }
  try {
    for await (const { bytes, position } of downloadJsonl(url, options)) {
      // The network's buffer moves to the thread as it is when the chunk owns it whole; else a copy of the chunk does.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      send({ bytes: own ? bytes : new Uint8Array(bytes), position });
      while (answers.length > maxAhead) yield* lines(await answers.shift()!);
    }
    send({ end: true });
    while (answers.length > 0) yield* lines(await answers.shift()!);
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
    if (stageFd !== undefined) fs.closeSync(stageFd);
  }
}
