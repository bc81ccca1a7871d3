import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { ActivityConfig, createActivities } from '../activities';
import { knownErrorsInterceptor } from '../activities/known-errors';
import { prebuiltWorkflowBundle } from './workflow-bundle';

export interface SyncWorkerOptions extends ActivityConfig {
  connection: NativeConnection;
  /** Tests pass a prebuilt bundle so the workflow code is compiled once per test file. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The worker: workflow code from `workflows/`, activities bound to this process's configuration. */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<{ worker: Worker; close: () => void }> {
  const { activities, close } = createActivities(options);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.app.temporal.namespace,
    taskQueue: options.app.temporal.taskQueue,
    activities,
    interceptors: { activity: [knownErrorsInterceptor(options.app.dataDir)] },
    workflowBundle: options.workflowBundle ?? (await prebuiltWorkflowBundle()),
  });
  return { worker, close };
}
