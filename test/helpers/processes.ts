import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A child process started by the tests or the benchmark, tracked by pid so an interrupted run stops what it started. */
export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far (the last megabyte). */
  output: () => string;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
  /** The first line the child prints on stdout (launchers print their address there). */
  firstLine: () => Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<number | string>;
}

const OUTPUT_KEPT = 1_000_000;
const running = new Map<number, ChildProcess>();

/** Also stop this process (started elsewhere, e.g. a Temporal dev server) if the runner is interrupted. */
export function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
}

/** Kills every child still running (by pid); for a runner's exit paths. */
export function killChildren(): void {
  for (const [pid, child] of running) {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  }
  running.clear();
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Options for node itself, before the entry point. */
  nodeArgs?: string[];
}

/**
 * Runs an entry point of the project in its own Node process (one process: SIGKILL kills it outright, and its pid is
 * the one measured): a `.ts` file under tsx, a compiled `.js` file (dist/) as it is.
 */
export function spawnScript(entry: string, args: string[], options: SpawnOptions = {}): Spawned {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start ${entry}`);
  const pid = child.pid;
  running.set(pid, child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const firstLine = () =>
    new Promise<string>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        const end = buffered.indexOf('\n');
        if (end >= 0) {
          child.stdout!.off('data', onData);
          resolve(buffered.slice(0, end));
        }
      };
      child.stdout!.on('data', onData);
      void exited.then((code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output}`)));
    });
  const stop = async (graceMs = 30_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, pid, output: () => output, exited, firstLine, stop };
}

/** One of the project's TypeScript entry points with exactly this environment (plus PATH, HOME and TMPDIR). */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): Spawned {
  return spawnScript(entry, args, { env });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it); nothing listens on it now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
