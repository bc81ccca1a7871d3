import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadAppConfig, loadDotenv, loadShopifyConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { registerSecret } from '../common/redact';
import { connectionHelp } from '../common/temporal-address';
import { loadServiceAccount } from '../activities/sheets/credentials';
import { accessTokenSource } from '../activities/shopify/access-token';
import { checkConnection } from '../activities/shopify/connection-check';
import { graphqlClientFor } from '../activities/shopify/graphql/store-client';
import { formatConnectionReport } from '../common/connection-report';
import type { ShopifyConfig } from '../common/config';
import type { AppLogger } from '../common/logger';
import { createSyncWorker } from './create-worker';
import { installTemporalLogger } from './temporal-logger';

/** `npm run worker`: hosts the sync workflow and its activities until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  loadDotenv();
  const app = loadAppConfig();
  const shopify = loadShopifyConfig();
  registerSecret(shopify.apiToken);
  registerSecret(shopify.clientCredentials?.clientSecret);
  // With a sheet to push to, a missing or malformed key is a start-up error, not a failure after the whole sync.
  if (app.googleSheetId) registerSecret(loadServiceAccount(app.googleCredentialsFile).private_key);
  const logger = createLogger(app, { file: true });
  installTemporalLogger(logger, app.temporal);

  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: app.temporal.address });
  } catch (error) {
    throw new ConfigError(connectionHelp(app.temporal.address, error));
  }
  const { worker, close } = await createSyncWorker({ app, shopify, connection });
  logger.info(
    `Worker for store "${shopify.store}" on task queue "${app.temporal.taskQueue}" ` +
      `(Temporal ${app.temporal.address}, namespace ${app.temporal.namespace}, data ${app.dataDir}, log ${logger.filePath})`,
  );
  void logConnectionCheck(shopify, logger);
  try {
    await worker.run(); // Returns after SIGINT/SIGTERM once in-flight activities have finished.
  } finally {
    close();
    await connection.close();
    logger.info('Worker stopped');
  }
}

/**
 * The connection check at start, logged; it does not hold the worker back: a store that is down now may be up by the
 * next sync, and a sync fails on its own with the same message.
 */
async function logConnectionCheck(shopify: ShopifyConfig, logger: AppLogger): Promise<void> {
  const how = shopify.clientCredentials
    ? 'client-credentials grant (SHOPIFY_CLIENT_ID)'
    : 'static token (SHOPIFY_API_TOKEN)';
  try {
    const report = await checkConnection(graphqlClientFor(shopify), accessTokenSource(shopify), shopify.store);
    const level = report.problems.length > 0 ? 'warn' : 'info';
    logger.log(level, `Connection check of "${shopify.store}" (${how}):\n${formatConnectionReport(report)}`);
  } catch (error) {
    logger.error(
      `Connection check of "${shopify.store}" (${how}) failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
