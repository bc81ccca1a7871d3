/** A Temporal dev server of the benchmark's own: a temp folder, free ports, stopped at the end. */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../client/dev-server';
import { freePort, track } from '../test/helpers/processes';

export interface BenchTemporal {
  address: string;
  client: Client;
  pid: number;
  stop: () => Promise<void>;
}

export async function startTemporal(dir: string): Promise<BenchTemporal> {
  const [port, uiPort] = [await freePort(), await freePort()];
  const server: ChildProcess = await startDevServer({
    port,
    uiPort,
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  });
  track(server);
  const address = `127.0.0.1:${port}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    address,
    client,
    pid: server.pid!,
    stop: async () => {
      await connection.close();
      const exited = new Promise((resolve) => server.once('exit', resolve));
      if (server.exitCode === null) server.kill('SIGTERM');
      const timer = setTimeout(() => server.exitCode === null && server.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
