import path from 'node:path';
import { loadAppConfig, loadDotenv } from '../common/config';
import { isListening, startDevServer } from './dev-server';

/** `npm run server`: a local Temporal dev server (SQLite-backed, Web UI on :8233) until Ctrl-C. */
async function main(): Promise<void> {
  loadDotenv();
  const app = loadAppConfig();
  if (await isListening(app.temporal.address)) {
    console.log(`A Temporal server is already listening on ${app.temporal.address}; nothing to start.`);
    return;
  }
  const dbFile = path.join(app.dataDir, 'temporal.db');
  const logFile = path.join(app.logDir, 'temporal-dev-server.log');
  const server = await startDevServer({ dbFile, logFile });
  console.log(`Temporal dev server on localhost:7233 (history in ${dbFile}, log ${logFile}).`);
  console.log('Web UI: http://localhost:8233 — press Ctrl-C to stop.');
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise((resolve) => server.once('exit', resolve));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
