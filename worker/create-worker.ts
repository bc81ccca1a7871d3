import { Client } from '@temporalio/client';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { ActivityConfig, createActivities } from '../activities';
import { knownErrorsInterceptor } from '../activities/known-errors';
import { openSyncRuns } from '../common/temporal-runs';
import { prebuiltWorkflowBundle } from './workflow-bundle';

export interface SyncWorkerOptions extends ActivityConfig {
  connection: NativeConnection;
  /** Tests pass a prebuilt bundle so the workflow code is compiled once per test file. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The worker: workflow code from `workflows/`, activities bound to this process's configuration. */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<{ worker: Worker; close: () => void }> {
  const { namespace, taskQueue } = options.app.temporal;
  // The activities list the store's open runs through the worker's own connection (one sync per store).
  const client = new Client({ connection: options.connection, namespace });
  const { activities, close } = createActivities({
    openRuns: () => openSyncRuns(client, taskQueue),
    ...options,
  });
  const worker = await Worker.create({
    connection: options.connection,
    namespace,
    taskQueue,
    activities,
    interceptors: { activity: [knownErrorsInterceptor(options.app.dataDir)] },
    workflowBundle: options.workflowBundle ?? (await prebuiltWorkflowBundle()),
  });
  return { worker, close };
}
