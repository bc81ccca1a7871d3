/**
 * In-process runs for the fault-injection suite: a sync with a bound on how long it may take (a stuck run fails the
 * test with its pending activities instead of hanging), and the attempts each activity took, read from history.
 */
import { WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SyncInput, SyncResult, syncWorkflowId } from '../../common/contract';
import { shopifySync } from '../../workflows';
import { createSyncWorker } from '../../worker/create-worker';
import { resultWithin } from './faults-processes';
import { testConfig } from './sync-harness';
import { workflowBundle } from './temporal';

export interface BoundedRun {
  handle: WorkflowHandle<typeof shopifySync>;
  result?: SyncResult;
  /** The run's failure (a WorkflowFailedError) or the bound's timeout error. */
  error?: unknown;
  /** The failure's own message, e.g. the activity's explanation. */
  message: string;
  ms: number;
}

/**
 * One sync with an in-process worker, never longer than `boundMs`. `during` runs while the worker is up, after
 * the run started (e.g. to inject a fault at the right moment).
 */
export async function runBounded(
  env: TestWorkflowEnvironment,
  config: ReturnType<typeof testConfig>,
  input: SyncInput,
  boundMs: number,
  during?: (handle: WorkflowHandle<typeof shopifySync>) => Promise<void>,
): Promise<BoundedRun> {
  const { worker, close } = await createSyncWorker({
    ...config,
    connection: env.nativeConnection,
    workflowBundle: await workflowBundle(),
  });
  const started = Date.now();
  let handle: WorkflowHandle<typeof shopifySync> | undefined;
  try {
    return await worker.runUntil(async () => {
      handle = await env.client.workflow.start(shopifySync, {
        workflowId: syncWorkflowId(config.shopify.store),
        taskQueue: config.app.temporal.taskQueue,
        args: [input],
      });
      await during?.(handle);
      try {
        const result = await resultWithin(handle, boundMs);
        return { handle, result, message: '', ms: Date.now() - started };
      } catch (error) {
        const message =
          error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : (error as Error).message;
        return { handle, error, message, ms: Date.now() - started };
      }
    });
  } finally {
    close();
  }
}

export interface ActivityAttempt {
  type: string;
  /** Attempt of the last start recorded (1 = no retry). */
  attempt: number;
  lastFailure?: string;
  outcome: 'completed' | 'failed' | 'timed out' | 'pending';
}

/** Every activity the run scheduled, with the attempts it took and how it ended. */
export async function activityAttempts(handle: WorkflowHandle): Promise<ActivityAttempt[]> {
  const history = await handle.fetchHistory();
  const byScheduled = new Map<string, ActivityAttempt>();
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes) {
      const type = event.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
      byScheduled.set(id, { type, attempt: 0, outcome: 'pending' });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const entry = byScheduled.get(String(started.scheduledEventId))!;
      entry.attempt = started.attempt ?? 1;
      entry.lastFailure = started.lastFailure?.message ?? undefined;
    }
    const ended =
      (event.activityTaskCompletedEventAttributes &&
        (['completed', event.activityTaskCompletedEventAttributes] as const)) ||
      (event.activityTaskFailedEventAttributes && (['failed', event.activityTaskFailedEventAttributes] as const)) ||
      (event.activityTaskTimedOutEventAttributes &&
        (['timed out', event.activityTaskTimedOutEventAttributes] as const));
    if (ended) byScheduled.get(String(ended[1].scheduledEventId))!.outcome = ended[0];
  }
  return [...byScheduled.values()];
}
