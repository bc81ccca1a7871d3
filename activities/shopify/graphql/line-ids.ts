/**
 * A bulk result line's `id` and `__parentId` read from its bytes without parsing the line, for lines in the shape
 * Shopify writes them: `{"id":"gid://…",…}`, and for a child `…,"__parentId":"gid://…"}` at its very end. Staging
 * only needs these two values; the whole line is parsed once, when it is assembled. Any other shape (another escape in
 * either value, `__parentId` anywhere but last, no leading id, trailing whitespace) answers null: the caller then
 * parses the line with JSON.parse, so an unusual line costs time, never a wrong join. `\/` (Shopify's files often
 * escape the slashes of a gid: `"gid:\/\/shopify\/Order\/1"`) is the one escape read here.
 */

export interface LineIds {
  gid: string;
  /** Undefined for a top-level line. */
  parentGid: string | undefined;
}

const HEAD = Buffer.from('{"id":"');
const SLASH = 0x2f;
const PARENT_KEY = Buffer.from(',"__parentId":');
const PARENT_NAME = Buffer.from('"__parentId"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;

/** The line is `bytes[start, end)`, without its newline. */
export function quickLineIds(bytes: Buffer, start: number, end: number): LineIds | null {
  if (end - start < HEAD.length + 2 || bytes[end - 1] !== CLOSE_BRACE || !startsWith(bytes, start, HEAD)) return null;
  const idStart = start + HEAD.length;
  const idEnd = plainStringEnd(bytes, idStart, end);
  if (idEnd < 0) return null;
  const gid = unescapeSlashes(bytes.toString('utf8', idStart, idEnd));
  if (!gid.startsWith('gid://')) return null;
  if (bytes[end - 2] !== QUOTE) {
    // No string value last: a top-level line, unless `__parentId` is somewhere else (then JSON.parse decides).
    return names(bytes, idEnd, end, PARENT_NAME) ? null : { gid, parentGid: undefined };
  }
  // The last value is a string: its opening quote is the first quote before it (it may hold no escape but `\/`).
  const valueEnd = end - 2;
  let open = valueEnd - 1;
  for (; open > idEnd && bytes[open] !== QUOTE; open -= 1) {
    if (bytes[open] === BACKSLASH && !isEscapedSlash(bytes, open)) return null;
  }
  if (open <= idEnd || bytes[open - 1] === BACKSLASH) return null;
  if (!startsWith(bytes, open - PARENT_KEY.length, PARENT_KEY)) {
    return names(bytes, idEnd, end, PARENT_NAME) ? null : { gid, parentGid: undefined };
  }
  return { gid, parentGid: unescapeSlashes(bytes.toString('utf8', open + 1, valueEnd)) };
}

/** `\/` at `at` (not the end of an escaped backslash): JSON's optional escape of `/`, which Shopify's files use. */
function isEscapedSlash(bytes: Buffer, at: number): boolean {
  return bytes[at + 1] === SLASH && bytes[at - 1] !== BACKSLASH;
}

function unescapeSlashes(value: string): string {
  return value.includes('\\') ? value.replaceAll('\\/', '/') : value;
}

/** Whether `bytes[from, end)` contains `name` (the buffer holds other lines after `end`). */
function names(bytes: Buffer, from: number, end: number, name: Buffer): boolean {
  return bytes.subarray(from, end).indexOf(name) !== -1;
}

function startsWith(bytes: Buffer, at: number, prefix: Buffer): boolean {
  return at >= 0 && bytes.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** Where the string starting at `from` ends (its closing quote), or -1 if it holds an escape but `\/`, or no end. */
function plainStringEnd(bytes: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i += 1) {
    if (bytes[i] === QUOTE) return i;
    if (bytes[i] === BACKSLASH) {
      if (bytes[i + 1] !== SLASH) return -1;
      i += 1;
    }
  }
  return -1;
}
