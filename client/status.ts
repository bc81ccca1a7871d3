import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { progressQuery } from '../workflows';
import { describeProgress } from '../workflows/progress-text';
import { describeSchedule, scheduleId, storeRunsQuery } from './schedule';

function when(date: Date | undefined): string {
  return date
    ? date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '—';
}

/** `npm run sync -- --status`: the schedule, the last runs, and the progress of a running one. */
export async function printStatus(
  client: Client,
  store: string,
  taskQueue: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const schedule = await describeSchedule(client, store);
  if (schedule) {
    out.write(
      `Schedule ${scheduleId(store)}: ${schedule.state.paused ? 'PAUSED' : 'active'} — ${schedule.state.note ?? ''}\n`,
    );
    // A paused schedule still reports the times it would run at; it runs none of them until resumed.
    out.write(`  next run: ${schedule.state.paused ? 'none while paused' : when(schedule.info.nextActionTimes[0])}\n`);
    out.write(
      `  runs started: ${schedule.info.numActionsTaken}, skipped while one was running: ${schedule.info.numActionsSkippedOverlap}\n`,
    );
  } else {
    out.write(`No schedule for ${store} (create it with: npm run sync -- --daemon)\n`);
  }

  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of client.workflow.list({
    query: storeRunsQuery(store, taskQueue),
  })) {
    runs.push(run);
    if (runs.length >= 5) break;
  }
  out.write(runs.length ? 'Last runs:\n' : 'No sync has run yet.\n');
  for (const run of runs) {
    const took = run.closeTime
      ? ` in ${((run.closeTime.getTime() - run.startTime.getTime()) / 1000).toFixed(1)} s`
      : '';
    out.write(`  ${when(run.startTime)}  ${run.status.name.padEnd(10)}${took}  ${run.workflowId}\n`);
  }
  const running = runs.find((run) => run.status.name === 'RUNNING');
  if (running) {
    const progress = await client.workflow
      .getHandle(running.workflowId, running.runId)
      .query(progressQuery)
      .catch(() => null);
    if (progress) out.write(`Running now:\n${describeProgress(progress).replace(/\*\*/g, '')}\n`);
  }
}
