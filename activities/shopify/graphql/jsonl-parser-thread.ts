/**
 * The JSONL parser's thread (see jsonl-parser.ts): each chunk of the file it is sent comes back as its complete
 * lines' text, ids and offsets. Nothing after the first line that is not a JSON object is parsed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineCutter, parseObject, type CutLine } from './jsonl-stream';

/** What the thread answers for each chunk (parallel arrays: one structured clone instead of one per line). */
export interface ParsedChunk {
  offsets: number[];
  nextOffsets: number[];
  gids: (string | null)[];
  parents: unknown[];
  texts: string[];
  /** The first line that is not a JSON object. */
  bad: { offset: number; text: string } | null;
}

export interface ChunkMessage {
  bytes?: Uint8Array;
  /** The file is complete: its last line may lack a newline. */
  end?: true;
}

if (parentPort) {
  const port = parentPort;
  const cutter = new LineCutter((workerData as { fromOffset: number }).fromOffset);
  let failed = false;
  const add = (out: ParsedChunk, { held, start, end, offset, nextOffset }: CutLine) => {
    const text = held.toString('utf8', start, end);
    const value = parseObject(text);
    if (value === null) {
      out.bad = { offset, text: text.slice(0, 81) };
      failed = true;
      return;
    }
    out.offsets.push(offset);
    out.nextOffsets.push(nextOffset);
    out.gids.push(typeof value.id === 'string' ? value.id : null);
    out.parents.push(value.__parentId);
    out.texts.push(text);
  };
  port.on('message', ({ bytes, end }: ChunkMessage) => {
    const out: ParsedChunk = { offsets: [], nextOffsets: [], gids: [], parents: [], texts: [], bad: null };
    if (bytes && !failed) {
      for (const line of cutter.lines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
        add(out, line);
        if (failed) break;
      }
    }
    const last = end && !failed ? cutter.last() : null;
    if (last) add(out, last);
    port.postMessage(out);
  });
}
