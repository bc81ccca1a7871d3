import { Worker } from 'node:worker_threads';
import { badLineFailure, downloadJsonl, type JsonlStreamOptions } from './jsonl-stream';

/**
 * Streams a bulk result like `streamJsonl`, but cuts and parses the lines on a thread of its own, so that on a
 * machine with two cores the thread that stores them (SQLite) never waits for JSON.parse. The network stays on the
 * calling thread; each chunk is handed over without a copy and comes back as its lines' text, ids and offsets.
 * At most `maxChunksAhead` chunks are parsed ahead of the consumer: memory stays bounded whatever the file's size.
 */

/** A line as the ingest stages it: its text as in the file, and what the join needs from it. */
export interface ParsedLine {
  offset: number;
  nextOffset: number;
  /** The line's own `id` when it is a string, else null. */
  gid: string | null;
  /** The line's `__parentId` as found (undefined for a top-level line; the ingest checks it is a string). */
  parentGid: unknown;
  /** The line's JSON text, `__parentId` included. */
  text: string;
}

/** What the thread answers for each chunk (parallel arrays: one structured clone instead of one per line). */
interface Parsed {
  offsets: number[];
  nextOffsets: number[];
  gids: (string | null)[];
  parents: unknown[];
  texts: string[];
  /** The first line that is not a JSON object; nothing after it is parsed. */
  bad: { offset: number; text: string } | null;
}

/** Plain JavaScript: a worker thread started with `eval` gets no TypeScript loader (as in redaction.ts). */
const PARSER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let rest = Buffer.alloc(0);
let restOffset = workerData.fromOffset;
let failed = false;
function add(out, text, offset, nextOffset) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.bad = { offset, text: text.slice(0, 81) };
    failed = true;
    return;
  }
  out.offsets.push(offset);
  out.nextOffsets.push(nextOffset);
  out.gids.push(typeof value.id === 'string' ? value.id : null);
  out.parents.push(value.__parentId);
  out.texts.push(text);
}
parentPort.on('message', ({ bytes, end }) => {
  const out = { offsets: [], nextOffsets: [], gids: [], parents: [], texts: [], bad: null };
  if (bytes && !failed) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const held = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = held.indexOf(10, start); nl !== -1 && !failed; nl = held.indexOf(10, start)) {
      if (nl > start) add(out, held.toString('utf8', start, nl), restOffset + start, restOffset + nl + 1);
      start = nl + 1;
    }
    rest = Buffer.from(held.subarray(start));
    restOffset += start;
  }
  // The last line may lack its newline; if it is not complete JSON the download was cut short.
  if (end && !failed && rest.length > 0) add(out, rest.toString('utf8'), restOffset, restOffset + rest.length);
  parentPort.postMessage(out);
});
`;

export async function* streamParsedJsonl(
  url: string,
  options: JsonlStreamOptions & { maxChunksAhead?: number } = {},
): AsyncGenerator<ParsedLine> {
  const maxAhead = options.maxChunksAhead ?? 32;
  const worker = new Worker(PARSER_SOURCE, {
    eval: true,
    workerData: { fromOffset: options.fromOffset ?? 0 },
    // It holds a few chunks at a time; without limits of its own its garbage would grow with the file.
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  });
  const waiting: { resolve: (parsed: Parsed) => void; reject: (error: Error) => void }[] = [];
  const answers: Promise<Parsed>[] = [];
  let died: Error | undefined;
  const fail = (error: Error) => {
    died ??= error;
    for (const w of waiting.splice(0)) w.reject(died);
  };
  worker.on('message', (parsed: Parsed) => waiting.shift()?.resolve(parsed));
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The JSONL parser thread exited (${code}) before it answered`)));
  const send = (message: { bytes?: Uint8Array; end?: true }) => {
    if (died) throw died;
    const answer = new Promise<Parsed>((resolve, reject) => waiting.push({ resolve, reject }));
    answer.catch(() => undefined); // awaited in order below; an early failure must not go unhandled meanwhile
    answers.push(answer);
    worker.postMessage(message, message.bytes ? [message.bytes.buffer as ArrayBuffer] : []);
  };
  function* lines(parsed: Parsed): Generator<ParsedLine> {
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
    for await (const { bytes } of downloadJsonl(url, options)) {
      // The network's buffer moves to the thread as it is when the chunk owns it whole; else a copy of the chunk does.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      send({ bytes: own ? bytes : new Uint8Array(bytes) });
      while (answers.length > maxAhead) yield* lines(await answers.shift()!);
    }
    send({ end: true });
    while (answers.length > 0) yield* lines(await answers.shift()!);
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
