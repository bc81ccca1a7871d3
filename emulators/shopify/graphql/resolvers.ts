/**
 * The root fields: the store's records as connections, single records, counts, the shop, the app's scopes and
 * the bulk operation fields, and the shop's `events` (events.ts).
 */
import { GraphQLError, getNamedType, type GraphQLFieldResolver } from 'graphql';
import type { AnyData } from '../dataset';
import type { Customer } from '../customers';
import type { Order } from '../orders';
import type { Product } from '../products';
import type { ResourceName } from '../types';
import type { ShopDetails } from '../shop';
import { badRequest, listConnection, orderedConnection, type ConnectionArgs } from './connections';
import { Ordering, type Position, type SortKey } from './ordering';
import { isConnectionTypeName } from './schema';
import { parseSearch, SearchSyntaxError } from './search';
import { BoundedCache } from '../text';
import type { EventLog } from './events';
import { customerNode, gid, orderNode, parseGid, productNode, type Lookup } from './shapes';

type Rec = Record<string, unknown>;

/** Set by a bulk operation: the top-level connection returns the next chunk and says where it stopped. */
export interface BulkChunk {
  after?: Position;
  size: number;
  last?: Position;
  hasNext?: boolean;
  roots?: number;
}

export interface SearchReport {
  path: string[];
  query: string;
  warnings: { field: string; message: string }[];
}

export interface RequestContext {
  /** The API version in the request's path, e.g. 2026-10. */
  version: string;
  /** Scheme and host the client used, for URLs we hand out. */
  base: string;
  bulk?: BulkChunk;
  search: SearchReport[];
}

export interface RootDeps {
  datasets: Record<ResourceName, AnyData>;
  shopName: string;
  utcOffset: string;
  shopCurrency: string;
  /** What the store's options say about the shop (name, currency, time zone, custom domain), else the defaults. */
  shop?: ShopDetails;
  accessScopes: () => readonly string[];
  /** The shop's clock (ms): without read_all_orders, orders lists show only the last 60 days. */
  now: () => number;
  events: EventLog;
  bulk: {
    get(id: string): Rec | null;
    search(query: string | null): Rec[];
    current(): Rec | null;
    run(query: string, groupObjects: boolean, ctx: RequestContext): Rec;
    cancel(id: string): Rec;
  };
}

export const SCOPE_OF: Record<ResourceName, string> = {
  products: 'read_products',
  customers: 'read_customers',
  orders: 'read_orders',
};

const TYPE_OF: Record<string, ResourceName> = { Product: 'products', Customer: 'customers', Order: 'orders' };

const SORT_KEYS: readonly string[] = ['ID', 'CREATED_AT', 'PROCESSED_AT', 'UPDATED_AT'];

export function createRoot(deps: RootDeps): { root: Rec; lookup: Lookup } {
  const { datasets } = deps;
  const record = <T>(resource: ResourceName, id: number): T | undefined => {
    const i = datasets[resource].indexOfId(id);
    return i === undefined ? undefined : (datasets[resource].recordAt(i) as unknown as T);
  };
  // Orders link to products and customers: shapes of unchanged records are cached (mutated ones are not, as
  // they may change again).
  const caches = { products: new BoundedCache<number, Rec>(2048), customers: new BoundedCache<number, Rec>(4096) };
  const linked = (resource: 'products' | 'customers', id: number): Rec | null => {
    const data = datasets[resource];
    const i = data.indexOfId(id);
    if (i === undefined) return null;
    const make = () => {
      const r = data.recordAt(i) as unknown;
      return resource === 'products' ? productNode(r as Product, lookup) : customerNode(r as Customer);
    };
    return data.isOverlaid(i) ? make() : caches[resource].get(i, make);
  };
  const lookup: Lookup = {
    product: (id) => linked('products', id),
    customer: (id) => linked('customers', id),
    shopCurrency: deps.shopCurrency,
  };
  const shape = (resource: ResourceName, r: Rec): Rec => {
    if (resource === 'products') return { __typename: 'Product', ...productNode(r as unknown as Product, lookup) };
    if (resource === 'customers') return { __typename: 'Customer', ...customerNode(r as unknown as Customer) };
    return { __typename: 'Order', ...orderNode(r as unknown as Order, lookup) };
  };
  const allowed = (resource: ResourceName, field: string) => {
    const scope = SCOPE_OF[resource];
    if (deps.accessScopes().includes(scope)) return;
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: {
        code: 'ACCESS_DENIED',
        documentation: 'https://shopify.dev/api/usage/access-scopes',
        requiredAccess: `\`${scope}\` access scope.`,
      },
    });
  };
  /**
   * Shopify: "Only the last 60 days' worth of orders from a store are accessible from the Order object by default"
   * (lists, counts, `order(id:)`, `node`) without read_all_orders. Null: no limit.
   */
  const oldestVisibleMs = (resource: ResourceName): number | null =>
    resource === 'orders' && !deps.accessScopes().includes('read_all_orders') ? deps.now() - 60 * 86_400_000 : null;
  const ordering = (resource: ResourceName, field: string, args: Rec, ctx: RequestContext) => {
    const sortKey = (args.sortKey as string | undefined) ?? 'ID';
    if (!SORT_KEYS.includes(sortKey)) throw badRequest(`the emulator does not implement sortKey ${sortKey} yet`);
    let parsed;
    try {
      parsed = parseSearch(args.query as string | undefined, resource, deps.utcOffset);
    } catch (err) {
      if (err instanceof SearchSyntaxError) throw badRequest(err.message);
      throw err;
    }
    if (parsed.warnings.length)
      ctx.search.push({ path: [field], query: String(args.query), warnings: parsed.warnings });
    const oldestVisible = oldestVisibleMs(resource);
    if (oldestVisible !== null)
      parsed.filter.createdMin = Math.max(parsed.filter.createdMin ?? -Infinity, oldestVisible);
    return new Ordering(datasets[resource], parsed.filter, sortKey as SortKey);
  };
  const connection = (resource: ResourceName, field: string) => (args: Rec, ctx: RequestContext) => {
    allowed(resource, field);
    const data = datasets[resource];
    const result = orderedConnection(
      ordering(resource, field, args, ctx),
      args as ConnectionArgs,
      field,
      (i) => shape(resource, data.recordAt(i) as unknown as Rec),
      ctx.bulk,
    );
    if (ctx.bulk) {
      ctx.bulk.last = result.last;
      ctx.bulk.hasNext = result.pageInfo.hasNextPage;
      ctx.bulk.roots = result.edges.length;
    }
    return result;
  };
  const count = (resource: ResourceName, field: string) => (args: Rec, ctx: RequestContext) => {
    allowed(resource, field);
    const n = ordering(resource, field, args, ctx).count();
    const limit = args.limit as number | null | undefined;
    if (limit != null && n > limit) return { count: limit, precision: 'AT_LEAST' };
    return { count: n, precision: 'EXACT' };
  };
  /** A record by id, or null when there is none or the app may not see it (an order older than 60 days). */
  const visibleRecord = (resource: ResourceName, id: number) => {
    const r = record<Rec>(resource, id);
    const oldestVisible = oldestVisibleMs(resource);
    if (!r || (oldestVisible !== null && Date.parse(String(r.created_at)) < oldestVisible)) return null;
    return shape(resource, r);
  };
  const single = (resource: ResourceName, field: string) => (args: Rec) => {
    allowed(resource, field);
    const parsed = parseGid(String(args.id));
    if (!parsed || TYPE_OF[parsed.type] !== resource) return null;
    return visibleRecord(resource, parsed.id);
  };
  const node = (args: Rec) => {
    const parsed = parseGid(String(args.id));
    if (parsed?.type === 'BulkOperation') return deps.bulk.get(String(args.id));
    const resource = parsed && TYPE_OF[parsed.type];
    if (!parsed || !resource) return null;
    return visibleRecord(resource, parsed.id);
  };
  const hours = offsetHours(deps.utcOffset);
  const root: Rec = {
    shop: () => ({
      id: gid('Shop', 54_838_000_921),
      name: deps.shop?.name ?? deps.shopName,
      myshopifyDomain: `${deps.shopName}.myshopify.com`,
      currencyCode: deps.shop?.currency ?? deps.shopCurrency,
      // A fixed offset is an Etc zone (whose sign is inverted by POSIX convention).
      ianaTimezone:
        deps.shop?.ianaTimezone ??
        (hours === undefined ? 'UTC' : hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours < 0 ? '+' : '-'}${Math.abs(hours)}`),
      timezoneOffset: deps.utcOffset.replace(':', ''),
      primaryDomain: { id: gid('Domain', 1), host: deps.shop?.domain ?? `${deps.shopName}.myshopify.com` },
    }),
    currentAppInstallation: () => ({
      id: gid('AppInstallation', 1),
      accessScopes: deps.accessScopes().map((handle) => ({ handle, description: handle.replace('_', ' ') })),
    }),
    products: connection('products', 'products'),
    customers: connection('customers', 'customers'),
    orders: connection('orders', 'orders'),
    productsCount: count('products', 'productsCount'),
    customersCount: count('customers', 'customersCount'),
    ordersCount: count('orders', 'ordersCount'),
    product: single('products', 'product'),
    customer: single('customers', 'customer'),
    order: single('orders', 'order'),
    node,
    nodes: (args: Rec) => (args.ids as string[]).map((id) => node({ id })),
    events: (args: Rec, ctx: RequestContext) => {
      const warnings: SearchReport['warnings'] = [];
      const result = deps.events.connection(args as ConnectionArgs & { query?: string | null }, warnings);
      if (warnings.length) ctx.search.push({ path: ['events'], query: String(args.query), warnings });
      return result;
    },
    bulkOperation: (args: Rec) => deps.bulk.get(String(args.id)),
    currentBulkOperation: () => deps.bulk.current(),
    bulkOperations: (args: Rec) =>
      listConnection(deps.bulk.search(args.query == null ? null : String(args.query)), args, 'bulkOperations', false),
    bulkOperationRunQuery: (args: Rec, ctx: RequestContext) =>
      deps.bulk.run(String(args.query), Boolean(args.groupObjects), ctx),
    bulkOperationCancel: (args: Rec) => deps.bulk.cancel(String(args.id)),
  };
  return { root, lookup };
}

function offsetHours(offset: string): number | undefined {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m || m[3] !== '00') return undefined;
  return (m[1] === '-' ? -1 : 1) * Number(m[2]);
}

/**
 * Reads fields off the shaped objects: functions are called (root fields with their arguments, lazy links
 * without), arrays under a connection type become connections, lists with `first` are cut. project.ts does the
 * same for bulk queries.
 */
export const fieldResolver: GraphQLFieldResolver<Rec, RequestContext> = (source, args, ctx, info) => {
  let value = source[info.fieldName];
  if (typeof value === 'function') value = (value as (a: Rec, c: RequestContext) => unknown)(args, ctx);
  if (Array.isArray(value)) {
    if (isConnectionTypeName(getNamedType(info.returnType).name)) {
      return listConnection(value as object[], args as ConnectionArgs, info.fieldName, ctx.bulk !== undefined);
    }
    // Plain lists honour `first` in bulk queries too; only connections are unbounded there.
    if (typeof args.first === 'number') return value.slice(0, args.first);
  }
  return value;
};
