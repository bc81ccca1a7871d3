/**
 * `npm run bench` (tsx bench/run.ts): starts a Temporal dev server, and per measurement a Shopify emulator and a
 * worker in processes of their own; runs the scenarios; writes bench/results.json and appends to bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOptions, ScenarioId, SCENARIOS } from './args';
import { killChildren, PROJECT_ROOT } from '../test/helpers/processes';
import type { BenchContext } from './context';
import { environment, machine } from './environment';
import type { ScenarioResult } from './figures';
import { BenchResults, markdownSection, writeResults } from './report';
import { fullSync } from './scenarios/full-sync';
import { incremental } from './scenarios/incremental';
import { paging } from './scenarios/paging';
import { scaling } from './scenarios/scaling';
import { stages } from './scenarios/stages';
import { startTemporal } from './temporal-server';

const NEEDS_TEMPORAL: ReadonlySet<ScenarioId> = new Set(['full-sync', 'paging', 'incremental', 'scaling']);

/** dist/ as the Docker image builds it, so the measured worker is the deployed code. */
function buildProject(): void {
  const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status ?? build.signal})`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const env = environment();
  const started = performance.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shopify-bench-'));
  const log = (message: string) =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
  log(`Machine: ${machine(env)}; commit ${env.commit}; scratch ${workDir}`);

  const selected = options.only ?? [...SCENARIOS];
  const needsWorker = selected.some((s) => NEEDS_TEMPORAL.has(s));
  if (needsWorker && options.worker === 'compiled') {
    log('building the compiled worker (npm run build)');
    buildProject();
  }
  const temporal = needsWorker ? await startTemporal(workDir) : undefined;
  const ctx: BenchContext = {
    temporal: temporal!,
    workDir,
    quick: options.quick,
    worker: options.worker,
    large: options.large,
    log,
    fullSyncs: new Map(),
  };
  const run: Record<ScenarioId, () => Promise<ScenarioResult>> = {
    'full-sync': () => fullSync(ctx, env.cores),
    paging: () => paging(ctx),
    incremental: () => incremental(ctx),
    stages: () => stages(ctx),
    scaling: () => scaling(ctx, env.cores),
  };
  const scenarios: ScenarioResult[] = [];
  const failures: BenchResults['failures'] = [];
  try {
    for (const id of selected) {
      log(`scenario ${id}`);
      try {
        scenarios.push(await run[id]());
      } catch (error) {
        log(`scenario ${id} failed: ${(error as Error).stack ?? error}`);
        failures.push({ scenario: id, error: String((error as Error).stack ?? error) });
      }
    }
  } finally {
    await temporal?.stop();
    killChildren();
    if (!options.keep) fs.rmSync(workDir, { recursive: true, force: true });
  }
  const results: BenchResults = {
    environment: env,
    options: {
      quick: options.quick,
      large: options.large,
      only: options.only?.join(',') ?? null,
      worker: options.worker,
    },
    durationSeconds: (performance.now() - started) / 1000,
    scenarios,
    failures,
  };
  const written = await writeResults(results);
  console.log(markdownSection(results));
  log(`Wrote ${written.json} and appended to ${written.markdown}`);
  if (failures.length > 0) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  killChildren();
  process.exit(1);
});
