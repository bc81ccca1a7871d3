import { spawn } from 'node:child_process';
import os from 'node:os';
import { loadDotenv } from '../common/config';
import { resolveTemporalCli, INSTALL_HINT } from '../common/temporal-cli';

/**
 * `npm run temporal -- <args>`: Temporal's own CLI, wherever setup put it (`.tools/bin/temporal` on a fresh clone),
 * with `.env` loaded so it talks to the same server and namespace (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) as the
 * worker and `npm run sync`.
 */
function main(): void {
  loadDotenv();
  let cli: string | null;
  try {
    cli = resolveTemporalCli();
  } catch (error) {
    cli = null;
    console.error(error instanceof Error ? error.message : error);
  }
  if (!cli) {
    console.error(`The Temporal CLI (temporal) was not found. ${INSTALL_HINT}`);
    process.exit(2);
  }
  const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit' });
  // Ctrl-C reaches the CLI through the terminal's process group; this process only waits for it to end.
  process.on('SIGINT', () => undefined);
  child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  child.once('error', (error) => {
    console.error(`Could not run ${cli}: ${error.message}`);
    process.exit(2);
  });
}

main();
