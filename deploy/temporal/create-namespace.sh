#!/bin/sh
# One-shot: waits until the Temporal server answers, then creates the namespace the worker uses (the
# temporalio/server image, unlike the deprecated auto-setup image, creates none).
set -eu

NAMESPACE=${DEFAULT_NAMESPACE:-default}
TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
HOST=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f1)
PORT=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f2)

# The samples resolve the name to an IPv4 address first: the CLI may otherwise try an unreachable IPv6 one.
IP=$(getent ahosts "$HOST" | grep STREAM | head -1 | awk '{print $1}')
ADDRESS="${IP:-$HOST}:${PORT}"

attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal at $ADDRESS did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '$NAMESPACE' already exists"
else
  temporal operator namespace create -n "$NAMESPACE" --address "$ADDRESS"
  echo "Namespace '$NAMESPACE' created"
fi
