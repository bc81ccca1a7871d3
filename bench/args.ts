import { parseArgs } from 'node:util';

export const SCENARIOS = ['full-sync', 'paging', 'incremental', 'stages', 'scaling'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** `compiled`: dist/worker/index.js, as the Docker image runs it; `tsx`: worker/index.ts, as `npm run worker` does. */
export const WORKER_KINDS = ['compiled', 'tsx'] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];

export interface BenchOptions {
  quick: boolean;
  worker: WorkerKind;
  large: boolean;
  /** The scenarios to run, in SCENARIOS order; null: all. */
  only: ScenarioId[] | null;
  keep: boolean;
}

const USAGE =
  'Usage: npm run bench -- [--quick] [--large] [--only <scenario>[,<scenario>…]] [--worker compiled|tsx] [--keep]\n' +
  `  --quick   small sizes, one run each: a smoke run of a few minutes\n` +
  `  --large   also the 1,000,000-order full sync in the scaling scenario (long)\n` +
  `  --only    one or more (comma-separated) of: ${SCENARIOS.join(', ')}\n` +
  `  --worker  compiled (default: dist/, built first, as in the Docker image) or tsx (as \`npm run worker\`)\n` +
  `  --keep    keep the scratch folder (databases, logs, CPU profiles)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      large: { type: 'boolean', default: false },
      only: { type: 'string' },
      worker: { type: 'string', default: 'compiled' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only === undefined ? null : values.only.split(',').map((s) => s.trim());
  const unknown = only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s)) ?? [];
  if (unknown.length > 0) {
    console.error(`Unknown scenario "${unknown.join('", "')}".\n${USAGE}`);
    process.exit(2);
  }
  if (!(WORKER_KINDS as readonly string[]).includes(values.worker!)) {
    console.error(`Unknown worker "${values.worker}".\n${USAGE}`);
    process.exit(2);
  }
  return {
    quick: values.quick!,
    worker: values.worker as WorkerKind,
    large: values.large!,
    only: only && SCENARIOS.filter((s) => only.includes(s)),
    keep: values.keep!,
  };
}
