import { Command } from 'commander';
import { ConfigError, loadAppConfig, loadDotenv, parseStoreName } from '../common/config';
import { connectClient } from './connect';
import { runSync, SyncFailedError } from './run-sync';

interface SyncFlags {
  once?: boolean;
  full?: boolean;
  sheets: boolean;
}

const program = new Command()
  .name('npm run sync --')
  .description('Run one Shopify sync on Temporal and wait for it (the original main.py flags).')
  .option('--once', 'run one sync and wait for it (the default)')
  .option('--full', 'ignore the watermarks and fetch everything')
  .option('--no-sheets', 'skip the Google Sheets push')
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const flags = program.opts<SyncFlags>();
  loadDotenv();
  const app = loadAppConfig();
  if (!process.env.SHOPIFY_STORE?.trim()) {
    throw new ConfigError('SHOPIFY_STORE is not set. Put it in .env at the project root (see .env.example).');
  }
  const store = parseStoreName(process.env.SHOPIFY_STORE);
  const client = await connectClient(app);
  try {
    await runSync({
      client,
      taskQueue: app.temporal.taskQueue,
      store,
      input: { full: Boolean(flags.full), sheets: flags.sheets },
    });
  } finally {
    await client.connection.close();
  }
}

main().catch((error) => {
  if (error instanceof SyncFailedError) console.error(`Sync failed: ${error.message}`);
  else if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
