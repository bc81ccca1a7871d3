import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadAppConfig, loadDotenv, loadShopifyConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { registerSecret } from '../common/redact';
import { connectionHelp } from '../common/temporal-address';
import { loadServiceAccount } from '../activities/sheets/credentials';
import { createSyncWorker } from './create-worker';
import { installTemporalLogger } from './temporal-logger';

/** `npm run worker`: hosts the sync workflow and its activities until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  loadDotenv();
  const app = loadAppConfig();
  const shopify = loadShopifyConfig();
  registerSecret(shopify.apiToken);
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
  try {
    await worker.run(); // Returns after SIGINT/SIGTERM once in-flight activities have finished.
  } finally {
    close();
    await connection.close();
    logger.info('Worker stopped');
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
