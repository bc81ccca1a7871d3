/**
 * A resource added after the first three is synced only behind its `patched()` id (common/contract.ts), so runs
 * recorded with three resources still replay. Proved on recorded histories (test/replay/histories) against a scratch
 * copy of workflows/ and common/ whose declarations have a fourth, test-only resource: with its patch it replays,
 * without one it fails replay.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, ReplayResult, Worker, WorkflowBundleOption } from '@temporalio/worker';
import { RESOURCE_DECLARATIONS, resourcesToSync } from '../../common/contract';
import { PROJECT_ROOT } from '../helpers/processes';
import { HISTORIES_DIR, historyFromRecord, RecordedHistory } from '../replay/record-histories';

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

async function replay(bundle: WorkflowBundleOption, files: string[]): Promise<ReplayResult[]> {
  const histories = files.map((file) => {
    const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as RecordedHistory;
    return { workflowId: recorded.workflowId, history: historyFromRecord(recorded) };
  });
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
  return results;
}

describe('resources to sync: the first three always, a later one behind its patch', () => {
  const declarations = [
    { name: 'products', patch: null },
    { name: 'customers', patch: null },
    { name: 'collections', patch: 'collections-resource' },
  ];

  it('takes a patched resource only when its patch says so, and asks about no other', () => {
    const asked: string[] = [];
    const isPatched = (answer: boolean) => (id: string) => (asked.push(id), answer);
    expect(resourcesToSync(declarations, isPatched(false))).toEqual(['products', 'customers']);
    expect(resourcesToSync(declarations, isPatched(true))).toEqual(['products', 'customers', 'collections']);
    expect(asked).toEqual(['collections-resource', 'collections-resource']);
  });

  it('the real declarations: products, customers and orders carry no patch; names and patch ids are unique', () => {
    expect(RESOURCE_DECLARATIONS.slice(0, 3).map((r) => [r.name, r.patch])).toEqual([
      ['products', null],
      ['customers', null],
      ['orders', null],
    ]);
    const later = RESOURCE_DECLARATIONS.slice(3) as ReadonlyArray<{ name: string; patch: string | null }>;
    for (const r of later) expect(r.patch).toBe(`${r.name}-resource`);
    expect(new Set(RESOURCE_DECLARATIONS.map((r) => r.name)).size).toBe(RESOURCE_DECLARATIONS.length);
  });
});

describe('replay: a fourth resource added behind its patch keeps recorded runs replaying', () => {
  const histories = ['full.json', 'incremental.json', 'continued-as-new-1.json', 'continued-as-new-2.json'];
  const ordersLine = "  { name: 'orders', patch: null, scopes: ['read_orders', 'read_all_orders'] },\n";
  let scratch: string;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'resource-guard-'));
    for (const dir of ['workflows', 'common']) {
      fs.cpSync(path.join(PROJECT_ROOT, dir), path.join(scratch, dir), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** The scratch workflow bundle with a `collections` resource declared after orders, with `patch`. */
  async function bundleWithCollections(patch: string | null): Promise<WorkflowBundleOption> {
    const file = path.join(scratch, 'common', 'contract.ts');
    const source = fs.readFileSync(path.join(PROJECT_ROOT, 'common', 'contract.ts'), 'utf8');
    expect(source).toContain(ordersLine);
    const collections = `  { name: 'collections', patch: ${JSON.stringify(patch)}, scopes: ['read_products'] },\n`;
    fs.writeFileSync(file, source.replace(ordersLine, ordersLine + collections));
    return bundleWorkflowCode({ workflowsPath: path.join(scratch, 'workflows'), logger: quiet });
  }

  it('with patched("collections-resource") every recorded run replays; without the guard they fail', async () => {
    const guarded = await replay(await bundleWithCollections('collections-resource'), histories);
    expect(guarded.map((r, i) => [histories[i], r.error?.message])).toEqual(histories.map((h) => [h, undefined]));

    // Unguarded, the run plans four resources where its recorded planSync answered for three.
    const [unguarded] = await replay(await bundleWithCollections(null), ['full.json']);
    expect(unguarded.error?.message).toMatch(/updatedAtMin|nondetermin/i);
  }, 120_000);
});
