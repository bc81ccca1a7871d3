/**
 * Processes for the fault-injection suite: worker processes (so SIGKILL is real), a Temporal dev server started from
 * the CLI with a persistent database (so it can be killed and started again on the same state), free ports, and a
 * bounded wait for a run's result that says which activity is stuck when it times out.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { SyncResult } from '../../common/contract';
import type { shopifySync } from '../../workflows';
import { requireTemporalCli } from '../../common/temporal-cli';
import { freePort, PROJECT_ROOT, processEnv, Spawned, spawnTs, waitFor } from './processes';

export interface SheetsTarget {
  sheetId: string;
  credentialsFile: string;
  rootUrl: string;
  requestsPerMinute?: number;
}

/** A worker process's environment, with the Google Sheets settings when a Sheets emulator is given. */
export function workerEnv(
  options: Parameters<typeof processEnv>[0] & { sheets?: SheetsTarget },
): Record<string, string> {
  const env = processEnv(options);
  if (options.sheets) {
    env.GOOGLE_SHEET_ID = options.sheets.sheetId;
    env.GOOGLE_APPLICATION_CREDENTIALS = options.sheets.credentialsFile;
    env.GOOGLE_SHEETS_ROOT_URL = options.sheets.rootUrl;
    env.GOOGLE_SHEETS_REQUESTS_PER_MINUTE = String(options.sheets.requestsPerMinute ?? 6_000);
  }
  return env;
}

export interface WorkerProcess extends Spawned {
  /** SIGKILL, resolved when the process is gone. */
  kill9(): Promise<number | string>;
}

/** `npm run worker` as its own process; resolves once it has logged that it polls its task queue. */
export async function startWorker(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const spawned = spawnTs('worker/index.ts', [], env);
  let exitedWith: number | string | undefined;
  void spawned.exited.then((code) => (exitedWith = code));
  const worker: WorkerProcess = {
    ...spawned,
    kill9: async () => {
      if (exitedWith === undefined) spawned.child.kill('SIGKILL');
      return spawned.exited;
    },
    stop: (graceMs = 15_000) => spawned.stop(graceMs),
  };
  await waitFor(
    'the worker process to poll its task queue',
    () => {
      if (exitedWith !== undefined) {
        throw new Error(`The worker exited (${exitedWith}) before it was ready:\n${spawned.output()}`);
      }
      return spawned.output().includes('Worker for store');
    },
    readyTimeoutMs,
  );
  return worker;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `temporal server start-dev` with a persistent SQLite file, on fixed ports, as a process of its own group, so the
 * test can SIGKILL it and start it again on the same state and port (`TestWorkflowEnvironment.createLocal` cannot).
 */
export class DevServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private log = '';
  readonly address: string;

  private constructor(
    readonly port: number,
    readonly dbFile: string,
    private readonly extraPorts: { ui: number; http: number; metrics: number },
  ) {
    this.address = `127.0.0.1:${port}`;
  }

  static async create(dbFile: string): Promise<DevServer> {
    const [port, ui, http, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
    return new DevServer(port, dbFile, { ui, http, metrics });
  }

  get output(): string {
    return this.log;
  }

  /** Starts the server and waits until its frontend accepts connections and answers a namespace call. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('The dev server is already running');
    fs.mkdirSync(path.dirname(this.dbFile), { recursive: true });
    const child = spawn(
      requireTemporalCli(),
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--ui-port',
        String(this.extraPorts.ui),
        '--http-port',
        String(this.extraPorts.http),
        '--metrics-port',
        String(this.extraPorts.metrics),
        '--db-filename',
        this.dbFile,
        '--headless',
        '--log-level',
        'error',
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.stdout!.on('data', (chunk) => (this.log += chunk));
    child.stderr!.on('data', (chunk) => (this.log += chunk));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void this.exited.then(() => (gone = true));
    await waitFor(
      `the Temporal dev server on port ${this.port}`,
      async () => {
        if (gone) throw new Error(`The Temporal dev server exited at start:\n${this.log}`);
        return accepts(this.port);
      },
      timeoutMs,
    );
  }

  /** SIGKILL to the server's whole process group: no shutdown, no flush. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM', 10_000);
  }

  private async signal(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
    const timer = graceMs > 0 ? setTimeout(() => this.signal('SIGKILL'), graceMs) : undefined;
    await this.exited;
    if (timer) clearTimeout(timer);
    this.child = undefined;
  }
}

/**
 * The run's result, or after `ms` an error naming the pending activities (type, attempt, timeouts): a stuck run
 * fails the test with the reason instead of hanging until Jest's timeout. The stuck run is then terminated.
 */
export async function resultWithin(
  handle: WorkflowHandle<typeof shopifySync>,
  ms: number,
  what = 'the run',
): Promise<SyncResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = handle.result();
  result.catch(() => undefined);
  try {
    const first = await Promise.race([result, timeout]);
    if (first !== 'timeout') return first;
  } finally {
    clearTimeout(timer);
  }
  const description = await handle.describe().catch(() => undefined);
  const pending = (description?.raw.pendingActivities ?? []).map((a) => {
    const seconds = (d: { seconds?: unknown } | null | undefined) =>
      Number(d?.seconds ?? 0) > 0 ? `${Number(d!.seconds)} s` : 'none';
    const options = a.activityOptions;
    return (
      `${a.activityType?.name} (attempt ${a.attempt}, heartbeat timeout ${seconds(options?.heartbeatTimeout)}, ` +
      `start-to-close timeout ${seconds(options?.startToCloseTimeout)}, last heartbeat ` +
      `${a.lastHeartbeatTime ? 'received' : 'never'})`
    );
  });
  // Terminate the stuck run so nothing keeps long-polling its result after the test gave up on it.
  await handle.terminate(`the test gave up after ${ms / 1000} s`).catch(() => undefined);
  await result.catch(() => undefined);
  throw new Error(`${what} did not finish within ${ms / 1000} s. Pending activities: ${pending.join('; ') || 'none'}.`);
}
