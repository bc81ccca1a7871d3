/** A store process and a worker process with a fresh data folder and task queue, around one or more measured syncs. */
import fs from 'node:fs';
import path from 'node:path';
import type { SyncInput } from '../common/contract';
import type { CostLimit } from '../emulators/shopify';
import type { Spawned } from '../test/helpers/processes';
import type { BenchContext } from './context';
import { measuredSync, SyncMeasure } from './measured-sync';
import { startStore, StoreProcess, StoreShape } from './store-process';
import { startWorker } from './worker-process';

export interface Session {
  store: StoreProcess;
  worker: Spawned;
  dataDir: string;
  sync: (input: SyncInput) => Promise<SyncMeasure>;
}

let sessions = 0;

export async function withSession<T>(
  ctx: BenchContext,
  shape: StoreShape,
  costLimit: CostLimit | false,
  run: (session: Session) => Promise<T>,
  options: { cpuProfDir?: string; dataDir?: string } = {},
): Promise<T> {
  const id = ++sessions;
  const dataDir = options.dataDir ?? path.join(ctx.workDir, `session-${id}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const taskQueue = `bench-${process.pid}-${id}`;
  const store = await startStore(shape, costLimit);
  let worker: Spawned | undefined;
  try {
    worker = await startWorker(ctx.temporal.client, {
      storeUrl: store.url,
      dataDir,
      temporalAddress: ctx.temporal.address,
      taskQueue,
      kind: ctx.worker,
      cpuProfDir: options.cpuProfDir,
    });
    const pids = { worker: worker.pid, store: store.child.pid, temporal: ctx.temporal.pid };
    const sync = (input: SyncInput) => measuredSync(ctx.temporal.client, taskQueue, pids, input);
    return await run({ store, worker, dataDir, sync });
  } finally {
    // The worker finishes in-flight work on SIGTERM and then exits, which also writes its CPU profile.
    const code = await worker?.stop(60_000);
    if (code !== undefined && code !== 0) ctx.log(`worker exited with ${code}: ${worker!.output().slice(-2_000)}`);
    await store.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
