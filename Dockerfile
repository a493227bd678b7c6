# aimicromind image: one image for the server and the queue workers.
#   docker build -t aimicromind/aimicromind .
#   docker run -p 3000:3000 aimicromind/aimicromind           # server (CMD start)
#   docker run aimicromind/aimicromind worker                 # queue worker (MODE=queue)
# docker/docker-compose.yml runs both with Redis and PostgreSQL.

FROM node:24-bookworm-slim AS builder
# better-sqlite3 compiles from source when no prebuilt binary matches this Node and libc.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No lifecycle scripts here: the root `prepare` script is the build, which needs the sources copied below
# (keeping them out of this layer keeps the dependency layer cached). The native modules are built by name.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 msgpackr-extract
# The whole context (.dockerignore drops node_modules, dist, .git): tsconfig.build.json compiles src, bench,
# test/fixtures and test/support, and naming them one by one would fail while bench/ holds no file yet.
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# A young generation of 64 MiB a semi-space instead of 16: under many concurrent streams, scavenges ran
# 4-5x as often and took 55% more time (README, Benchmark).
ENV NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=builder /app/package.json ./
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/dist ./dist
COPY bin ./bin
# The example flows: the template gallery (GET /api/v1/marketplaces/templates) serves them.
COPY examples ./examples
# `aimicromind` on PATH, as with `npm install -g`; node resolves the link, so bin/ finds ../dist.
RUN chmod 755 bin/aimicromind.js && ln -s /app/bin/aimicromind.js /usr/local/bin/aimicromind
# Default DATABASE_PATH and SECRETKEY_PATH (~/.aimicromind): the SQLite database and the generated key file.
VOLUME /root/.aimicromind
# PORT (server) and WORKER_PORT (a worker's /healthz, /readyz, /metrics).
EXPOSE 3000 5566
ENTRYPOINT ["aimicromind"]
CMD ["start"]
