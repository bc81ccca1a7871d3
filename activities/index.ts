import path from 'node:path';
import Database from 'better-sqlite3';
import type { AppConfig, ShopifyConfig } from '../common/config';
import { createOutputActivities } from './output-activities';
import { ShopifyClient } from './shopify/client';
import { DATABASE_FILE, Db, openDatabase } from './store/database';
import { createSyncActivities } from './sync-activities';

export interface ActivityConfig {
  app: AppConfig;
  shopify: ShopifyConfig;
}

interface Deps {
  app: AppConfig;
  db: () => Db;
  openReader: () => Db;
  shopify: () => ShopifyClient;
}

function buildActivities(deps: Deps) {
  return {
    ...createSyncActivities(deps),
    ...createOutputActivities(deps),
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
  // The writer opens first: it creates and migrates the schema that readers then see.
  const writer = () => (db ??= openDatabase(config.app.dataDir, { fileMode: config.app.outputFileMode }));
  const activities = buildActivities({
    app: config.app,
    db: writer,
    openReader: () => {
      writer();
      return new Database(path.join(config.app.dataDir, DATABASE_FILE), { readonly: true });
    },
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
