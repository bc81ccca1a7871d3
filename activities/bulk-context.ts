import { Context } from '@temporalio/activity';
import { resourceScopes, type ResourceName } from '../common/contract';
import type { BulkContext } from './shopify/graphql/bulk-operation';
import type { GraphqlClient } from './shopify/graphql/graphql-client';

/** The running activity's cancellation signal; none outside an activity (Context.current throws there). */
export function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** What a bulk operation's calls need, for the running activity: the client, the scopes its query needs, the signal. */
export function bulkContext(
  deps: { graphql: () => GraphqlClient; store: string },
  resource: ResourceName,
): BulkContext {
  return {
    client: deps.graphql(),
    store: deps.store,
    scopes: resourceScopes(resource),
    resource,
    signal: activitySignal(),
  };
}
