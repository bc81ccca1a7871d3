import {
  Client,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from '@temporalio/client';
import { SyncInput, SyncResult, syncWorkflowId } from '../common/contract';
import { openSyncRuns } from '../common/temporal-runs';
import { progressQuery, shopifySync } from '../workflows';
import { ProgressReporter } from './progress-reporter';
import { describeRetry, retryStatus } from './retry-status';
import { rootMessage } from './failure-message';

export interface RunSyncOptions {
  client: Client;
  taskQueue: string;
  store: string;
  input: SyncInput;
  out?: NodeJS.WriteStream;
  pollMs?: number;
  /** Ctrl-C stops following (exit 130) and says how to follow or cancel the run that goes on: the CLI sets it. */
  ctrlC?: { uiUrl: string };
}

/** Failure of the sync run, with the message the workflow failed with (e.g. the 401 explanation). */
export class SyncFailedError extends Error {
  override name = 'SyncFailedError';
}

async function hasWorker(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
  });
  return (response.pollers ?? []).length > 0;
}

/** Starts one sync of the store (or follows the one already running), prints progress, returns its result. */
export async function runSync(options: RunSyncOptions): Promise<SyncResult> {
  const out = options.out ?? process.stdout;
  const workflowId = syncWorkflowId(options.store);
  let runId: string;
  // One sync per store: a run started by the schedule, `temporal workflow start` or tctl is followed, not doubled.
  const [running] = await openSyncRuns(options.client, options.taskQueue);
  if (running) {
    out.write(`A sync of ${options.store} is already running (workflow ${running.workflowId}); following it.\n`);
    return follow(options, running.workflowId, running.runId, out);
  }
  try {
    const handle = await options.client.workflow.start(shopifySync, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [options.input],
      staticSummary: `${options.input.full ? 'Full' : 'Incremental'} sync of ${options.store}`,
      staticDetails:
        `Store: ${options.store}\n\nMode: ${options.input.full ? 'full (watermarks ignored)' : 'incremental'}\n\n` +
        `Google Sheets: ${options.input.sheets === false ? 'skipped (--no-sheets)' : 'when GOOGLE_SHEET_ID is set'}\n\n` +
        `Started from: npm run sync`,
    });
    runId = handle.firstExecutionRunId;
    out.write(`Started ${options.input.full ? 'a full' : 'an incremental'} sync: workflow ${workflowId}\n`);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const holder = await options.client.workflow.getHandle(workflowId).describe();
    runId = holder.runId;
    if (holder.executionTime && holder.executionTime.getTime() > Date.now()) {
      out.write(
        `Workflow ${workflowId} (a cron workflow, or one started with a delay) holds the store's id; its next run ` +
          `starts at ${holder.executionTime.toISOString()}. Following that run.\n`,
      );
    } else {
      out.write(`A sync of ${options.store} is already running (workflow ${workflowId}); following it.\n`);
    }
  }
  if (!(await hasWorker(options.client, options.taskQueue))) {
    out.write(
      `No worker is polling task queue "${options.taskQueue}" yet: the sync waits until one starts (npm run worker).\n`,
    );
  }

  return follow(options, workflowId, runId, out);
}

/**
 * The run's result, through its continue-as-new chain but not into a cron workflow's next run (which would wait for
 * the next cron time).
 */
async function resultOf(client: Client, workflowId: string, runId: string): Promise<SyncResult> {
  for (;;) {
    try {
      return (await client.workflow.result(workflowId, runId, { followRuns: false })) as SyncResult;
    } catch (error) {
      if (!(error instanceof WorkflowContinuedAsNewError)) throw error;
      runId = error.newExecutionRunId;
    }
  }
}

async function follow(options: RunSyncOptions, workflowId: string, runId: string, out: NodeJS.WriteStream) {
  const reporter = new ProgressReporter(out);
  const handle = options.client.workflow.getHandle<typeof shopifySync>(workflowId);
  let polling = false;
  const timer = setInterval(() => {
    // A query waits for a worker (up to the server's timeout) while none polls: never more than one at a time.
    if (polling) return;
    polling = true;
    // Progress from the workflow's query; a step's failure and next attempt from the run's pending activities.
    Promise.all([
      handle.query(progressQuery).catch(() => null), // No worker yet, or closed: the next poll tells.
      handle.describe().then(retryStatus, () => null),
    ])
      .then(([progress, retry]) => {
        if (progress) reporter.update(progress, retry ? describeRetry(retry) : null);
      })
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, options.pollMs ?? 1000);
  const stopFollowing = () => {
    reporter.interrupted();
    out.write(
      `\nStopped following. The sync goes on in Temporal (workflow ${workflowId}): \`npm run sync\` follows it ` +
        `again, \`npm run sync -- --status\` shows it, \`npm run temporal -- workflow cancel --workflow-id ` +
        `${workflowId}\` cancels it` +
        `${options.ctrlC ? ` (or Cancel in the Web UI: ${options.ctrlC.uiUrl}/workflows/${workflowId})` : ''}.\n`,
    );
    process.exit(130);
  };
  if (options.ctrlC) process.once('SIGINT', stopFollowing);
  try {
    const result = await resultOf(options.client, workflowId, runId);
    reporter.finish(result);
    return result;
  } catch (error) {
    if (error instanceof WorkflowFailedError) throw new SyncFailedError(rootMessage(error));
    throw error;
  } finally {
    clearInterval(timer);
    process.off('SIGINT', stopFollowing);
  }
}
