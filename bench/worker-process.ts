/** The project's worker in its own process (compiled or under tsx), ready once it polls its queue. */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { WORKER_RUNTIME_ENV } from '../worker/runtime-settings';
import type { WorkerKind } from './args';
import { Spawned, spawnScript } from '../test/helpers/processes';

export const BENCH_STORE = 'bench-store';
export const BENCH_TOKEN = 'shpat_demo_token';

export interface WorkerSettings {
  storeUrl: string;
  dataDir: string;
  temporalAddress: string;
  taskQueue: string;
  kind: WorkerKind;
  /** Write a V8 CPU profile of every thread into this folder when the worker exits. */
  cpuProfDir?: string;
}

async function polled(client: Client, taskQueue: string): Promise<boolean> {
  // TaskQueueType: 1 = workflow, 2 = activity (temporal.api.enums.v1).
  for (const taskQueueType of [1, 2]) {
    const response = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    if ((response.pollers ?? []).length === 0) return false;
  }
  return true;
}

/** Starts the worker and waits until it polls both its workflow and activity queues (its bundle is built). */
export async function startWorker(client: Client, settings: WorkerSettings): Promise<Spawned> {
  const entry = settings.kind === 'compiled' ? 'dist/worker/index.js' : 'worker/index.ts';
  const worker = spawnScript(entry, [], {
    nodeArgs: settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
    env: {
      SHOPIFY_STORE: BENCH_STORE,
      SHOPIFY_API_TOKEN: BENCH_TOKEN,
      SHOPIFY_BASE_URL: settings.storeUrl,
      DATA_DIR: settings.dataDir,
      LOG_DIR: path.join(settings.dataDir, 'logs'),
      TEMPORAL_ADDRESS: settings.temporalAddress,
      TEMPORAL_TASK_QUEUE: settings.taskQueue,
      LOG_LEVEL: 'warn',
      ...WORKER_RUNTIME_ENV,
    },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (worker.child.exitCode !== null) throw new Error(`The worker exited at start:\n${worker.output()}`);
    if (await polled(client, settings.taskQueue)) return worker;
    if (Date.now() > deadline) {
      await worker.stop(1_000);
      throw new Error(`The worker did not poll its task queue within 120 s:\n${worker.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
