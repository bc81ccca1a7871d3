/**
 * Regenerates test/replay/histories/*.json: the event histories of real runs of the sync workflow (a local Temporal
 * dev server, the Shopify and Sheets emulators, an in-process worker), which replay.test.ts replays against the
 * current workflow code.
 *
 *   npx tsx test/replay/record-histories.ts                                  # the current workflow code
 *   npx tsx test/replay/record-histories.ts --from bf9e021 --prefix pre-dashboard-   # the workflow of a commit
 *
 * `--from` records with the workflow code (workflows/ and common/) of an earlier commit, as runs started by that
 * release would have been written, with today's activities: replaying those proves that a change kept old runs
 * working (e.g. a new stage behind `patched()`). Keep the sets of past releases; re-record the current set when the
 * workflow changes compatibly, and never to make an incompatible change pass (version it with `patched()` instead).
 *
 * Each set: a full sync with the Sheets push, an incremental run, a run with Shopify 500s retried, a full sync that
 * continues as new (every run of the chain), a run failing on a bad token, then that sync retried twice (a new run
 * of the same workflow id, and the failed run reset to its first workflow task), and a run whose Sheets push fails
 * (403) after the local outputs; sets recorded since also hold an incremental run with nothing changed and a run with
 * --reconcile.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  WorkflowBundleOption,
  WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { SyncInput } from '../../common/contract';
import { shopifySync } from '../../workflows';
import type { PageBudget } from '../../activities/sync-activities';
import { createSyncWorker } from '../../worker/create-worker';
import { createSheetsEmulator, generateServiceAccountKeys } from '../../emulators/google-sheets';
import { createShopifyStore } from '../../emulators/shopify';
import { PROJECT_ROOT } from '../helpers/processes';
import { testConfig } from '../helpers/sync-harness';
import { startTemporal, workflowBundle } from '../helpers/temporal';
import { tempDir } from '../helpers/tmp';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

/** The scenarios of a set, in recording order; a continued-as-new chain is saved as `<name>-1.json`, `-2`… */
export const SCENARIOS = [
  'full',
  'incremental',
  'shopify-retries',
  'continued-as-new',
  'failed-bad-token',
  'retried-after-failure',
  'retried-by-reset',
  'sheets-push-failed',
  'unchanged',
  'reconcile',
] as const;

/** What a recorded file holds. */
export interface RecordedHistory {
  /** The workflow id of the run (histories do not carry it). */
  workflowId: string;
  runId: string;
  /** What the run was, in words. */
  scenario: string;
  /** The commit whose workflow code ran ('working tree' for the current code). */
  workflowCode: string;
  /**
   * The history as protobufjs `toObject` (enums and 64-bit numbers as strings, bytes as base64); `historyFromRecord`
   * turns it back into the message. Not `historyToJSON`/`historyFromJSON` from @temporalio/common: in this install
   * @temporalio/common and @temporalio/proto each have their own nested protobufjs 8, and those helpers throw
   * "type must be a Type" across the two copies.
   */
  history: { events: Array<Record<string, unknown>> };
}

const HISTORY = temporal.api.history.v1.History;

/** The recorded history as the message `Worker.runReplayHistories` takes. */
export function historyFromRecord(recorded: RecordedHistory): temporal.api.history.v1.History {
  return HISTORY.fromObject(recorded.history);
}

/** Written as Prettier formats it, so `npm run lint` (prettier --check .) passes on the recorded files. */
async function writeFormatted(file: string, recorded: RecordedHistory): Promise<void> {
  // Loaded here, not at the top: replay.test.ts imports this module, and Prettier does not load inside Jest's VM.
  const prettier = (await import('prettier')) as typeof import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(recorded), { ...options, filepath: file }));
}

const SHEET_ID = 'replay-sheet';
const ACCOUNT = 'replay@e2e-project.iam.gserviceaccount.com';

/** The workflow code of `rev` (its workflows/ and common/), bundled as the worker would. */
async function bundleAt(rev: string, scratch: string): Promise<WorkflowBundleWithSourceMap> {
  const tar = execFileSync('git', ['archive', '--format=tar', rev, 'workflows', 'common'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const dir = path.join(scratch, `code-${rev}`);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const noop = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: path.join(dir, 'workflows'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, prefix: { type: 'string', default: '' } } });
  const prefix = values.prefix ?? '';
  if (values.from && !prefix) throw new Error('--from needs a --prefix, e.g. --prefix pre-dashboard-');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const data = tempDir('record-histories-');
  const keys = generateServiceAccountKeys();
  const credentials = path.join(data.dir, 'service-account.json');
  fs.writeFileSync(
    credentials,
    JSON.stringify({ type: 'service_account', client_email: ACCOUNT, private_key: keys.privateKey }),
  );
  const store = createShopifyStore({ seed: 31, products: 30, customers: 150, orders: 900, rateLimit: false });
  const sheets = createSheetsEmulator({
    serviceAccounts: { [ACCOUNT]: keys.publicKey },
    spreadsheets: [{ id: SHEET_ID, editors: [ACCOUNT] }],
  });
  const bundle = values.from ? bundleAt(values.from, data.dir) : workflowBundle();
  const [env] = await Promise.all([startTemporal(), store.listen(0), sheets.listen(0), bundle]);
  const workflowCode = values.from ?? 'working tree';
  const recorded: string[] = [];
  try {
    // Replace this set only: files of other prefixes (earlier releases) stay.
    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const mine = new RegExp(`^${escaped}(${SCENARIOS.join('|')})(-\\d+)?\\.json$`);
    for (const file of fs.readdirSync(HISTORIES_DIR)) if (mine.test(file)) fs.rmSync(path.join(HISTORIES_DIR, file));

    const config = (token?: string, pageBudget?: PageBudget) => ({
      ...testConfig(data.dir, store.url, token ? { apiToken: token } : {}, 'record-histories', {
        googleSheetId: SHEET_ID,
        googleCredentialsFile: credentials,
        googleSheetsRootUrl: sheets.url,
        sheetsRequestsPerMinute: 6_000,
      }),
      pageBudget,
    });
    const target = { env, bundle: await bundle };
    const saveAs = async (handle: WorkflowHandle, name: (typeof SCENARIOS)[number], scenario: string) =>
      recorded.push(...(await save(env, handle, `${prefix}${name}`, scenario, workflowCode)));
    let n = 0;
    const record = async (
      name: (typeof SCENARIOS)[number],
      scenario: string,
      input: SyncInput,
      options: { token?: string; pageBudget?: PageBudget } = {},
    ) => {
      const handle = await run(
        target,
        config(options.token, options.pageBudget),
        `replay-${prefix}${++n}-${name}`,
        input,
      );
      await saveAs(handle, name, scenario);
      return handle;
    };

    await record('full', 'full sync, CSVs, analytics and the Sheets push', { full: true });
    store.mutate('orders', { update: 12, create: 4 });
    store.mutate('customers', { update: 3 });
    await record('incremental', 'incremental run after changes', {});
    store.setFaults([{ kind: 'status', status: 500, resource: 'orders', nth: 2, times: 2 }]);
    await record('shopify-retries', 'full sync, two order pages answered 500 and retried', {
      full: true,
      sheets: false,
    });
    store.setFaults([]);
    // One page per activity, so that this small store's orders take enough activities to pass the limit.
    await record(
      'continued-as-new',
      'full sync continuing as new past 40 history events',
      { full: true, sheets: false, historyLimit: 40 },
      { pageBudget: { pages: 1, ms: 60_000 } },
    );
    const failed = await record(
      'failed-bad-token',
      'full sync failing at once on a 401 (bad token)',
      { full: true },
      { token: 'shpat_wrong' },
    );
    const again = await run(target, config(), failed.workflowId, { full: true });
    await saveAs(again, 'retried-after-failure', 'the failed sync started again (same workflow id), right token');
    const reset = await resetToFirstWorkflowTask(env, failed);
    await run(target, config(), reset.workflowId, null);
    await saveAs(
      reset,
      'retried-by-reset',
      'the failed run reset to its first workflow task, then run with the right token',
    );
    sheets.setFaults([{ status: 403 }]);
    await record(
      'sheets-push-failed',
      'incremental run whose Sheets push is refused (403) after the local outputs',
      {},
    );
    sheets.setFaults([]);
    await record('unchanged', 'incremental run with nothing changed: no resource read', { sheets: false });
    store.delete('orders', [([...store.records('orders')][3] as { id: number }).id], { events: false });
    await record('reconcile', 'incremental run with --reconcile: id listings remove an order deleted without events', {
      sheets: false,
      reconcile: true,
    });
  } finally {
    await env.teardown();
    await sheets.close();
    await store.close();
    data.cleanup();
  }
  console.log(
    `Recorded ${recorded.length} histories (${workflowCode}) in ${path.relative(process.cwd(), HISTORIES_DIR)}:`,
  );
  for (const file of recorded) console.log(`  ${file}`);
}

/** `temporal workflow reset --type FirstWorkflowTask` on a closed run; the handle of the new run. */
async function resetToFirstWorkflowTask(env: TestWorkflowEnvironment, failed: WorkflowHandle): Promise<WorkflowHandle> {
  const runId = firstRunId(failed);
  if (!runId) throw new Error('resetToFirstWorkflowTask needs the handle returned by workflow.start');
  const history = await env.client.workflow.getHandle(failed.workflowId, runId).fetchHistory();
  const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
  const reset = await env.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: failed.workflowId, runId },
    reason: 'token fixed',
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
  });
  return env.client.workflow.getHandle(failed.workflowId, reset.runId ?? undefined);
}

/** The run a handle from `workflow.start` is bound to (undefined for a handle from `getHandle`). */
function firstRunId(handle: WorkflowHandle): string | undefined {
  return 'firstExecutionRunId' in handle
    ? (handle as WorkflowHandleWithFirstExecutionRunId).firstExecutionRunId
    : undefined;
}

/**
 * Runs one sync with an in-process worker and returns its handle once it has closed (completed or failed); with
 * `input` null, runs the worker until the latest run of `workflowId` (e.g. a reset one) has closed.
 */
async function run(
  target: { env: TestWorkflowEnvironment; bundle: WorkflowBundleOption },
  config: ReturnType<typeof testConfig>,
  workflowId: string,
  input: SyncInput | null,
): Promise<WorkflowHandle> {
  const { env } = target;
  const { worker, close } = await createSyncWorker({
    ...config,
    connection: env.nativeConnection,
    workflowBundle: target.bundle,
  });
  try {
    return await worker.runUntil(async () => {
      const handle =
        input === null
          ? env.client.workflow.getHandle(workflowId)
          : await env.client.workflow.start(shopifySync, {
              workflowId,
              taskQueue: config.app.temporal.taskQueue,
              args: [input],
            });
      await handle.result().catch(() => undefined);
      return handle;
    });
  } finally {
    close();
  }
}

/** Saves every run from the handle's (a continued-as-new chain has several), oldest first. */
async function save(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  name: string,
  scenario: string,
  workflowCode: string,
): Promise<string[]> {
  const files: string[] = [];
  let runId: string | undefined = firstRunId(handle) ?? (await handle.describe()).runId;
  for (let part = 1; runId; part += 1) {
    const history: temporal.api.history.v1.IHistory = await env.client.workflow
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    const next: string | undefined =
      history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    const chain = next !== undefined || part > 1;
    const file = chain ? `${name}-${part}.json` : `${name}.json`;
    const events = HISTORY.toObject(HISTORY.fromObject(history), { longs: String, enums: String, bytes: String })
      .events as Array<Record<string, unknown>>;
    const recorded: RecordedHistory = {
      workflowId: handle.workflowId,
      runId,
      scenario: chain ? `${scenario} (run ${part} of the chain)` : scenario,
      workflowCode,
      history: { events },
    };
    await writeFormatted(path.join(HISTORIES_DIR, file), recorded);
    files.push(file);
    runId = next;
  }
  return files;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
