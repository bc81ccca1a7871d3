/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': '@swc/jest' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // End-to-end tests start a Temporal server and workers: generous first-run timeouts.
  testTimeout: 120_000,
  setupFiles: ['<rootDir>/test/setup.ts'],
};
