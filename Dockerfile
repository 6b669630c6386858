# Hearth hub image: docs/operations.md explains how to run it.
#
# Two stages: the build stage has the toolchain better-sqlite3 compiles with
# and the dashboard's build tools; the runtime stage has only what `node
# --import tsx server/main.ts` needs, and runs as the unprivileged `node` user.
# Both stages use the same Debian release, so the compiled SQLite binding
# matches the runtime's glibc.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --logLevel warn \
  # The hub runs TypeScript through tsx, a runtime dependency: dev tools go, tsx stays.
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HEARTH_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/server ./server
COPY --from=build /app/shared ./shared
COPY --from=build /app/devices ./devices
COPY --from=build /app/web/dist ./web/dist
# The code stays root-owned and read-only to the hub; only /data is its own.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# 8080: dashboard, REST API, MQTT over WebSocket (/mqtt); 1883: MQTT; 8883: MQTT over TLS.
EXPOSE 8080 1883 8883
# A plain-node check (no tsx start-up) against the public health endpoint;
# with TLS on, the port speaks HTTPS with the hub's own certificate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const tls = (process.env.HEARTH_TLS || 'off') !== 'off'; require(tls ? 'node:https' : 'node:http').get({ host: '127.0.0.1', port: process.env.HEARTH_HTTP_PORT || 8080, path: '/api/health', rejectUnauthorized: false, timeout: 4000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1))"]
# node itself as PID 1 handles SIGTERM (graceful close); run with --init (compose: init: true)
# so stray child processes are reaped.
CMD ["node", "--import", "tsx", "server/main.ts"]
