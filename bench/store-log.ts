import type { RequestLogEntry } from '../emulators/shopify';

export interface LogSummary {
  /** Every request the emulator answered (GraphQL queries, bulk result downloads, token requests…). */
  requests: number;
  /** GraphQL Admin API queries and mutations. */
  graphql: number;
  /** GraphQL answers whose first error is THROTTLED (the cost bucket lacked the query's requested cost). */
  throttled: number;
  /** Sums over the GraphQL queries that ran: the cost reserved up front, and what they cost in the end. */
  requestedCost: number;
  actualCost: number;
  /**
   * GraphQL requests by their top-level field: `orders`, `bulkOperationRunQuery`, `bulkOperation`, `events`…; a
   * request of several fields by all of them (`productsCount+customersCount+ordersCount`).
   */
  byField: Record<string, number>;
  /** GraphQL requests per resource (the root connection or single record a query reads). */
  byResource: Record<string, number>;
  byStatus: Record<string, number>;
  bulkDownloads: number;
}

/** The emulator's request log reduced to counts (the log itself can be thousands of entries). */
export function summarizeLog(log: readonly RequestLogEntry[]): LogSummary {
  const summary: LogSummary = {
    requests: log.length,
    graphql: 0,
    throttled: 0,
    requestedCost: 0,
    actualCost: 0,
    byField: {},
    byResource: {},
    byStatus: {},
    bulkDownloads: 0,
  };
  for (const entry of log) {
    summary.byStatus[entry.status] = (summary.byStatus[entry.status] ?? 0) + 1;
    if (entry.kind === 'bulk-result') summary.bulkDownloads += 1;
    if (entry.kind !== 'graphql') continue;
    summary.graphql += 1;
    const gql = entry.graphql;
    if (gql?.code === 'THROTTLED') summary.throttled += 1;
    // A THROTTLED query reserved nothing and cost nothing; its requested cost is counted when it runs again.
    else if (gql?.actualCost != null) {
      summary.requestedCost += gql.requestedCost ?? 0;
      summary.actualCost += gql.actualCost;
    }
    // A request of several different fields (the plan's counts of every resource) is named by all of them, and
    // belongs to no one resource.
    const fields = [...new Set(gql?.fields ?? [])];
    const field = fields.length > 0 ? fields.join('+') : '(none)';
    summary.byField[field] = (summary.byField[field] ?? 0) + 1;
    if (entry.resource && fields.length <= 1) {
      summary.byResource[entry.resource] = (summary.byResource[entry.resource] ?? 0) + 1;
    }
  }
  return summary;
}
