/** 'Zoë Ångström' -> 'zoe.angstrom'-style ASCII; empty when nothing Latin is left (e.g. CJK). */
export function asciiSlug(text: string, separator = '-'): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .split(separator)
    .filter(Boolean)
    .join(separator);
}

/** Shopify keeps non-Latin letters in handles. */
export function handleize(title: string): string {
  return title
    .toLowerCase()
    .replace(/["'’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** The three line breaks free text arrives with: Shopify keeps what the merchant or the customer typed. */
export type LineBreak = '\n' | '\r' | '\r\n';

/** `text` with its first space turned into `br` ('Classic\nTote'), or `br` and `tail` appended when it has none. */
export function breakLine(text: string, br: LineBreak, tail: string): string {
  return text.includes(' ') ? text.replace(' ', br) : `${text}${br}${tail}`;
}

/** Shopify returns tags sorted and joined with ', '. */
export function joinTags(tags: Iterable<string>): string {
  return [...new Set(tags)].sort((a, b) => a.localeCompare(b)).join(', ');
}

export function addTag(tags: string, tag: string): string {
  const list = tags ? tags.split(', ') : [];
  return joinTags([...list, tag]);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Bounded memo for records other generators embed (orders embed products and customers). */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K, make: () => V): V {
    let value = this.map.get(key);
    if (value === undefined) {
      if (this.map.size >= this.capacity) this.map.clear();
      value = make();
      this.map.set(key, value);
    }
    return value;
  }
}
