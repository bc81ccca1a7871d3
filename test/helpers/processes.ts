import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Runs one of the project's TypeScript entry points in a single Node process (so SIGKILL kills it outright). */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Environment for a worker or CLI process pointed at a test store and test Temporal server. */
export function processEnv(options: {
  storeUrl: string;
  dataDir: string;
  temporalAddress: string;
  taskQueue: string;
  token?: string;
  store?: string;
}): Record<string, string> {
  return {
    SHOPIFY_STORE: options.store ?? 'e2e-store',
    SHOPIFY_API_TOKEN: options.token ?? 'shpat_demo_token',
    SHOPIFY_BASE_URL: options.storeUrl,
    SHOPIFY_TIMEOUT_MS: '5000',
    DATA_DIR: options.dataDir,
    LOG_DIR: path.join(options.dataDir, 'logs'),
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
  };
}
