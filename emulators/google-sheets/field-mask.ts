import { notEmulated } from './api-error';

/** A parsed field selection: each name maps to its sub-selection, or null for "all of it". */
export type FieldTree = Map<string, FieldTree | null>;

/**
 * Parses a field selection made of dotted paths separated by commas ('sheets.properties,spreadsheetId'; '/' also
 * separates). Undefined when the text does not parse. Google's '(…)' sub-selection form is not emulated.
 */
export function parseFieldMask(text: string): FieldTree | undefined {
  if (/[()]/.test(text)) throw notEmulated(`The field selection '${text}' (the '(…)' form)`);
  const tree: FieldTree = new Map();
  for (const field of text.replace(/\s+/g, '').split(',')) {
    const path = field.split(/[./]/);
    if (path.some((name) => name === '')) return undefined;
    insert(tree, path);
  }
  return tree;
}

function insert(tree: FieldTree, [head, ...rest]: string[]): void {
  if (rest.length === 0) {
    tree.set(head, null);
    return;
  }
  const existing = tree.get(head);
  if (existing === null) return;
  const child = existing ?? new Map();
  tree.set(head, child);
  insert(child, rest);
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
