import { Command } from 'commander';
import { ConfigError, loadAppConfig, loadDotenv, parseStoreName } from '../common/config';
import { CheckFailedError, runConnectionCheck } from './check';
import { connectClient } from './connect';
import { runRedaction } from './redact';
import { runSync, SyncFailedError } from './run-sync';
import { controlSchedule, describeSpec, scheduleId, scheduleSpec, upsertSchedule } from './schedule';
import { printStatus } from './status';

interface SyncFlags {
  once?: boolean;
  daemon?: boolean;
  status?: boolean;
  pause?: boolean;
  resume?: boolean;
  trigger?: boolean;
  unschedule?: boolean;
  check?: boolean;
  full?: boolean;
  reconcile?: boolean;
  force?: boolean;
  sheets: boolean;
  redactCustomer?: string;
}

const program = new Command()
  .name('npm run sync --')
  .description('Run Shopify syncs on Temporal (the original main.py flags, plus schedule control).')
  .option('--once', 'run one sync now and wait for it (the default)')
  .option('--daemon', 'create or update the Temporal Schedule that syncs every 10 minutes (SYNC_CRON / SYNC_INTERVAL)')
  .option('--full', 'ignore the watermarks and fetch everything')
  .option('--no-sheets', 'skip the Google Sheets push')
  .option('--reconcile', "compare Shopify's full lists of ids with the database now and remove what Shopify deleted")
  .option('--force', 'with --reconcile: remove even more than 5% of a table')
  .option('--status', 'show the schedule, the last runs and the progress of a running one')
  .option('--pause', 'pause the schedule')
  .option('--resume', 'resume the paused schedule')
  .option('--trigger', 'start a scheduled run now (skipped if one is running)')
  .option('--unschedule', 'delete the schedule')
  .option('--check', 'check the connection to the store on the worker: shop, API version, token, scopes (exit 0 or 1)')
  .option('--redact-customer <id|email>', "erase a customer's personal data from the database and every output")
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const flags = program.opts<SyncFlags>();
  const actions = (['once', 'daemon', 'status', 'pause', 'resume', 'trigger', 'unschedule', 'check'] as const).filter(
    (a) => flags[a],
  );
  if (actions.length > 1) throw new ConfigError(`Choose one of --${actions.join(', --')}.`);
  if (flags.redactCustomer !== undefined && actions.length > 0) {
    throw new ConfigError(`--redact-customer runs on its own, not with --${actions[0]}.`);
  }
  const action = flags.redactCustomer !== undefined ? 'redactCustomer' : (actions[0] ?? 'once');
  if (flags.force && !flags.reconcile)
    throw new ConfigError('--force goes with --reconcile (npm run sync -- --reconcile --force).');
  if (flags.reconcile && action !== 'once') {
    throw new ConfigError(
      `--reconcile runs with one sync (npm run sync -- --reconcile), not with --${action === 'redactCustomer' ? 'redact-customer' : action}; ` +
        'scheduled syncs reconcile every RECONCILE_INTERVAL on their own.',
    );
  }

  loadDotenv();
  const app = loadAppConfig();
  if (!process.env.SHOPIFY_STORE?.trim()) {
    throw new ConfigError('SHOPIFY_STORE is not set. Put it in .env at the project root (see .env.example).');
  }
  const store = parseStoreName(process.env.SHOPIFY_STORE);
  const input = {
    full: Boolean(flags.full),
    sheets: flags.sheets,
    ...(flags.reconcile ? { reconcile: true, force: Boolean(flags.force) } : {}),
  };
  const client = await connectClient(app);
  try {
    if (action === 'check') {
      const report = await runConnectionCheck({ client, taskQueue: app.temporal.taskQueue, store });
      if (report.problems.length > 0) process.exitCode = 1;
    } else if (action === 'redactCustomer') {
      const target = flags.redactCustomer!;
      const { taskQueue, uiUrl } = app.temporal;
      const result = await runRedaction({ client, taskQueue, uiUrl, store, target, sheets: flags.sheets });
      if (!result.found) process.exitCode = 1;
    } else if (action === 'once') {
      const uiUrl = `${app.temporal.uiUrl}/namespaces/${app.temporal.namespace}`;
      await runSync({ client, taskQueue: app.temporal.taskQueue, store, input, ctrlC: { uiUrl } });
    } else if (action === 'daemon') {
      const spec = scheduleSpec();
      const { created } = await upsertSchedule(client, store, app.temporal.taskQueue, input, spec);
      console.log(
        `${created ? 'Created' : 'Updated'} schedule ${scheduleId(store)} (${describeSpec(spec)}, ${input.full ? 'full' : 'incremental'}` +
          `${input.sheets ? '' : ', no Sheets'}; a run still going makes the next one skip).\n` +
          `The Temporal server runs it; a worker must be running (npm run worker, or the worker container).\n` +
          `Web UI: ${app.temporal.uiUrl}/namespaces/${app.temporal.namespace}/schedules/${scheduleId(store)}\n` +
          `Status: npm run sync -- --status`,
      );
    } else if (action === 'status') {
      await printStatus(client, store, app.temporal.taskQueue);
    } else {
      const command = action === 'unschedule' ? 'delete' : action;
      await controlSchedule(client, store, command);
      const done = { pause: 'Paused', resume: 'Resumed', trigger: 'Triggered a run of', delete: 'Deleted' }[command];
      console.log(`${done} schedule ${scheduleId(store)}.`);
    }
  } finally {
    await client.connection.close();
  }
}

main().catch((error) => {
  if (error instanceof SyncFailedError) console.error(`Sync failed: ${error.message}`);
  else if (error instanceof CheckFailedError) console.error(`Connection check failed: ${error.message}`);
  else if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
