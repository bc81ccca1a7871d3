/**
 * Shopify's search query grammar, as its documentation writes it (shopify.dev/docs/api/usage/search-syntax):
 *
 *   Query      = Term { [ whitespace Connective ] whitespace Term }     (no connective: AND)
 *   Connective = "AND" | "OR"
 *   Term       = [ Modifier ] ( "(" Query ")" | [ name Comparator ] value )
 *   Modifier   = "-" (no whitespace after it) | "NOT" whitespace
 *   Comparator = ":" | ":<" | ":>" | ":<=" | ":>="
 *
 * A value is a name or a quoted string (single or double quotes); `:`, `\`, `(` and `)` are special characters,
 * escaped with a backslash. The documentation does not say whether AND or OR binds tighter, so a query that mixes
 * them at one level without parentheses is rejected here rather than given a precedence Shopify may not have.
 * This module only parses; what a field means is the caller's (events.ts).
 */

export type SearchNode =
  | { kind: 'and' | 'or'; terms: SearchNode[] }
  | { kind: 'not'; term: SearchNode }
  | { kind: 'term'; field: string | null; comparator: Comparator; value: string };

export type Comparator = ':' | ':<' | ':>' | ':<=' | ':>=';

export class SearchGrammarError extends Error {}

/** A character of a word; `literal` when escaped or quoted (then never a colon that ends a field name). */
type Char = { c: string; literal: boolean };

type Token = { type: 'open' | 'close' | 'not' } | { type: 'word'; chars: Char[]; raw: string };

/** The query's tree, or null for an empty query (every record matches). */
export function parseSearchQuery(text: string): SearchNode | null {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  let at = 0;

  function query(nested: boolean): SearchNode {
    const terms: SearchNode[] = [];
    const connectives = new Set<'and' | 'or'>();
    for (;;) {
      terms.push(term());
      const next = tokens[at];
      if (next === undefined) break;
      if (next.type === 'close') {
        if (!nested) throw new SearchGrammarError(`unmatched ")" in search query: ${text}`);
        break;
      }
      if (next.type === 'word' && (next.raw === 'AND' || next.raw === 'OR')) {
        connectives.add(next.raw === 'AND' ? 'and' : 'or');
        at += 1;
        if (tokens[at] === undefined || tokens[at].type === 'close') {
          throw new SearchGrammarError(`"${next.raw}" without a term after it in search query: ${text}`);
        }
      } else {
        connectives.add('and');
      }
    }
    if (connectives.size > 1) {
      throw new SearchGrammarError(
        `search query mixes AND and OR without parentheses; Shopify's search syntax documentation does not say ` +
          `which binds tighter, so group them: ${text}`,
      );
    }
    return terms.length === 1 ? terms[0] : { kind: connectives.has('or') ? 'or' : 'and', terms };
  }

  function term(): SearchNode {
    const token = tokens[at++];
    if (token === undefined) throw new SearchGrammarError(`search query ends where a term was expected: ${text}`);
    if (token.type === 'not') return { kind: 'not', term: term() };
    if (token.type === 'open') {
      const inner = query(true);
      if (tokens[at]?.type !== 'close') throw new SearchGrammarError(`unmatched "(" in search query: ${text}`);
      at += 1;
      return inner;
    }
    if (token.type !== 'word') throw new SearchGrammarError(`unexpected ")" in search query: ${text}`);
    return fieldTerm(token.chars);
  }

  const tree = query(false);
  if (at < tokens.length) throw new SearchGrammarError(`unmatched ")" in search query: ${text}`);
  return tree;
}

/** Words, parentheses and modifiers; `raw` is a word as written (to tell the connectives AND and OR). */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let k = 0;
  const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (k < text.length) {
    const c = text[k];
    if (space(c)) {
      k += 1;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'open' : 'close' });
      k += 1;
      continue;
    }
    if (c === '-' && k + 1 < text.length && !space(text[k + 1])) {
      tokens.push({ type: 'not' });
      k += 1;
      continue;
    }
    const word: Char[] = [];
    const start = k;
    while (k < text.length && !space(text[k]) && text[k] !== '(' && text[k] !== ')') {
      const ch = text[k];
      if (ch === '\\' && k + 1 < text.length) {
        word.push({ c: text[k + 1], literal: true });
        k += 2;
      } else if (ch === "'" || ch === '"') {
        const end = text.indexOf(ch, k + 1);
        if (end < 0) throw new SearchGrammarError(`unterminated quote in search query: ${text}`);
        for (const inner of text.slice(k + 1, end)) word.push({ c: inner, literal: true });
        k = end + 1;
      } else {
        word.push({ c: ch, literal: false });
        k += 1;
      }
    }
    const raw = text.slice(start, k);
    if (raw === 'NOT' && space(text[k])) tokens.push({ type: 'not' });
    else tokens.push({ type: 'word', chars: word, raw });
  }
  return tokens;
}

/** `name:>=value` or a bare value (free text, field null); escaped and quoted characters are literal. */
function fieldTerm(chars: Char[]): SearchNode {
  const text = (part: Char[]) => part.map((ch) => ch.c).join('');
  const colon = chars.findIndex((ch) => ch.c === ':' && !ch.literal);
  if (colon < 0) return { kind: 'term', field: null, comparator: ':', value: text(chars) };
  const rest = chars.slice(colon + 1);
  const unquoted = rest.findIndex((ch) => ch.literal);
  const opening = unquoted < 0 ? rest.slice(0, 2) : rest.slice(0, Math.min(2, unquoted));
  const op = /^(<=|>=|<|>)/.exec(text(opening))?.[0] ?? '';
  return {
    kind: 'term',
    field: text(chars.slice(0, colon)),
    comparator: `:${op}` as Comparator,
    value: text(rest.slice(op.length)),
  };
}
