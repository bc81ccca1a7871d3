import type { ShopifyConfig } from '../../../common/config';
import { accessTokenSource } from '../access-token';
import { costPacerFor } from './cost-pacer';
import { GraphqlClient } from './graphql-client';

/**
 * A GraphQL client for the configured store, sharing the process's token source and the store's one cost budget with
 * every other client of the store (pages, bulk operations, events, the connection check).
 */
export function graphqlClientFor(shopify: ShopifyConfig): GraphqlClient {
  return new GraphqlClient({
    store: shopify.store,
    baseUrl: shopify.baseUrl,
    apiVersion: shopify.apiVersion,
    timeoutMs: shopify.timeoutMs,
    tokens: accessTokenSource(shopify),
    pacer: costPacerFor(shopify.store),
  });
}
