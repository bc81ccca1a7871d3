import { activitySignal } from './bulk-context';
import type { AppConfig, ShopifyConfig } from '../common/config';
import type { OpenRun } from '../common/temporal-runs';
import { createBulkSyncActivities } from './bulk-sync-activities';
import { createConnectionCheckActivities } from './connection-check-activities';
import { createDeletionActivities, type ReadDeletionEvents } from './deletion-activities';
import { createOutputActivities } from './output-activities';
import { createReconcileActivities } from './reconcile-activities';
import { createRedactionActivities } from './redaction-activities';
import { storeConnections } from './store/connections';
import type { Db } from './store/database';
import { GraphqlClient } from './shopify/graphql/graphql-client';
import { fetchDeletionEvents } from './shopify/graphql/deletion-events';
import { GraphqlPagedSource } from './shopify/graphql/paged-source';
import { graphqlClientFor } from './shopify/graphql/store-client';
import type { RecordSource } from './shopify/record-source';
import { createSyncActivities, PageBudget } from './sync-activities';

export interface ActivityConfig {
  app: AppConfig;
  shopify: ShopifyConfig;
  /** Pages per page activity; tests pass a small one to get many activities from a small store. */
  pageBudget?: PageBudget;
  /** Records above which an incremental window goes through a bulk operation (default: the cost model's); tests
   * that exercise paging on a large store pass Infinity. */
  bulkAbove?: number;
  /** The store's open sync runs, oldest first: planSync refuses to start a second one (the worker sets it). */
  openRuns?: () => Promise<OpenRun[]>;
}

interface Deps {
  app: AppConfig;
  pageBudget?: PageBudget;
  bulkAbove?: number;
  openRuns?: () => Promise<OpenRun[]>;
  store: string;
  db: () => Db;
  openReader: () => Db;
  source: () => RecordSource;
  deletionEvents: () => ReadDeletionEvents;
  graphql: () => GraphqlClient;
}

function buildActivities(deps: Deps) {
  return {
    ...createSyncActivities(deps),
    ...createBulkSyncActivities(deps),
    ...createOutputActivities(deps),
    ...createRedactionActivities(deps),
    ...createDeletionActivities(deps),
    ...createReconcileActivities(deps),
  };
}

export type Activities = ReturnType<typeof buildActivities>;

/**
 * Every activity the worker hosts. Credentials come from the worker's own configuration, never from workflow
 * inputs, so they stay out of Temporal history. The database and the GraphQL client are shared by all activities
 * of the process (one cost budget per store) and opened on first use; every activity that uses the database waits
 * for its integrity check first. Failures are mapped to Temporal's in one place: knownErrorsInterceptor.
 */
export function createActivities(config: ActivityConfig): { activities: Activities; close: () => void } {
  const store = storeConnections(config.app.dataDir, { fileMode: config.app.outputFileMode });
  let graphql: GraphqlClient | undefined;
  const graphqlClient = () => (graphql ??= graphqlClientFor(config.shopify));
  let pagedSource: GraphqlPagedSource | undefined;
  const graphqlSource = () => (pagedSource ??= new GraphqlPagedSource(graphqlClient(), activitySignal));
  const readDeletionEvents: ReadDeletionEvents = (options) =>
    fetchDeletionEvents(graphqlClient(), { ...options, signal: activitySignal() });
  const built = buildActivities({
    app: config.app,
    pageBudget: config.pageBudget,
    bulkAbove: config.bulkAbove,
    openRuns: config.openRuns,
    store: config.shopify.store,
    db: store.writer,
    openReader: store.openReader,
    source: graphqlSource,
    deletionEvents: () => readDeletionEvents,
    graphql: graphqlClient,
  });
  const activities = Object.fromEntries([
    ...Object.entries(built).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        await store.ready();
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
    // Needs no database, so none is opened (or checked) for it.
    ...Object.entries(createConnectionCheckActivities({ shopifyConfig: config.shopify, graphql: graphqlClient })),
  ]) as Activities;
  return { activities, close: store.close };
}
