import Database from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_API_VERSION, loadAppConfig, ShopifyConfig, AppConfig } from '../../common/config';
import { SyncInput, SyncResult, syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import type { ActivityConfig } from '../../activities';
import { DATABASE_FILE } from '../../activities/store/database';
import { createSyncWorker } from '../../worker/create-worker';
import { workflowBundle } from './temporal';
import path from 'node:path';

export const TEST_TOKEN = 'shpat_demo_token';

export function testConfig(
  dataDir: string,
  storeUrl: string,
  overrides: Partial<ShopifyConfig> = {},
  taskQueue = 'e2e-sync',
  appOverrides: Partial<AppConfig> = {},
) {
  const app: AppConfig = {
    ...loadAppConfig({ DATA_DIR: dataDir, LOG_DIR: path.join(dataDir, 'logs') }),
    temporal: { address: '', namespace: 'default', taskQueue, uiUrl: '' },
    ...appOverrides,
  };
  const shopify: ShopifyConfig = {
    store: 'e2e-store',
    baseUrl: storeUrl,
    apiVersion: DEFAULT_API_VERSION,
    apiToken: TEST_TOKEN,
    timeoutMs: 5_000,
    ...overrides,
  };
  return { app, shopify };
}

/** Runs one sync to completion with an in-process worker on the test server. */
export async function runSyncInProcess(
  env: TestWorkflowEnvironment,
  config: ActivityConfig,
  input: SyncInput,
): Promise<SyncResult> {
  const { worker, close } = await createSyncWorker({
    ...config,
    connection: env.nativeConnection,
    workflowBundle: await workflowBundle(),
  });
  try {
    return await worker.runUntil(
      env.client.workflow.execute(shopifySync, {
        workflowId: syncWorkflowId(config.shopify.store),
        taskQueue: config.app.temporal.taskQueue,
        args: [input],
      }),
    );
  } finally {
    close();
  }
}

export function openReadOnly(dataDir: string): Database.Database {
  return new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
}
