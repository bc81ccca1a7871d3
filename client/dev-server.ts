import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { requireTemporalCli } from '../common/temporal-cli';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** SQLite file keeping workflows across restarts of the dev server. */
  dbFile: string;
  logFile: string;
}

export function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address;
  return { host: host.replace(/^\[|\]$/g, '') || 'localhost', port: Number(address.slice(colon + 1)) || 7233 };
}

/** Whether a server could listen on the port here (nothing else holds it, on any local address). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export function isListening(address: string, timeoutMs = 500): Promise<boolean> {
  const { host, port } = hostPort(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts `temporal server start-dev` (a single-process Temporal with SQLite persistence and the Web UI) and waits
 * until it accepts connections. Its output goes to `logFile`.
 */
export async function startDevServer(options: DevServerOptions): Promise<ChildProcess> {
  const cli = requireTemporalCli();
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--db-filename',
      options.dbFile,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const deadline = Date.now() + 60_000;
  while (!(await isListening(`127.0.0.1:${port}`))) {
    if (child.exitCode !== null) {
      throw new Error(`The Temporal dev server exited (code ${child.exitCode}); see ${options.logFile}.`);
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`The Temporal dev server did not start within 60 s; see ${options.logFile}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Listening may be another process that took the port meanwhile: ours must still be running.
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (child.exitCode !== null) {
    throw new Error(`The Temporal dev server exited (code ${child.exitCode}); see ${options.logFile}.`);
  }
  return child;
}
