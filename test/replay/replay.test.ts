/**
 * Replays recorded histories of real runs (test/replay/histories, written by record-histories.ts) against the
 * current workflow code: a change that would break runs already in flight (an activity added, removed or
 * reordered, a different continue-as-new point…) fails here with a DeterminismViolationError instead of in
 * production. The last case proves the check can fail: a copy of the workflow with two activity calls swapped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, ReplayResult, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { PROJECT_ROOT } from '../helpers/processes';
import { workflowBundle } from '../helpers/temporal';
import { HISTORIES_DIR, historyFromRecord, RecordedHistory, SCENARIOS } from './record-histories';

function loadHistories(): Array<RecordedHistory & { file: string }> {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as RecordedHistory),
    }));
}

async function replayAll(bundle: WorkflowBundleOption, recorded: RecordedHistory[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const histories = recorded.map((r) => ({ workflowId: r.workflowId, history: historyFromRecord(r) }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
  return results;
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

describe('replay: recorded histories of real runs replay against the current workflow code', () => {
  const recorded = loadHistories();

  const events = (file: string) =>
    recorded.find((r) => r.file === file)!.history.events as Array<{
      eventType: string;
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    }>;
  const activityTypes = (file: string) =>
    events(file).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);

  /** Sets recorded before the runs with nothing changed and with --reconcile were added to the scenarios. */
  const earlierSets = ['', 'pre-batches-', 'pre-dashboard-', 'pre-skip-'];
  const laterScenarios: string[] = ['unchanged', 'reconcile'];

  it.each([...earlierSets, 'with-reconcile-'])(
    'set "%s": a full run, an incremental run, retries, continue-as-new, a failure and the two runs after it',
    (prefix) => {
      const files = recorded.map((r) => r.file);
      const chain = ['continued-as-new-1', 'continued-as-new-2'];
      const singles = SCENARIOS.filter(
        (s) => s !== 'continued-as-new' && !(earlierSets.includes(prefix) && laterScenarios.includes(s)),
      );
      expect(files).toEqual(expect.arrayContaining([...singles, ...chain].map((name) => `${prefix}${name}.json`)));
      const last = (name: string) => events(`${prefix}${name}.json`).at(-1)!.eventType;
      expect(last('continued-as-new-1')).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
      expect(last('failed-bad-token')).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_FAILED');
      expect(last('sheets-push-failed')).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_FAILED');
      for (const name of ['full', 'incremental', 'shopify-retries', 'continued-as-new-2', 'retried-after-failure']) {
        expect(last(name)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      }
      // The reset run carries the failed run's first workflow task, then the reset's failed workflow task.
      expect(last('retried-by-reset')).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      expect(events(`${prefix}retried-by-reset.json`).map((e) => e.eventType)).toContain(
        'EVENT_TYPE_WORKFLOW_TASK_FAILED',
      );
    },
  );

  it('the with-reconcile set holds a run that read nothing and one that reconciled through id listings', () => {
    expect(events('with-reconcile-unchanged.json').at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    expect(activityTypes('with-reconcile-unchanged.json')).not.toContain('syncPage');
    expect(events('with-reconcile-reconcile.json').at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    const reconcile = activityTypes('with-reconcile-reconcile.json');
    expect(reconcile.filter((type) => type === 'startReconcileListing')).toHaveLength(3);
    expect(reconcile.filter((type) => type === 'applyReconciliation')).toHaveLength(3);
  });

  it('the pre-batches set was written with one page per syncPage activity, the current one with several', () => {
    const pageActivities = (file: string) => activityTypes(file).filter((type) => type === 'syncPage').length;
    // 900 orders, 150 customers, 30 products: 4 + 1 + 1 pages.
    expect(pageActivities('pre-batches-full.json')).toBe(6);
    expect(pageActivities('full.json')).toBe(3);
  });

  it('the pre-dashboard set was written without the dashboard stage, the current one with it (behind patched())', () => {
    expect(activityTypes('pre-dashboard-full.json')).not.toContain('renderDashboard');
    expect(events('pre-dashboard-full.json').map((e) => e.eventType)).not.toContain('EVENT_TYPE_MARKER_RECORDED');
    expect(activityTypes('full.json')).toContain('renderDashboard');
    expect(events('full.json').map((e) => e.eventType)).toContain('EVENT_TYPE_MARKER_RECORDED');
  });

  it('the pre-skip set was written by the release before unchanged windows were skipped, with today’s activities', () => {
    // Its plans say a window is unchanged (today's planSync), and that workflow code paged it all the same: what a
    // run started before the upgrade and finished after it holds. The current code must replay it paging too.
    type Recorded = {
      activityTaskCompletedEventAttributes?: { result?: { payloads?: { data: string }[] } };
      markerRecordedEventAttributes?: { details?: Record<string, { payloads?: { data: string }[] }> };
    };
    const decode = (data: string) => Buffer.from(data, 'base64').toString();
    const recordedEvents = (file: string) => events(file) as unknown as Recorded[];
    const [plan] = recordedEvents('pre-skip-incremental.json')
      .flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads?.map((p) => decode(p.data)) ?? [])
      .filter((result) => result.includes('"updatedAtMin"'));
    expect(JSON.parse(plan).products.unchanged).toBe(true);
    expect(activityTypes('pre-skip-incremental.json').filter((type) => type === 'syncPage')).toHaveLength(3);
    const patches = recordedEvents('pre-skip-incremental.json').flatMap(
      (e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.map((p) => decode(p.data)) ?? [],
    );
    expect(patches.join()).toContain('deletion-events');
    expect(patches.join()).not.toContain('skip-unchanged-resources');
  });

  it('no history holds a credential (they stay in the worker environment)', () => {
    for (const r of recorded) expect(JSON.stringify(r.history)).not.toMatch(/shpat_|BEGIN PRIVATE KEY/);
  });

  it('every recorded history replays without a DeterminismViolationError', async () => {
    const results = await replayAll(await workflowBundle(), recorded);
    expect(results).toHaveLength(recorded.length);
    const failures = results
      .map((result, i) => ({ file: recorded[i].file, error: result.error?.message }))
      .filter((r) => r.error !== undefined);
    expect(failures).toEqual([]);
  });

  it('a reordered workflow fails replay, and so do a new stage or the unchanged-window skip without patched()', async () => {
    // A scratch copy of workflows/ (and the common/ it imports): the CSV export and the analytics swapped, then the
    // dashboard stage unguarded; replayed against a history recorded before the dashboard stage existed.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-reordered-'));
    try {
      for (const dir of ['workflows', 'common']) {
        fs.cpSync(path.join(PROJECT_ROOT, dir), path.join(scratch, dir), { recursive: true });
      }
      fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
      const file = path.join(scratch, 'workflows', 'sync.ts');
      const source = fs.readFileSync(file, 'utf8');
      const exportLine = "  await stage(() => exportCsv.executeWithOptions({ summary: 'export CSVs' }, []));\n";
      const analyticsLine =
        "  await stage(() => computeAnalytics.executeWithOptions({ summary: 'compute analytics' }, []));\n";
      expect(source).toContain(exportLine + analyticsLine);
      fs.writeFileSync(file, source.replace(exportLine + analyticsLine, analyticsLine + exportLine));

      const reordered = await bundleWorkflowCode({ workflowsPath: path.join(scratch, 'workflows'), logger: quiet });
      const full = recorded.find((r) => r.file === 'pre-dashboard-full.json')!;
      const [result] = await replayAll(reordered, [full]);
      expect(result.error).toBeInstanceOf(DeterminismViolationError);
      expect(result.error?.message).toMatch(/exportCsv|computeAnalytics/);

      // The dashboard stage without its patched() guard: runs started before it was added would break.
      const guard = "  if (patched('render-dashboard')) {\n";
      expect(source).toContain(guard);
      fs.writeFileSync(file, source.replace(guard, '  if (true as boolean) {\n'));
      const unguarded = await bundleWorkflowCode({ workflowsPath: path.join(scratch, 'workflows'), logger: quiet });
      const [broken] = await replayAll(unguarded, [full]);
      expect(broken.error).toBeInstanceOf(DeterminismViolationError);
      expect(broken.error?.message).toMatch(/renderDashboard|pushToSheets/);

      // Unchanged windows skipped without their patched() guard: a run that paged one before the upgrade breaks.
      fs.writeFileSync(file, source);
      const skipGuard = "plans[name].unchanged && patched('skip-unchanged-resources')";
      expect(source).toContain(skipGuard);
      fs.writeFileSync(file, source.replace(skipGuard, 'plans[name].unchanged'));
      const unguardedSkip = await bundleWorkflowCode({ workflowsPath: path.join(scratch, 'workflows'), logger: quiet });
      const incremental = recorded.find((r) => r.file === 'pre-skip-incremental.json')!;
      const [skipped] = await replayAll(unguardedSkip, [incremental]);
      expect(skipped.error).toBeInstanceOf(DeterminismViolationError);

      // The same copy unchanged replays cleanly: the failures above are the changes, not the copying.
      fs.writeFileSync(file, source);
      const unchanged = await bundleWorkflowCode({ workflowsPath: path.join(scratch, 'workflows'), logger: quiet });
      const cleanRuns = await replayAll(unchanged, [
        full,
        recorded.find((r) => r.file === 'pre-skip-incremental.json')!,
      ]);
      expect(cleanRuns.map((r) => r.error)).toEqual([undefined, undefined]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
