import type { ShopifyConfig } from '../common/config';
import type { ConnectionReport } from '../common/connection-report';
import { accessTokenSource } from './shopify/access-token';
import { checkConnection } from './shopify/connection-check';
import type { GraphqlClient } from './shopify/graphql/graphql-client';

/** The connection check as an activity: it runs where the credentials are, so the client needs none. */
export function createConnectionCheckActivities(deps: { shopifyConfig: ShopifyConfig; graphql: () => GraphqlClient }) {
  return {
    async checkShopifyConnection(): Promise<ConnectionReport> {
      return checkConnection(deps.graphql(), accessTokenSource(deps.shopifyConfig), deps.shopifyConfig.store);
    },
  };
}

export type ConnectionCheckActivities = ReturnType<typeof createConnectionCheckActivities>;
