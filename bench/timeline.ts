/**
 * Where a resource's paging time goes, from the history's timestamps: each `syncPage` activity stores a batch of pages
 * (up to 20, or 5 s), and the next one is scheduled only after the workflow has seen this one complete. Per activity
 * (means, milliseconds): dispatch = scheduled → started (the task reaching a worker), activity = started → completed
 * (fetch + store), workflow = completed → next scheduled (a workflow task to decide the next batch).
 */
import { tsToMs } from '@temporalio/common/lib/time';
import type { HistoryEvent } from './history';

export interface PageTimeline {
  /** syncPage activities (each a batch of pages). */
  pages: number;
  dispatchMs: number;
  activityMs: number;
  workflowMs: number;
}

function inputOf(event: HistoryEvent): { resource?: string } {
  const data = event.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
  if (!data) return {};
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as { resource?: string };
  } catch {
    return {};
  }
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

interface Page {
  run: number;
  scheduled: number;
  started?: number;
  completed?: number;
}

/** `runs`: the events of each run of the workflow (a continue-as-new starts a new list). */
export function pageTimelines(runs: HistoryEvent[][]): Record<string, PageTimeline> {
  const pages = new Map<string, Page[]>();
  const byScheduledId = new Map<string, Page>();
  const events = runs.flatMap((list, run) => list.map((event) => ({ event, run })));
  for (const { event, run } of events) {
    const at = tsToMs(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'syncPage') {
      const resource = inputOf(event).resource ?? 'unknown';
      const page: Page = { run, scheduled: at };
      pages.set(resource, [...(pages.get(resource) ?? []), page]);
      byScheduledId.set(`${run}:${event.eventId}`, page);
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const page = byScheduledId.get(`${run}:${started.scheduledEventId}`);
      if (page) page.started = at;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const page = byScheduledId.get(`${run}:${completed.scheduledEventId}`);
      if (page) page.completed = at;
    }
  }
  const result: Record<string, PageTimeline> = {};
  for (const [resource, list] of pages) {
    const done = list.filter((p) => p.started !== undefined && p.completed !== undefined);
    const gaps: number[] = [];
    for (let i = 1; i < list.length; i += 1) {
      const previous = list[i - 1];
      // The first page of a continued-as-new run follows a new run's start, not its predecessor's completion.
      if (previous.completed !== undefined && previous.run === list[i].run)
        gaps.push(list[i].scheduled - previous.completed);
    }
    result[resource] = {
      pages: list.length,
      dispatchMs: mean(done.map((p) => p.started! - p.scheduled)),
      activityMs: mean(done.map((p) => p.completed! - p.started!)),
      workflowMs: mean(gaps),
    };
  }
  return result;
}

/** A full sync's bulk operation per resource: Shopify's part (start → the check that saw it done), then the ingest. */
export interface BulkTimeline {
  /** startBulkSync scheduled → the last pollBulkSync completed: the export at Shopify and the workflow's waits. */
  shopifyMs: number;
  /** ingestBulkSync started → completed: download, parse, stage, assemble and store. */
  ingestMs: number;
}

const BULK_ACTIVITIES = new Set(['startBulkSync', 'pollBulkSync', 'ingestBulkSync']);

export function bulkTimelines(runs: HistoryEvent[][]): Record<string, BulkTimeline> {
  const scheduled = new Map<string, { type: string; resource: string }>();
  const spans: Record<string, { start?: number; polled?: number; ingestStarted?: number; ingested?: number }> = {};
  runs.forEach((list, run) => {
    for (const event of list) {
      const at = tsToMs(event.eventTime);
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type && BULK_ACTIVITIES.has(type)) {
        const resource = inputOf(event).resource ?? 'unknown';
        scheduled.set(`${run}:${event.eventId}`, { type, resource });
        const span = (spans[resource] ??= {});
        if (type === 'startBulkSync') span.start ??= at;
      }
      const started = event.activityTaskStartedEventAttributes;
      const startedOf = started && scheduled.get(`${run}:${started.scheduledEventId}`);
      if (startedOf?.type === 'ingestBulkSync') spans[startedOf.resource].ingestStarted ??= at;
      const completed = event.activityTaskCompletedEventAttributes;
      const completedOf = completed && scheduled.get(`${run}:${completed.scheduledEventId}`);
      if (completedOf?.type === 'pollBulkSync') spans[completedOf.resource].polled = at;
      if (completedOf?.type === 'ingestBulkSync') spans[completedOf.resource].ingested = at;
    }
  });
  const result: Record<string, BulkTimeline> = {};
  for (const [resource, s] of Object.entries(spans)) {
    result[resource] = {
      shopifyMs: s.start !== undefined && s.polled !== undefined ? s.polled - s.start : 0,
      ingestMs: s.ingestStarted !== undefined && s.ingested !== undefined ? s.ingested - s.ingestStarted : 0,
    };
  }
  return result;
}
