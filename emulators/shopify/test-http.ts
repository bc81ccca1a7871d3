/** Small HTTP helpers shared by the emulator's tests. */

export const TOKEN = 'shpat_demo_token';
export const API = '/admin/api/2024-07';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Test-only convenience: bodies are arbitrary JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function get(base: string, path: string, token: string | null = TOKEN): Promise<Reply> {
  const res = await fetch(path.startsWith('http') ? path : base + path, {
    headers: token === null ? {} : { 'X-Shopify-Access-Token': token },
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Parses `<url>; rel="next", <url>; rel="previous"`. */
export function parseLink(header: string | null): { next?: string; previous?: string } {
  const out: { next?: string; previous?: string } = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="(next|previous)"/.exec(part.trim());
    if (m) out[m[2] as 'next' | 'previous'] = m[1];
  }
  return out;
}

/** Follows rel="next" from the first page; returns every record and the pages' Link headers. */
export async function walk(base: string, path: string, resource: string) {
  const records: Record<string, unknown>[] = [];
  const links: { next?: string; previous?: string }[] = [];
  let url: string | undefined = base + path;
  while (url) {
    const reply = await get(base, url);
    if (reply.status !== 200) throw new Error(`${url} -> ${reply.status} ${reply.text}`);
    records.push(...reply.json[resource]);
    const link = parseLink(reply.headers.get('link'));
    links.push(link);
    url = link.next;
  }
  return { records, links };
}

export function ids(records: Iterable<Record<string, unknown>>): number[] {
  return [...records].map((r) => r.id as number);
}
