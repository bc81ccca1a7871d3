import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleDescription,
  ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOptions,
  ScheduleOverlapPolicy,
  ScheduleSpec,
} from '@temporalio/client';
import { ConfigError } from '../common/config';
import { SyncInput, syncWorkflowId } from '../common/contract';
import { syncRunsQuery } from '../common/temporal-runs';
import { cronProblem } from './cron';
import { shopifySync } from '../workflows';

export const DEFAULT_SYNC_CRON = '*/10 * * * *';

export const scheduleId = (store: string): string => `shopify-sync-schedule-${store}`;

/**
 * Visibility query for every sync run of a store: one-off runs (stable id), the schedule's runs, and runs started by
 * other means (`temporal workflow start`, tctl) on the store's task queue.
 */
export function storeRunsQuery(store: string, taskQueue: string): string {
  return (
    `WorkflowId = '${syncWorkflowId(store)}' OR TemporalScheduledById = '${scheduleId(store)}' ` +
    `OR (${syncRunsQuery(taskQueue)})`
  );
}

/** How the spec reads for people (the server hands cron back as calendar fields). */
export function describeSpec(spec: ScheduleSpec): string {
  return spec.cronExpressions
    ? `cron "${spec.cronExpressions.join(', ')}"`
    : `every ${String(spec.intervals?.[0]?.every)}`;
}

/** SYNC_INTERVAL (e.g. `30s`, `15m`, `1h`) wins over SYNC_CRON (a cron expression); default every 10 minutes. */
export function scheduleSpec(env: Record<string, string | undefined> = process.env): ScheduleSpec {
  const interval = env.SYNC_INTERVAL?.trim();
  if (interval) {
    if (!/^[1-9]\d*(s|m|h)$/.test(interval)) {
      throw new ConfigError(
        `SYNC_INTERVAL must be a whole number of seconds, minutes or hours, e.g. SYNC_INTERVAL=15m (or 30s, 1h), ` +
          `got "${interval}".`,
      );
    }
    return { intervals: [{ every: interval as `${number}s` }] };
  }
  const cron = env.SYNC_CRON?.trim() || DEFAULT_SYNC_CRON;
  const problem = cronProblem(cron);
  if (problem) {
    throw new ConfigError(
      `SYNC_CRON "${cron}" is not a cron expression Temporal accepts (${problem}). Five fields: minute hour ` +
        `day-of-month month day-of-week, e.g. SYNC_CRON='${DEFAULT_SYNC_CRON}' (every 10 minutes) or '0 6 * * 1-5'.`,
    );
  }
  return { cronExpressions: [cron] };
}

function scheduleOptions(store: string, taskQueue: string, input: SyncInput, spec: ScheduleSpec): ScheduleOptions {
  return {
    scheduleId: scheduleId(store),
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: shopifySync,
      // The server appends the scheduled time to this id, so every run is its own workflow.
      workflowId: syncWorkflowId(store),
      taskQueue,
      args: [input],
      staticSummary: `Scheduled ${input.full ? 'full' : 'incremental'} sync of ${store}`,
    },
    state: { note: `Syncs ${store} ${describeSpec(spec)}` },
    policies: {
      // A slow run is never doubled: the next one is skipped while it still runs.
      overlap: ScheduleOverlapPolicy.SKIP,
      // After an outage, missed runs within the last hour collapse into one (SKIP), older ones are dropped.
      catchupWindow: '1 hour',
    },
  };
}

/** Creates the schedule, or updates it in place when it exists. Returns whether it was created. */
export async function upsertSchedule(
  client: Client,
  store: string,
  taskQueue: string,
  input: SyncInput,
  spec: ScheduleSpec,
): Promise<{ handle: ScheduleHandle; created: boolean }> {
  const options = scheduleOptions(store, taskQueue, input, spec);
  try {
    return { handle: await client.schedule.create(options), created: true };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(options.scheduleId);
    await handle.update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      state: { ...previous.state, note: options.state?.note },
      policies: { ...previous.policies, ...options.policies },
    }));
    return { handle, created: false };
  }
}

/** The schedule's description, or null if it does not exist. */
export async function describeSchedule(client: Client, store: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(scheduleId(store)).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

export type ScheduleCommand = 'pause' | 'resume' | 'trigger' | 'delete';

export async function controlSchedule(client: Client, store: string, command: ScheduleCommand): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId(store));
  try {
    // Pausing and resuming replace the schedule's note with theirs: hand back the note it has (what it syncs, when).
    if (command === 'pause') await handle.pause((await handle.describe()).state.note);
    else if (command === 'resume') await handle.unpause((await handle.describe()).state.note);
    else if (command === 'trigger') await handle.trigger(ScheduleOverlapPolicy.SKIP);
    else await handle.delete();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) {
      throw new ConfigError(`There is no schedule for store "${store}"; create it with \`npm run sync -- --daemon\`.`);
    }
    throw error;
  }
}
