/**
 * One GraphQL Admin API request, as Shopify answers it: parse and validate (errors with HTTP 200), the requested
 * cost (over 1,000: MAX_COST_EXCEEDED), the leaky bucket (THROTTLED), execution, and `extensions.cost` with the
 * actual cost refunded. Transport (HTTP, auth, faults) is the server's job.
 */
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AnyData } from '../dataset';
import type { ResourceName } from '../types';
import { BulkOperations, type BulkOptions } from './bulk';
import { findOperation, queryCost } from './cost';
import { createRoot, fieldResolver, type RequestContext } from './resolvers';
import { adminSchema } from './schema';
import { EventLog } from './events';
import { competeForBucket, CostBucket, type CompetingClient, type CostLimit } from './throttle';
import { DEFAULT_SCOPES } from '../oauth';
import type { ShopDetails } from '../shop';

type Json = Record<string, unknown>;

export const MAX_QUERY_COST = 1000;
const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

export interface AdminGraphqlOptions {
  /** The bucket: Standard plan by default (100 points/s); false = never throttled. */
  costLimit?: CostLimit | false;
  /** Scopes the app was granted; a query or bulk operation outside them is denied. */
  accessScopes?: string[];
  bulk?: BulkOptions;
}

export interface AdminGraphqlDeps {
  datasets: Record<ResourceName, AnyData>;
  shopName: string;
  utcOffset: string;
  now: () => number;
  shop?: ShopDetails;
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlAnswer {
  body: Json;
  /** The first error's code (THROTTLED, MAX_COST_EXCEEDED, ACCESS_DENIED…), for the request log. */
  code?: string;
  /** The resource of the first top-level field, when it reads one. */
  resource?: ResourceName;
  requestedCost?: number;
  actualCost?: number | null;
}

const FIELD_RESOURCE: Record<string, ResourceName> = {
  products: 'products',
  product: 'products',
  productsCount: 'products',
  customers: 'customers',
  customer: 'customers',
  customersCount: 'customers',
  orders: 'orders',
  order: 'orders',
  ordersCount: 'orders',
};

export class AdminGraphql {
  readonly schema: GraphQLSchema = adminSchema();
  readonly bulk: BulkOperations;
  readonly events: EventLog;
  private readonly root: Json;
  private readonly bucket: CostBucket;
  accessScopes: string[];

  constructor(deps: AdminGraphqlDeps, options: AdminGraphqlOptions = {}, storeScopes?: readonly string[]) {
    this.accessScopes = [...(options.accessScopes ?? storeScopes ?? DEFAULT_SCOPES)];
    this.bucket = new CostBucket(
      options.costLimit === undefined ? { maximumAvailable: 2000, restoreRate: 100 } : options.costLimit,
    );
    this.bulk = new BulkOperations(
      {
        schema: this.schema,
        root: () => this.root,
        accessScopes: () => this.accessScopes,
        count: (resource) => deps.datasets[resource].total,
        now: deps.now,
      },
      options.bulk,
    );
    this.events = new EventLog(deps.utcOffset, deps.now);
    this.root = createRoot({
      datasets: deps.datasets,
      shopName: deps.shopName,
      utcOffset: deps.utcOffset,
      shopCurrency: 'USD',
      shop: deps.shop,
      accessScopes: () => this.accessScopes,
      now: deps.now,
      events: this.events,
      bulk: this.bulk,
    }).root;
  }

  /** What a request asks for, known before it runs (for fault rules and the log). */
  describe(request: GraphqlRequest): { resource?: ResourceName; fields: string[] } {
    if (typeof request.query !== 'string') return { fields: [] };
    try {
      const document = parse(request.query);
      const op = findOperation(document, typeof request.operationName === 'string' ? request.operationName : undefined);
      const fields = (op?.selectionSet.selections ?? []).flatMap((s) => (s.kind === 'Field' ? [s.name.value] : []));
      return { resource: resourceOfDocument(document, request.operationName), fields };
    } catch {
      return { fields: [] };
    }
  }

  async run(token: string, request: GraphqlRequest, version: string, base: string): Promise<GraphqlAnswer> {
    const variables = isObject(request.variables) ? request.variables : undefined;
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    let document: DocumentNode;
    try {
      document = parse(String(request.query));
    } catch (err) {
      return { body: { errors: [format(err as GraphQLError)] } };
    }
    const resource = resourceOfDocument(document, operationName);
    const invalid = validate(this.schema, document);
    if (invalid.length) return { body: { errors: invalid.map(shopifyValidationError) }, resource };
    const op = findOperation(document, operationName);
    if (!op) {
      const message = operationName ? `No operation named "${operationName}"` : 'An operation name is required';
      return { body: { errors: [{ message }] }, resource };
    }
    const requested = queryCost(this.schema, document, op, variables);
    if (requested > MAX_QUERY_COST) {
      return {
        body: {
          errors: [
            {
              message:
                `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
                `See ${RATE_LIMITS_DOC} for more information on how the\ncost of a query is calculated.\n\n` +
                'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
                'See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n',
              extensions: {
                code: 'MAX_COST_EXCEEDED',
                cost: requested,
                maxCost: MAX_QUERY_COST,
                documentation: RATE_LIMITS_DOC,
              },
            },
          ],
          extensions: this.costExtension(token, requested, null),
        },
        code: 'MAX_COST_EXCEEDED',
        resource,
        requestedCost: requested,
        actualCost: null,
      };
    }
    if (!this.bucket.reserve(token, requested)) return this.throttledAnswer(token, requested, resource);
    const ctx: RequestContext = { version, base, search: [] };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: this.root,
      contextValue: ctx,
      variableValues: variables,
      operationName,
      fieldResolver,
    });
    const actual = Math.min(requested, queryCost(this.schema, document, op, variables, result.data as Json | null));
    this.bucket.refund(token, requested - actual);
    const body: Json = {};
    if (result.errors?.length) body.errors = result.errors.map(format);
    body.data = result.data ?? null;
    const extensions: Json = this.costExtension(token, requested, actual);
    if (ctx.search.length) extensions.search = ctx.search;
    body.extensions = extensions;
    const code = result.errors?.[0]?.extensions?.code;
    return {
      body,
      code: typeof code === 'string' ? code : undefined,
      resource,
      requestedCost: requested,
      actualCost: actual,
    };
  }

  /** Another client of the same app spending from the bucket of `token` (a throttling storm); resolves when it stops. */
  compete(token: string, client: CompetingClient): Promise<number> {
    return competeForBucket(this.bucket, token, client);
  }

  close(): Promise<void> {
    return this.bulk.close();
  }

  /** A THROTTLED answer whatever the bucket holds: the store's `rate-limit` fault rule on GraphQL requests. */
  throttled(token: string, request: GraphqlRequest): GraphqlAnswer {
    let requested = 0;
    try {
      const document = parse(String(request.query));
      const op = findOperation(document, request.operationName as string | undefined);
      if (op && validate(this.schema, document).length === 0) {
        requested = queryCost(this.schema, document, op, isObject(request.variables) ? request.variables : undefined);
      }
    } catch {
      // Not a valid query: Shopify would not cost it either.
    }
    return this.throttledAnswer(token, requested, this.describe(request).resource);
  }

  private throttledAnswer(token: string, requested: number, resource: ResourceName | undefined): GraphqlAnswer {
    return {
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMITS_DOC } }],
        extensions: this.costExtension(token, requested, null),
      },
      code: 'THROTTLED',
      resource,
      requestedCost: requested,
      actualCost: null,
    };
  }

  private costExtension(token: string, requested: number, actual: number | null): Json {
    return {
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.bucket.status(token) },
    };
  }
}

function resourceOfDocument(document: DocumentNode, operationName: unknown): ResourceName | undefined {
  const op = findOperation(document, typeof operationName === 'string' ? operationName : undefined);
  const first = op?.selectionSet.selections.find((s) => s.kind === 'Field');
  return first?.kind === 'Field' ? FIELD_RESOURCE[first.name.value] : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function format(err: GraphQLError): Json {
  const out: Json = { message: err.message };
  if (err.locations) out.locations = err.locations;
  if (err.path) out.path = err.path;
  if (err.extensions && Object.keys(err.extensions).length) out.extensions = err.extensions;
  return out;
}

/** Shopify's wording for the commonest validation error; graphql-js's for the rest. */
function shopifyValidationError(err: GraphQLError): Json {
  const m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(err.message);
  if (m) {
    return {
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      locations: err.locations,
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
    };
  }
  return format(err);
}
