/**
 * Shopify's search syntax, the part the project uses: `updated_at:>='2026-11-01T00:00:00Z'`, `created_at:<…`,
 * `id:>123`, `status:open` (orders), terms joined by AND or by spaces. Values may be quoted; dates without an
 * offset are read in the shop's timezone. A field Shopify does not know for the resource is ignored with a
 * warning in `extensions.search`, as Shopify does; OR, NOT and grouping are rejected as not implemented.
 */
import type { Filter, OrderStatus } from '../query';
import { parseInstant } from '../time';
import type { ResourceName } from '../types';

export interface SearchFilter extends Filter {
  /** Only ids <= this (id:<N and id:<=N). */
  idMax?: number;
  /** True when a term can never match (e.g. an impossible id bound). */
  empty?: boolean;
}

export interface SearchWarning {
  field: string;
  message: string;
}

export interface ParsedSearch {
  filter: SearchFilter;
  warnings: SearchWarning[];
}

export class SearchSyntaxError extends Error {}

const TERM = /^([a-z_]+):(<=|>=|<|>|=)?(?:'([^']*)'|"([^"]*)"|(\S+))$/;
const STATUSES: readonly string[] = ['open', 'closed', 'cancelled', 'any'];

/** Fields Shopify supports on each resource that the emulator ignores (with no warning: they are valid). */
const KNOWN: Record<ResourceName, readonly string[]> = {
  products: ['title', 'vendor', 'product_type', 'status', 'tag', 'handle', 'sku', 'barcode', 'published_status'],
  customers: ['email', 'phone', 'country', 'state', 'tag', 'first_name', 'last_name'],
  orders: ['financial_status', 'fulfillment_status', 'email', 'name', 'tag', 'customer_id', 'processed_at', 'test'],
};

export function parseSearch(
  query: string | null | undefined,
  resource: ResourceName,
  shopOffset: string,
): ParsedSearch {
  const filter: SearchFilter = {};
  const warnings: SearchWarning[] = [];
  const text = (query ?? '').trim();
  if (!text) return { filter, warnings };
  for (const token of tokenize(text)) {
    if (token === 'AND') continue;
    if (token === 'OR' || token === 'NOT' || token.startsWith('(') || token.startsWith('-')) {
      throw new SearchSyntaxError(`the emulator does not implement "${token}" in search queries (only AND)`);
    }
    const m = TERM.exec(token);
    if (!m) {
      warnings.push({ field: 'default', message: `Free-text search ("${token}") is not implemented by the emulator.` });
      continue;
    }
    const [, field, op = '=', q1, q2, bare] = m;
    const value = q1 ?? q2 ?? bare ?? '';
    if (field === 'updated_at' || field === 'created_at') {
      const ms = parseInstant(value, shopOffset);
      if (ms === undefined) {
        warnings.push({ field, message: `Invalid date: ${value}` });
        continue;
      }
      applyDate(filter, field === 'updated_at' ? 'updated' : 'created', op, ms);
    } else if (field === 'id') {
      if (!/^\d+$/.test(value)) {
        warnings.push({ field, message: `Invalid id: ${value}` });
        continue;
      }
      applyId(filter, op, Number(value));
    } else if (field === 'status' && resource === 'orders') {
      if (!STATUSES.includes(value)) {
        warnings.push({ field, message: `Invalid status: ${value}` });
        continue;
      }
      filter.status = value as OrderStatus;
    } else if (KNOWN[resource].includes(field)) {
      throw new SearchSyntaxError(`the emulator does not implement the search field "${field}" yet`);
    } else {
      warnings.push({ field, message: 'Invalid search field for this query.' });
    }
  }
  return { filter, warnings };
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /(?:[^\s'"]+|'[^']*'|"[^"]*")+/g;
  for (const m of text.matchAll(re)) tokens.push(m[0]);
  return tokens;
}

/** Records carry whole seconds, so strict bounds move to the next (or previous) whole second. */
function applyDate(filter: SearchFilter, which: 'updated' | 'created', op: string, ms: number): void {
  const min = which === 'updated' ? 'updatedMin' : 'createdMin';
  const max = which === 'updated' ? 'updatedMax' : 'createdMax';
  const ceil = Math.ceil(ms / 1000) * 1000;
  const floor = Math.floor(ms / 1000) * 1000;
  const raise = (v: number) => (filter[min] = Math.max(filter[min] ?? -Infinity, v));
  const lower = (v: number) => (filter[max] = Math.min(filter[max] ?? Infinity, v));
  switch (op) {
    case '>=':
      raise(ceil);
      break;
    case '>':
      raise(floor + 1000);
      break;
    case '<=':
      lower(floor);
      break;
    case '<':
      lower(ceil - 1000);
      break;
    default:
      raise(floor);
      lower(floor);
  }
}

function applyId(filter: SearchFilter, op: string, id: number): void {
  const above = (v: number) => (filter.sinceId = Math.max(filter.sinceId ?? -1, v));
  const below = (v: number) => (filter.idMax = Math.min(filter.idMax ?? Infinity, v));
  switch (op) {
    case '>':
      above(id);
      break;
    case '>=':
      above(id - 1);
      break;
    case '<':
      below(id - 1);
      break;
    case '<=':
      below(id);
      break;
    default:
      above(id - 1);
      below(id);
  }
  if (filter.idMax !== undefined && filter.sinceId !== undefined && filter.idMax <= filter.sinceId) filter.empty = true;
}
