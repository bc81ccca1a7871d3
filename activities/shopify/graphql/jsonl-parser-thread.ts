/**
 * The JSONL parser's thread (see jsonl-parser.ts): each chunk of the file it is sent comes back as its complete
 * lines' ids and offsets (and their text, unless the chunk is staged in a file). With `stageFd`, the chunk's bytes
 * are first written into that file at their own offsets, so the file holds the download as it is, and a retried
 * download writes the same bytes in the same places. A line in Shopify's shape gives its ids without being parsed
 * (line-ids.ts); any other, and the file's last line, is parsed, and nothing after the first line that is not a JSON
 * object is read.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { LineCutter, parseObject, type CutLine } from './jsonl-stream';
import { quickLineIds } from './line-ids';
import { toThreadError, type ThreadError } from '../../module-thread';

/** What the thread answers for each chunk (parallel arrays: one structured clone instead of one per line). */
export interface ParsedChunk {
  offsets: number[];
  nextOffsets: number[];
  gids: (string | null)[];
  parents: unknown[];
  /** Each line's text; empty when the lines are staged in a file. */
  texts: string[];
  /** The first line that is not a JSON object. */
  bad: { offset: number; text: string } | null;
  /** Writing the staging file failed (a full disk): nothing after it is read. */
  failure?: ThreadError;
}

export interface ChunkMessage {
  bytes?: Uint8Array;
  /** The file offset of `bytes`' first byte. */
  position?: number;
  /** The file is complete: its last line may lack a newline. */
  end?: true;
}

export interface ParserData {
  fromOffset: number;
  /** Write the chunks into this open file at their offsets (the caller opens and closes it). */
  stageFd?: number;
}

if (parentPort) {
  const port = parentPort;
  const { fromOffset, stageFd: file } = workerData as ParserData;
  const cutter = new LineCutter(fromOffset);
  let failed = false;
  const add = (out: ParsedChunk, { held, start, end, offset, nextOffset }: CutLine, last: boolean) => {
    // The last line is always parsed: a download cut short ends in a partial line.
    const quick = last ? null : quickLineIds(held, start, end);
    const text = quick && file !== undefined ? '' : held.toString('utf8', start, end);
    const value = quick ? { id: quick.gid, __parentId: quick.parentGid } : parseObject(text);
    if (value === null) {
      out.bad = { offset, text: text.slice(0, 81) };
      failed = true;
      return;
    }
    out.offsets.push(offset);
    out.nextOffsets.push(nextOffset);
    out.gids.push(typeof value.id === 'string' ? value.id : null);
    out.parents.push(value.__parentId);
    out.texts.push(file === undefined ? text : '');
  };
  port.on('message', ({ bytes, position, end }: ChunkMessage) => {
    const out: ParsedChunk = { offsets: [], nextOffsets: [], gids: [], parents: [], texts: [], bad: null };
    if (bytes && !failed) {
      const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      try {
        if (file !== undefined) fs.writeSync(file, chunk, 0, chunk.length, position);
      } catch (error) {
        failed = true;
        out.failure = toThreadError(error);
        port.postMessage(out);
        return;
      }
      for (const line of cutter.lines(chunk)) {
        add(out, line, false);
        if (failed) break;
      }
    }
    const last = end && !failed ? cutter.last() : null;
    if (last) add(out, last, true);
    port.postMessage(out);
  });
}
