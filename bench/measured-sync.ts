/** One sync through Temporal, measured from outside: wall time, the processes' CPU, the worker's peak RSS, history. */
import type { Client } from '@temporalio/client';
import { SyncInput, SyncResult } from '../common/contract';
import { shopifySync } from '../workflows';
import { fetchAllHistory } from './history';
import { BulkTimeline, bulkTimelines, PageTimeline, pageTimelines } from './timeline';
import { cpuSeconds, machineCpuSeconds, memoryMb, resetPeakRss, RssSampler } from './proc-stats';

export interface Pids {
  worker: number;
  store: number;
  temporal: number;
}

export interface SyncMeasure {
  wallSeconds: number;
  /** Wall time minus the output stages (CSV, analytics, Sheets): the Shopify paging alone. */
  shopifySeconds: number;
  outputsSeconds: number;
  records: number;
  orders: number;
  childRecords: number;
  workerCpuSeconds: number;
  storeCpuSeconds: number;
  temporalCpuSeconds: number;
  /** The worker's RSS when the sync starts (after its start-up: modules, workflow bundle, connection). */
  workerStartRssMb: number;
  /** VmHWM after resetting it at the start (falls back to polled VmRSS). */
  workerPeakRssMb: number;
  /** Polled VmRSS peak before the output stages began: while the worker fetched (or downloaded) and stored records. */
  workerStoringPeakRssMb: number;
  historyEvents: number;
  workflowRuns: number;
  /** Per resource: how a page's time splits between dispatch, the activity and the workflow's decision. */
  pages: Record<string, PageTimeline>;
  /** Per resource of a full sync: Shopify's part of its bulk operation, and the ingest. */
  bulk: Record<string, BulkTimeline>;
  /** CPU seconds the rest of the machine (other programs) used during the sync. */
  otherCpuSeconds: number;
  result: SyncResult;
}

let sequence = 0;

export async function measuredSync(
  client: Client,
  taskQueue: string,
  pids: Pids,
  input: SyncInput,
): Promise<SyncMeasure> {
  const workflowId = `bench-${Date.now()}-${++sequence}`;
  const workerStartRssMb = memoryMb(pids.worker).rss;
  const peakReset = resetPeakRss(pids.worker);
  const sampler = new RssSampler(pids.worker);
  const cpu0 = { worker: cpuSeconds(pids.worker), store: cpuSeconds(pids.store), temporal: cpuSeconds(pids.temporal) };
  const machine0 = machineCpuSeconds();
  const started = performance.now();
  const handle = await client.workflow.start(shopifySync, { workflowId, taskQueue, args: [input] });
  const result = await handle.result();
  const finished = performance.now();
  const wallSeconds = (finished - started) / 1000;
  const workerCpuSeconds = cpuSeconds(pids.worker) - cpu0.worker;
  const storeCpuSeconds = cpuSeconds(pids.store) - cpu0.store;
  const temporalCpuSeconds = cpuSeconds(pids.temporal) - cpu0.temporal;
  const polledPeak = sampler.stop();
  const workerPeakRssMb = peakReset ? Math.max(memoryMb(pids.worker).peak, polledPeak) : polledPeak;
  const otherCpuSeconds = machineCpuSeconds() - machine0 - workerCpuSeconds - storeCpuSeconds - temporalCpuSeconds;
  const runs = await fetchAllHistory(client, workflowId, handle.firstExecutionRunId);
  const outputsSeconds = result.stages.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) / 1000;
  const workerStoringPeakRssMb = sampler.peakUntil(finished - outputsSeconds * 1000);
  const resources = Object.values(result.resources);
  return {
    wallSeconds,
    shopifySeconds: wallSeconds - outputsSeconds,
    outputsSeconds,
    records: resources.reduce((sum, r) => sum + r.records, 0),
    orders: result.resources.orders.records,
    childRecords: resources.reduce((sum, r) => sum + r.childRecords, 0),
    workerCpuSeconds,
    storeCpuSeconds,
    temporalCpuSeconds,
    workerStartRssMb,
    workerPeakRssMb,
    workerStoringPeakRssMb,
    historyEvents: runs.reduce((sum, events) => sum + events.length, 0),
    workflowRuns: runs.length,
    pages: pageTimelines(runs),
    bulk: bulkTimelines(runs),
    otherCpuSeconds: Math.max(0, otherCpuSeconds),
    result,
  };
}
