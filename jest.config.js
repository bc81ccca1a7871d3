/**
 * Two tiers. `fast` runs in-process: unit tests, the emulators' own tests and the workflow against stubbed
 * activities (one local Temporal dev server) — `npm run test:fast`, two files at a time, about a minute. `processes` starts real
 * Temporal servers, workers and CLIs: end-to-end, replay, and the worker's refusal of bad settings (eight worker
 * processes), and the million-order emulator sanity checks. `npm test` (what CI runs) runs both, in band.
 */
// Absolute: Jest expands <rootDir> only at the start of a glob, not after the `!` of a negated one.
const FAST = [`${__dirname}/test/{unit,workflow}/**/*.test.ts`, `${__dirname}/emulators/**/*.test.ts`];
const SPAWNS_PROCESSES = [
  `${__dirname}/test/unit/bad-config.test.ts`,
  // 1,000,000-order emulators with sanity bounds on response times: they need a core of their own, so they run in
  // band with the end-to-end tests, not beside the fast tier's other files.
  `${__dirname}/emulators/shopify/scale.test.ts`,
  `${__dirname}/emulators/shopify/graphql/scale.test.ts`,
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': '@swc/jest' },
  setupFiles: ['<rootDir>/test/setup.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // End-to-end tests start a Temporal server and workers: generous first-run timeouts.
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'fast', testMatch: [...FAST, ...SPAWNS_PROCESSES.map((glob) => `!${glob}`)] },
    {
      ...common,
      displayName: 'processes',
      testMatch: ['<rootDir>/{test,emulators}/**/*.test.ts', ...FAST.map((glob) => `!${glob}`), ...SPAWNS_PROCESSES],
    },
  ],
};
