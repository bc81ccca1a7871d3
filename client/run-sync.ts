import { Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { SyncInput, SyncResult, syncWorkflowId } from '../common/contract';
import { progressQuery, shopifySync } from '../workflows';
import { ProgressReporter } from './progress-reporter';
import { scheduleId } from './schedule';

export interface RunSyncOptions {
  client: Client;
  taskQueue: string;
  store: string;
  input: SyncInput;
  out?: NodeJS.WriteStream;
  pollMs?: number;
}

/** Failure of the sync run, with the message the workflow failed with (e.g. the 401 explanation). */
export class SyncFailedError extends Error {
  override name = 'SyncFailedError';
}

function rootMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  while (current instanceof Error && current.cause) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message;
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
  let handle: WorkflowHandle<typeof shopifySync>;
  const scheduled = await runningScheduledRun(options.client, options.store);
  if (scheduled) {
    out.write(`A scheduled sync of ${options.store} is running (workflow ${scheduled.workflowId}); following it.\n`);
    return follow(
      options,
      options.client.workflow.getHandle<typeof shopifySync>(scheduled.workflowId, scheduled.runId),
      out,
    );
  }
  try {
    handle = await options.client.workflow.start(shopifySync, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [options.input],
      staticSummary: `${options.input.full ? 'Full' : 'Incremental'} sync of ${options.store}`,
      staticDetails:
        `Store: ${options.store}\n\nMode: ${options.input.full ? 'full (watermarks ignored)' : 'incremental'}\n\n` +
        `Google Sheets: ${options.input.sheets === false ? 'skipped (--no-sheets)' : 'when GOOGLE_SHEET_ID is set'}\n\n` +
        `Started from: npm run sync`,
    });
    out.write(`Started ${options.input.full ? 'a full' : 'an incremental'} sync: workflow ${workflowId}\n`);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    handle = options.client.workflow.getHandle<typeof shopifySync>(workflowId);
    out.write(`A sync of ${options.store} is already running (workflow ${workflowId}); following it.\n`);
  }
  if (!(await hasWorker(options.client, options.taskQueue))) {
    out.write(
      `No worker is polling task queue "${options.taskQueue}" yet: the sync waits until one starts (npm run worker).\n`,
    );
  }

  return follow(options, handle, out);
}

/** One sync per store at a time: a run the schedule started is followed rather than doubled. */
async function runningScheduledRun(
  client: Client,
  store: string,
): Promise<{ workflowId: string; runId: string } | null> {
  for await (const run of client.workflow.list({
    query: `TemporalScheduledById = '${scheduleId(store)}' AND ExecutionStatus = 'Running'`,
  })) {
    return { workflowId: run.workflowId, runId: run.runId };
  }
  return null;
}

async function follow(
  options: RunSyncOptions,
  handle: WorkflowHandle<typeof shopifySync>,
  out: NodeJS.WriteStream,
): Promise<SyncResult> {
  const reporter = new ProgressReporter(out);
  const timer = setInterval(() => {
    handle
      .query(progressQuery)
      .then((progress) => reporter.update(progress))
      .catch(() => undefined); // Not answerable yet (no worker) or already closed: the next poll tells.
  }, options.pollMs ?? 1000);
  try {
    const result = await handle.result();
    reporter.finish(result);
    return result;
  } catch (error) {
    if (error instanceof WorkflowFailedError) throw new SyncFailedError(rootMessage(error));
    throw error;
  } finally {
    clearInterval(timer);
  }
}
