# Worker image for the Shopify → SQLite → CSV / Sheets sync. The same image runs the one-shot client:
#   node dist/client/sync.js --once | --daemon | --status
# glibc (Debian bookworm), not Alpine: the Temporal core bridge ships no musl binary.
# No BuildKit-only syntax (RUN --mount, COPY --chmod): docker-compose v1 builds with the classic builder.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded; the image has Node's headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The core bridge ships native libraries for every platform (~110 MB); keep this machine's only.
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && releases=node_modules/@temporalio/core-bridge/releases \
    && if [ -d "$releases/$(uname -m)-unknown-linux-gnu" ]; then \
         find "$releases" -mindepth 1 -maxdepth 1 ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} +; \
       fi

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data /logs \
    && chown node:node /data /logs
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data LOG_DIR=/logs
# Keep the worker's memory flat as the store grows (worker/runtime-settings.ts says why; override NODE_OPTIONS to raise).
ENV NODE_OPTIONS=--max-old-space-size=256 MALLOC_ARENA_MAX=2
# Code stays root-owned, read-only for the app; only /data and /logs are writable by it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data", "/logs"]
# On SIGTERM the worker stops polling and waits for in-flight activities before exiting.
STOPSIGNAL SIGTERM
CMD ["node", "dist/worker/index.js"]
