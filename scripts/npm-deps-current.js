/* global console, process */
// Exit 0 when node_modules holds exactly what package-lock.json lists (other platforms' optional packages aside),
// 1 otherwise. Compares contents, not file times: a fresh checkout's lock file is always "newer" than node_modules.
// Plain Node with no dependencies, because it runs before `npm ci`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const read = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

function stale() {
  let installed;
  try {
    installed = read('node_modules/.package-lock.json').packages;
  } catch {
    return 'node_modules is missing or was not installed by npm 7+';
  }
  const locked = read('package-lock.json').packages;
  for (const [name, entry] of Object.entries(locked)) {
    if (name === '') continue;
    const have = installed[name];
    if (!have && entry.optional) continue; // another platform's binary, e.g. @swc/core-darwin-arm64
    if (!have) return `${name} is not installed`;
    if (have.version !== entry.version) return `${name} is ${have.version}, the lock file wants ${entry.version}`;
  }
  for (const name of Object.keys(installed)) {
    if (!locked[name]) return `${name} is installed but no longer in the lock file`;
  }
  return null;
}

const reason = stale();
if (reason) {
  console.error(`setup: npm dependencies out of date (${reason})`);
  process.exit(1);
}
