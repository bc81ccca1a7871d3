import path from 'node:path';
import { ConfigError, loadAppConfig, loadDotenv } from '../common/config';
import { canBind, hostPort, startDevServer } from './dev-server';

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0'];

/** The Web UI's port: TEMPORAL_UI_URL's when it is on this machine, else the dev server's default (gRPC + 1000). */
function uiPortOf(uiUrl: string, grpcPort: number): number {
  const url = new URL(uiUrl);
  if (!LOCAL_HOSTS.includes(url.hostname)) return grpcPort + 1000;
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/** `npm run server`: a local Temporal dev server (SQLite-backed, with the Web UI) at TEMPORAL_ADDRESS until Ctrl-C. */
async function main(): Promise<void> {
  loadDotenv();
  const app = loadAppConfig();
  const { host, port } = hostPort(app.temporal.address);
  if (!LOCAL_HOSTS.includes(host)) {
    throw new ConfigError(
      `TEMPORAL_ADDRESS is ${app.temporal.address}, a server on another machine; npm run server starts one on this ` +
        `machine. Use that server as it is, or set TEMPORAL_ADDRESS=localhost:${port} for a local one.`,
    );
  }
  const uiPort = uiPortOf(app.temporal.uiUrl, port);
  for (const [what, taken, setting] of [
    ['Temporal', port, `TEMPORAL_ADDRESS=localhost:${port + 1}`],
    ['Web UI', uiPort, `TEMPORAL_UI_URL=http://localhost:${uiPort + 1}`],
  ] as const) {
    if (!(await canBind(taken))) {
      throw new ConfigError(
        `Port ${taken} (the ${what} port) is already in use. If a Temporal server is already running there, use it: ` +
          `npm run worker and npm run sync connect to TEMPORAL_ADDRESS. Otherwise stop what holds the port, or ` +
          `start this server on another one, e.g. ${setting}.`,
      );
    }
  }
  const dbFile = path.join(app.dataDir, 'temporal.db');
  const logFile = path.join(app.logDir, 'temporal-dev-server.log');
  const server = await startDevServer({ port, uiPort, dbFile, logFile });
  console.log(`Temporal dev server on localhost:${port} (history in ${dbFile}, log ${logFile}).`);
  console.log(`Web UI: http://localhost:${uiPort} — press Ctrl-C to stop.`);
  let stopping = false;
  const stop = () => {
    stopping = true;
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    server.once('exit', (c, s) => resolve([c, s])),
  );
  if (!stopping) {
    throw new Error(`The Temporal dev server stopped by itself (${code ?? signal}); see ${logFile}.`);
  }
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? `Configuration error: ${err.message}` : err instanceof Error ? err.message : err,
  );
  process.exit(err instanceof ConfigError ? 2 : 1);
});
