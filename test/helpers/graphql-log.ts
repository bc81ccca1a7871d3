import type { ResourceName } from '../../common/contract';
import type { RequestLogEntry } from '../../emulators/shopify/types';

/**
 * Reading the emulator's request log of GraphQL requests: which were pages of a resource's connection (`orders(first:
 * …, after: …)`), which page each was (its `after` variable), what search it sent, which were THROTTLED.
 */

/** Page queries of the resource's root connection, as served (HTTP 200, answered with data, not THROTTLED). */
export function servedPages(log: readonly RequestLogEntry[], resource: ResourceName): RequestLogEntry[] {
  return pageRequests(log, resource).filter((r) => r.status === 200 && r.graphql?.code === undefined);
}

/** Every request for a page of the resource's root connection, whatever its answer. */
export function pageRequests(log: readonly RequestLogEntry[], resource: ResourceName): RequestLogEntry[] {
  return log.filter((r) => r.kind === 'graphql' && r.graphql?.fields.includes(resource));
}

/** Which page a request asked for: its `after` cursor, or 'first'. */
export function pageKey(request: RequestLogEntry): string {
  const after = request.graphql?.variables.after;
  return typeof after === 'string' ? after : 'first';
}

/** The `updated_at:>='…'` lower bound a page query searched with, or undefined for none. */
export function searchedSince(request: RequestLogEntry): string | undefined {
  const query = request.graphql?.variables.query;
  if (typeof query !== 'string') return undefined;
  return /^updated_at:>='([^']+)'$/.exec(query)?.[1];
}

export function throttledRequests(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((r) => r.graphql?.code === 'THROTTLED');
}
