import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { shopifySync } from '../workflows';

/**
 * One store per task queue: the worker reads the store from its own settings, so every `shopifySync` run on a task
 * queue syncs the same store, whoever started it (npm run sync, the schedule, `temporal workflow start`, tctl).
 */
export function syncRunsQuery(taskQueue: string): string {
  return `WorkflowType = '${shopifySync.name}' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
}

export interface OpenRun {
  workflowId: string;
  runId: string;
  startTime: Date;
}

/** The open sync runs of the task queue's store, oldest first. A cron run still waiting for its time is left out. */
export async function openSyncRuns(client: Client, taskQueue: string, now = new Date()): Promise<OpenRun[]> {
  const runs: OpenRun[] = [];
  for await (const run of client.workflow.list({
    query: `${syncRunsQuery(taskQueue)} AND ExecutionStatus = 'Running'`,
  })) {
    if (isWaitingForItsTime(run, now)) continue;
    runs.push({ workflowId: run.workflowId, runId: run.runId, startTime: run.startTime });
    if (runs.length >= 100) break;
  }
  return runs.sort(olderFirst);
}

function isWaitingForItsTime(run: WorkflowExecutionInfo, now: Date): boolean {
  return run.executionTime !== undefined && run.executionTime.getTime() > now.getTime();
}

/** Start time, then run id: two runs started in the same millisecond still agree on which is first. */
export function olderFirst(a: OpenRun, b: OpenRun): number {
  return a.startTime.getTime() - b.startTime.getTime() || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);
}

/** How a run is named to people. */
export function describeRun(run: Pick<OpenRun, 'workflowId' | 'runId' | 'startTime'>): string {
  return `workflow ${run.workflowId} (run ${run.runId}, started ${run.startTime.toISOString()})`;
}
