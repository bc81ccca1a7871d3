import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Context } from '@temporalio/activity';
import type { AppConfig, ShopifyConfig } from '../common/config';
import { createConnectionCheckActivities } from './connection-check-activities';
import { createOutputActivities } from './output-activities';
import { createRedactionActivities } from './redaction-activities';
import { ShopifyClient } from './shopify/client';
import { accessTokenSource } from './shopify/access-token';
import { costPacerFor } from './shopify/graphql/cost-pacer';
import { GraphqlClient } from './shopify/graphql/graphql-client';
import { GraphqlPagedSource } from './shopify/graphql/paged-source';
import type { RecordSource } from './shopify/record-source';
import { corruptDatabaseFailure, DATABASE_FILE, Db, diskFullFailure, openDatabase } from './store/database';
import { checkIntegrityInBackground, IntegrityCheck } from './store/integrity-check';
import { createSyncActivities, PageBudget } from './sync-activities';

export interface ActivityConfig {
  app: AppConfig;
  shopify: ShopifyConfig;
  /** Pages per page activity; tests pass a small one to get many activities from a small store. */
  pageBudget?: PageBudget;
}

interface Deps {
  app: AppConfig;
  pageBudget?: PageBudget;
  db: () => Db;
  openReader: () => Db;
  shopify: () => ShopifyClient;
  source?: () => RecordSource;
}

function buildActivities(deps: Deps) {
  return {
    ...createSyncActivities(deps),
    ...createOutputActivities(deps),
    ...createRedactionActivities(deps),
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
  let opened: fs.Stats | undefined;
  let checked: { file: fs.Stats; check: IntegrityCheck } | undefined;
  let shopify: ShopifyClient | undefined;
  const shopifyClient = () => (shopify ??= new ShopifyClient(config.shopify));
  let graphql: GraphqlPagedSource | undefined;
  const graphqlSource = () => (graphql ??= createGraphqlSource(config.shopify));
  const file = path.join(config.app.dataDir, DATABASE_FILE);
  // The writer opens first: it creates and migrates the schema that readers then see. A database file deleted or
  // replaced since it was opened is opened again: writing on would go to a file nobody can see any more.
  const writer = () => {
    if (db && !sameFile(file, opened)) {
      db.close();
      db = undefined;
    }
    if (!db) {
      db = openDatabase(config.app.dataDir, { fileMode: config.app.outputFileMode });
      opened = fs.statSync(file);
    }
    return db;
  };
  // Each database file is checked once, before the writer opens it (opening writes the schema, and a write would
  // checkpoint into the damaged file), without blocking the worker's event loop for the seconds a large file takes.
  const checkedWriter = async () => {
    const current = statIfExists(file);
    if (current && !(checked && sameIdentity(current, checked.file))) {
      checked = { file: current, check: checkIntegrityInBackground(file) };
    }
    if (checked) {
      await checked.check.done;
      const damage = checked.check.damage();
      if (damage) throw damage;
    }
    return writer();
  };
  const built = buildActivities({
    app: config.app,
    pageBudget: config.pageBudget,
    db: writer,
    openReader: () => {
      writer();
      return new Database(path.join(config.app.dataDir, DATABASE_FILE), { readonly: true });
    },
    shopify: shopifyClient,
    source: config.shopify.api === 'graphql' ? graphqlSource : undefined,
  });
  // Damage found by any statement, not only at open, fails the run at once with the same message.
  const activities = Object.fromEntries([
    ...Object.entries(built).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        try {
          await checkedWriter();
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw corruptDatabaseFailure(file, error) ?? diskFullFailure(config.app.dataDir, error) ?? error;
        }
      },
    ]),
    // Needs no database, so none is opened (or checked) for it.
    ...Object.entries(createConnectionCheckActivities({ shopifyConfig: config.shopify, shopify: shopifyClient })),
  ]) as Activities;
  return {
    activities,
    close: () => {
      db?.close();
      db = undefined;
    },
  };
}

/** SHOPIFY_API=graphql: one client per process, paced by the store's one cost budget. */
function createGraphqlSource(shopify: ShopifyConfig): GraphqlPagedSource {
  const client = new GraphqlClient({
    store: shopify.store,
    baseUrl: shopify.baseUrl,
    apiVersion: shopify.apiVersion,
    timeoutMs: shopify.timeoutMs,
    tokens: accessTokenSource(shopify),
    pacer: costPacerFor(shopify.store),
  });
  return new GraphqlPagedSource(client, activitySignal);
}

/** The running activity's cancellation signal; none outside an activity (Context.current throws there). */
function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

function statIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function sameIdentity(a: fs.Stats, b: fs.Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

function sameFile(file: string, opened: fs.Stats | undefined): boolean {
  const now = statIfExists(file);
  return now !== undefined && opened !== undefined && sameIdentity(now, opened);
}
