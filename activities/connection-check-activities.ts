import type { ShopifyConfig } from '../common/config';
import type { ConnectionReport } from '../common/connection-report';
import type { ShopifyClient } from './shopify/client';
import { checkConnection } from './shopify/connection-check';

/** The connection check as an activity: it runs where the credentials are, so the client needs none. */
export function createConnectionCheckActivities(deps: { shopifyConfig: ShopifyConfig; shopify: () => ShopifyClient }) {
  return {
    async checkShopifyConnection(): Promise<ConnectionReport> {
      return checkConnection(deps.shopify(), deps.shopifyConfig.store, deps.shopifyConfig.apiVersion);
    },
  };
}

export type ConnectionCheckActivities = ReturnType<typeof createConnectionCheckActivities>;
