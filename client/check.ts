import { Client, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { ConnectionReport, formatConnectionReport } from '../common/connection-report';
import { shopifyConnectionCheck } from '../workflows';
import { rootMessage } from './failure-message';

/** The check failed before it could report (bad credentials, unreachable store): the message says what to fix. */
export class CheckFailedError extends Error {
  override name = 'CheckFailedError';
}

/**
 * `npm run sync -- --check`: runs the check on a worker (which holds the credentials) as a one-activity workflow and
 * prints its report. Resolves with the report; the caller exits 1 when it lists problems.
 */
export async function runConnectionCheck(options: {
  client: Client;
  taskQueue: string;
  store: string;
  out?: NodeJS.WritableStream;
  timeoutMs?: number;
}): Promise<ConnectionReport> {
  const out = options.out ?? process.stdout;
  const handle = await options.client.workflow.start(shopifyConnectionCheck, {
    workflowId: `shopify-connection-check-${options.store}-${Date.now()}`,
    taskQueue: options.taskQueue,
    args: [],
    // No worker polling: fail with a message instead of waiting for ever.
    workflowExecutionTimeout: `${Math.round((options.timeoutMs ?? 60_000) / 1000)}s`,
    staticSummary: `Connection check of ${options.store}`,
  });
  out.write(`Checking the connection to ${options.store} on the worker (workflow ${handle.workflowId})…\n`);
  try {
    const report = await handle.result();
    out.write(`${formatConnectionReport(report)}\n`);
    return report;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      throw new CheckFailedError(
        error.cause instanceof TimeoutFailure
          ? `no worker answered on task queue "${options.taskQueue}" in time: start one (npm run worker).`
          : rootMessage(error),
      );
    }
    throw error;
  }
}
