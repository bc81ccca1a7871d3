/** Child processes of the benchmark: each tracked by pid, so an interrupted run stops exactly what it started. */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

export interface Child {
  process: ChildProcess;
  pid: number;
  /** stdout and stderr so far (the last 200 kB). */
  output: () => string;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
  /** The first line the child prints on stdout (launchers print their address there). */
  firstLine: () => Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<number | string>;
}

const running = new Map<number, ChildProcess>();

/** Also stop this process (started elsewhere, e.g. the Temporal dev server) if the runner is interrupted. */
export function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
}

/** Kills every child still running (by pid); for the runner's exit paths. */
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
 * Runs an entry point of the project in its own Node process (one process: its pid is the one measured): a `.ts`
 * file under tsx, a compiled `.js` file (dist/) as it is.
 */
export function spawnScript(entry: string, args: string[], options: SpawnOptions = {}): Child {
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
    output = (output + chunk.toString()).slice(-200_000);
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
  return { process: child, pid, output: () => output, exited, firstLine, stop };
}
