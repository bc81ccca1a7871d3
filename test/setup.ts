import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, LogEntry, Runtime } from '@temporalio/worker';
import { errorFields, isError } from '../common/logger';

/**
 * The SDK's warnings in tests are mostly the faults the tests inject on purpose (failed attempts, failed runs):
 * they go to a file, not the report, and the tests assert on what matters. test-output/ is ignored by git.
 */
const SDK_LOG = path.resolve(__dirname, '..', 'test-output', 'temporal-sdk.log');

function toFile(entry: LogEntry): void {
  const meta = Object.fromEntries(
    Object.entries(entry.meta ?? {}).map(([key, value]) => [key, isError(value) ? errorFields(value) : value]),
  );
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  fs.mkdirSync(path.dirname(SDK_LOG), { recursive: true });
  fs.appendFileSync(
    SDK_LOG,
    `${time} ${entry.level} ${entry.message} ${JSON.stringify(meta, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))}\n`,
  );
}

try {
  Runtime.install({ logger: new DefaultLogger('WARN', toFile) });
} catch {
  // Already installed in this process by an earlier test file.
}
