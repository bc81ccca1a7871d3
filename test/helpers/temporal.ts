import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundlePath } from '@temporalio/worker';
import { requireTemporalCli } from '../../common/temporal-cli';
import { PROJECT_ROOT } from './processes';

/** Where the test dev servers' own output goes (their banner and warnings), instead of the test report. */
export const TEMPORAL_SERVER_LOG = path.join(PROJECT_ROOT, 'test-output', 'temporal-server.log');

let quietCli: string | undefined;

/**
 * The local `temporal` CLI behind a one-line wrapper that sends its output to TEMPORAL_SERVER_LOG: the SDK starts
 * the dev server with the test process's own stdout and stderr, so its banner and warnings would fill the report.
 */
export function quietTemporalCli(): string {
  if (quietCli) return quietCli;
  const cli = requireTemporalCli();
  fs.mkdirSync(path.dirname(TEMPORAL_SERVER_LOG), { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-quiet-'));
  const wrapper = path.join(dir, 'temporal');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(cli)} "$@" >>${quote(TEMPORAL_SERVER_LOG)} 2>&1\n`, {
    mode: 0o755,
  });
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  quietCli = wrapper;
  return wrapper;
}
import { prebuiltWorkflowBundle } from '../../worker/workflow-bundle';

/**
 * A real Temporal dev server (`temporal server start-dev`) from the local CLI binary: never a download, never a
 * skip. A missing binary fails the test with the install instructions.
 */
export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: quietTemporalCli() }, ui: false, extraArgs },
  });
}

let bundle: Promise<WorkflowBundlePath> | undefined;

/** The workflow code the worker runs: bundled once for all test files and runs until a file that goes into it changes. */
export function workflowBundle(): Promise<WorkflowBundlePath> {
  bundle ??= prebuiltWorkflowBundle();
  return bundle;
}
