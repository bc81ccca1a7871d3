/**
 * Maps a position in tsx's compiled output back to the TypeScript line, so profiles of `--import tsx` processes
 * name real lines. tsx caches each compiled file as JSON {code, map} in `$TMPDIR/tsx-<uid>/`; the newest entry of a
 * source is the one the process ran (this is best effort: unknown positions keep the compiled line).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Segment = [genCol: number, srcLine: number];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = B64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** Per generated line, the segments' generated column and original line (0-based), in column order. */
function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let srcLine = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let genCol = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      genCol += fields[0];
      if (fields.length >= 4) {
        srcLine += fields[2];
        segments.push([genCol, srcLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

let index: Map<string, Segment[][]> | undefined;

function cacheIndex(): Map<string, Segment[][]> {
  if (index) return index;
  index = new Map();
  const dir = path.join(os.tmpdir(), `tsx-${os.userInfo().uid}`);
  let files: Array<{ file: string; mtime: number }> = [];
  try {
    files = fs
      .readdirSync(dir)
      .map((f) => ({ file: path.join(dir, f), stat: fs.statSync(path.join(dir, f)) }))
      .filter(({ stat }) => stat.isFile())
      .map(({ file, stat }) => ({ file, mtime: stat.mtimeMs }))
      .sort((a, b) => a.mtime - b.mtime); // newest last, so it wins
  } catch {
    return index;
  }
  const newest = new Map<string, string>();
  for (const { file } of files) {
    const text = fs.readFileSync(file, 'utf8');
    const source = /"sources":\["([^"]+)"\]/.exec(text.slice(-2_000))?.[1];
    if (source && text.startsWith('{"code"')) newest.set(source, file);
  }
  for (const [source, file] of newest) {
    try {
      const { map } = JSON.parse(fs.readFileSync(file, 'utf8')) as { map?: { mappings?: string } };
      if (map?.mappings) index.set(source, decodeMappings(map.mappings));
    } catch {
      // Not a tsx cache entry after all.
    }
  }
  return index;
}

/** The 1-based TypeScript line of a 0-based compiled position, or null when it cannot be told. */
export function sourceLine(file: string, line: number, column: number): number | null {
  const lines = cacheIndex().get(file)?.[line];
  if (!lines || lines.length === 0) return null;
  let best: Segment | undefined;
  for (const segment of lines) {
    if (segment[0] > column) break;
    best = segment;
  }
  return (best ?? lines[0])[1] + 1;
}
