import { MockActivityEnvironment } from '@temporalio/testing';
import { DEFAULT_API_VERSION } from '../../common/config';
import { RESOURCE_NAMES, type ResourceName, type SyncPageResult } from '../../common/contract';
import { accessTokenSource } from '../../activities/shopify/access-token';
import { CostPacer } from '../../activities/shopify/graphql/cost-pacer';
import { GraphqlClient } from '../../activities/shopify/graphql/graphql-client';
import { GraphqlPagedSource } from '../../activities/shopify/graphql/paged-source';
import type { Db } from '../../activities/store/database';
import { createSyncActivities, type SyncDeps } from '../../activities/sync-activities';
import { TEST_TOKEN } from './sync-harness';

const quiet = () => undefined;
const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/** A GraphQL paged source for the emulator at `url`, with a pacer of its own (not the process's shared one). */
export function graphqlSourceFor(url: string, pacer = new CostPacer()): GraphqlPagedSource {
  const config = { store: 'unit-store', baseUrl: url, apiVersion: DEFAULT_API_VERSION, timeoutMs: 10_000 };
  return new GraphqlPagedSource(
    new GraphqlClient({ ...config, tokens: accessTokenSource({ ...config, apiToken: TEST_TOKEN }), pacer }),
  );
}

export function syncDeps(db: Db, url: string): SyncDeps {
  const source = graphqlSourceFor(url);
  return {
    db: () => db,
    source: () => source,
    pageBudget: { pages: 100_000, ms: 3_600_000 },
  };
}

/** Pages every resource to its end through the page activity (one activity each), as the workflow would. */
export async function syncAll(
  deps: SyncDeps,
  resources: readonly ResourceName[] = RESOURCE_NAMES,
  updatedAtMin: string | null = null,
): Promise<Record<string, SyncPageResult>> {
  const results: Record<string, SyncPageResult> = {};
  for (const resource of resources) {
    const env = new MockActivityEnvironment(
      { activityId: `sync-${resource}`, workflowExecution: { workflowId: 'unit', runId: `run-${Math.random()}` } },
      { logger },
    );
    results[resource] = await env.run(createSyncActivities(deps).syncPage, {
      resource,
      cursor: null,
      updatedAtMin,
      page: 1,
    });
  }
  return results;
}
