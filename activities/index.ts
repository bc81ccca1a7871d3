import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AppConfig, ShopifyConfig } from '../common/config';
import { createConnectionCheckActivities } from './connection-check-activities';
import type { OpenRun } from '../common/temporal-runs';
import { createOutputActivities } from './output-activities';
import { createRedactionActivities } from './redaction-activities';
import { ShopifyClient } from './shopify/client';
import { corruptDatabaseFailure, DATABASE_FILE, Db, diskFullFailure, openDatabase } from './store/database';
import { checkIntegrityInBackground, IntegrityCheck } from './store/integrity-check';
import { createSyncActivities, PageBudget } from './sync-activities';

export interface ActivityConfig {
  app: AppConfig;
  shopify: ShopifyConfig;
  /** Pages per page activity; tests pass a small one to get many activities from a small store. */
  pageBudget?: PageBudget;
  /** The store's open sync runs, oldest first: planSync refuses to start a second one (the worker sets it). */
  openRuns?: () => Promise<OpenRun[]>;
}

interface Deps {
  app: AppConfig;
  pageBudget?: PageBudget;
  openRuns?: () => Promise<OpenRun[]>;
  store: string;
  db: () => Db;
  openReader: () => Db;
  shopify: () => ShopifyClient;
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
    openRuns: config.openRuns,
    store: config.shopify.store,
    db: writer,
    openReader: () => {
      writer();
      return new Database(path.join(config.app.dataDir, DATABASE_FILE), { readonly: true });
    },
    shopify: shopifyClient,
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
