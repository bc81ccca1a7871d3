import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundlePath } from '@temporalio/worker';
import { requireTemporalCli } from '../../common/temporal-cli';
import { prebuiltWorkflowBundle } from '../../worker/workflow-bundle';

/**
 * A real Temporal dev server (`temporal server start-dev`) from the local CLI binary: never a download, never a
 * skip. A missing binary fails the test with the install instructions.
 */
export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: requireTemporalCli() }, ui: false, extraArgs },
  });
}

let bundle: Promise<WorkflowBundlePath> | undefined;

/** The workflow code the worker runs: bundled once for all test files and runs until a file that goes into it changes. */
export function workflowBundle(): Promise<WorkflowBundlePath> {
  bundle ??= prebuiltWorkflowBundle();
  return bundle;
}
