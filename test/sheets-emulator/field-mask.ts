/** A parsed field selection: each name maps to its sub-selection, or null for "all of it". */
export type FieldTree = Map<string, FieldTree | null>;

/**
 * Parses Google's field selections, both 'sheets.properties.title' and 'sheets(properties(sheetId,title))' forms
 * (and '/' as a separator). Undefined when the text does not parse.
 */
export function parseFieldMask(text: string): FieldTree | undefined {
  const tokens = text.replace(/\s+/g, '').match(/[^.,/()]+|[.,/()]/g) ?? [];
  let pos = 0;

  const parseList = (): FieldTree | undefined => {
    const tree: FieldTree = new Map();
    for (;;) {
      const path: string[] = [];
      for (;;) {
        const name = tokens[pos];
        if (name === undefined || '.,/()'.includes(name)) return undefined;
        path.push(name);
        pos += 1;
        if (tokens[pos] !== '.' && tokens[pos] !== '/') break;
        pos += 1;
      }
      let sub: FieldTree | null = null;
      if (tokens[pos] === '(') {
        pos += 1;
        const inner = parseList();
        if (!inner || tokens[pos] !== ')') return undefined;
        pos += 1;
        sub = inner;
      }
      insert(tree, path, sub);
      if (tokens[pos] !== ',') return tree;
      pos += 1;
    }
  };

  if (tokens.length === 0) return undefined;
  const tree = parseList();
  return tree && pos === tokens.length ? tree : undefined;
}

function insert(tree: FieldTree, path: string[], sub: FieldTree | null): void {
  const [head, ...rest] = path;
  const existing = tree.get(head);
  if (existing === null) return;
  if (rest.length === 0) {
    if (sub === null || existing === undefined) tree.set(head, sub);
    else for (const [k, v] of sub) insert(existing, [k], v);
    return;
  }
  const child = existing ?? new Map();
  tree.set(head, child);
  insert(child, rest, sub);
}

/** Keeps only the selected fields of a JSON value (arrays are filtered element by element). */
export function applyFieldMask(value: unknown, tree: FieldTree): unknown {
  if (tree.has('*')) return value;
  if (Array.isArray(value)) return value.map((item) => applyFieldMask(item, tree));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!(key in source)) continue;
    picked[key] = sub === null ? source[key] : applyFieldMask(source[key], sub);
  }
  return picked;
}

/** Flattens a selection to dotted leaf paths: 'title', 'gridProperties.rowCount'. */
export function fieldPaths(tree: FieldTree, prefix = ''): string[] {
  return [...tree].flatMap(([key, sub]) => (sub === null ? [`${prefix}${key}`] : fieldPaths(sub, `${prefix}${key}.`)));
}
