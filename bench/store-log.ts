import type { RequestLogEntry } from '../emulators/shopify';

export interface ResourceRequests {
  list: number;
  count: number;
  /** Records returned by list requests. */
  returned: number;
}

export interface LogSummary {
  requests: number;
  /** 429 responses (the leaky bucket overflowed). */
  throttled: number;
  byStatus: Record<string, number>;
  byResource: Record<string, ResourceRequests>;
}

/** The emulator's request log reduced to counts (the log itself can be thousands of entries). */
export function summarizeLog(log: readonly RequestLogEntry[]): LogSummary {
  const summary: LogSummary = { requests: log.length, throttled: 0, byStatus: {}, byResource: {} };
  for (const entry of log) {
    summary.byStatus[entry.status] = (summary.byStatus[entry.status] ?? 0) + 1;
    if (entry.status === 429) summary.throttled += 1;
    if (!entry.resource) continue;
    const r = (summary.byResource[entry.resource] ??= { list: 0, count: 0, returned: 0 });
    if (entry.kind === 'list') r.list += 1;
    if (entry.kind === 'count') r.count += 1;
    r.returned += entry.returned ?? 0;
  }
  return summary;
}
