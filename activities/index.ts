import type { AppConfig, ShopifyConfig } from '../common/config';
import { ShopifyClient } from './shopify/client';
import { Db, openDatabase } from './store/database';
import { createSyncActivities } from './sync-activities';

export interface ActivityConfig {
  app: AppConfig;
  shopify: ShopifyConfig;
}

function buildActivities(deps: { db: () => Db; shopify: () => ShopifyClient }) {
  return {
    ...createSyncActivities(deps),
  };
}

export type Activities = ReturnType<typeof buildActivities>;

/**
 * Every activity the worker hosts. Credentials come from the worker's own configuration, never from workflow
 * inputs, so they stay out of Temporal history. The database and the HTTP client are shared by all activities
 * of the process (one rate limiter per store) and opened on first use.
 */
export function createActivities(config: ActivityConfig): { activities: Activities; close: () => void } {
  let db: Db | undefined;
  let shopify: ShopifyClient | undefined;
  const activities = buildActivities({
    db: () => (db ??= openDatabase(config.app.dataDir)),
    shopify: () => (shopify ??= new ShopifyClient(config.shopify)),
  });
  return {
    activities,
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}
