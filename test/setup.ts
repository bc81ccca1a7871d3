import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep the SDK's own logs to warnings in tests; the tests assert on what matters.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process by an earlier test file.
}
