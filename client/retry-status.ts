import type { WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/** A step that failed and waits for its next attempt: what the Web UI shows as "Pending Activities". */
export interface RetryStatus {
  step: string;
  /** The attempt that comes next (2 after the first failure). */
  attempt: number;
  reason: string;
  nextAttemptAt: Date | null;
}

/** The latest failure of a step that Temporal is retrying, from the run's pending activities; null if none. */
export function retryStatus(description: Pick<WorkflowExecutionDescription, 'raw'>): RetryStatus | null {
  let latest: RetryStatus | null = null;
  for (const pending of description.raw.pendingActivities ?? []) {
    const reason = pending.lastFailure?.message;
    if (!reason) continue;
    const next = optionalTsToMs(pending.nextAttemptScheduleTime);
    const status: RetryStatus = {
      step: pending.activityType?.name ?? 'a step',
      attempt: pending.attempt ?? 0,
      reason,
      nextAttemptAt: next === undefined ? null : new Date(next),
    };
    if (!latest || status.attempt > latest.attempt) latest = status;
  }
  return latest;
}

/** One line for the progress display: the reason and when Temporal tries again. */
export function describeRetry(status: RetryStatus, now = new Date()): string {
  const waitS = status.nextAttemptAt
    ? Math.max(0, Math.round((status.nextAttemptAt.getTime() - now.getTime()) / 1000))
    : null;
  const when =
    status.nextAttemptAt && waitS !== null
      ? `attempt ${status.attempt} at ${status.nextAttemptAt.toISOString().slice(11, 19)}Z (in ${waitS} s)`
      : `attempt ${status.attempt} running`;
  return `retrying ${status.step}: ${status.reason} — ${when}`;
}
