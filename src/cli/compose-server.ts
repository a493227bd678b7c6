import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import type { FlowRunner } from '../runner/flow-runner.js';
import { InProcessRunner } from '../runner/in-process/in-process-runner.js';
import { InProcessUpserts } from '../runner/upsert/in-process-upserts.js';
import type { UpsertRunner } from '../runner/upsert/upsert-runner.js';
import { UpsertJobPruner } from '../runner/upsert/upsert-pruner.js';
import { type ReconcileHooks, Reconciler } from '../runner/reconciler.js';
import type { AppDeps, ReadinessCheck } from '../server/app-deps.js';
import { buildApp } from '../server/build-app.js';
import type { Logger } from '../shared/logger.js';
import { Metrics } from '../shared/metrics.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../shared/rate-limit-store.js';
import { type Core, composeCore } from './compose-core.js';

/**
 * Connections the kernel holds for the server while its event loop is busy (listen(2) backlog; Linux
 * caps it at net.core.somaxconn, 4096 by default). Node's default of 511 overflows when a busy server
 * meets a burst: 500 new streams a second with the loop taking over a second per turn dropped their
 * handshakes, and clients saw ECONNRESET a minute later (the 10,000-stream soak in main mode).
 */
const LISTEN_BACKLOG = 65535;

export interface ServerHandle {
  app: FastifyInstance;
  core: Core;
  runner: FlowRunner;
  /** Listens on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops intake, drains in-flight runs (up to the deadline), closes the runner, then the database. */
  close(): Promise<void>;
}

export interface RunnerParts {
  runner: FlowRunner;
  upserts: UpsertRunner;
  readiness: ReadinessCheck[];
  adminPlugins: AppDeps['adminPlugins'];
  /** Queue mode: the queues' counts, workers and active jobs for `GET /api/v1/queue/status`. */
  queueStatus?: AppDeps['queueStatus'];
  rateLimits: RateLimitStore;
  /** How the reconciler sees this mode's runner (what it holds, how to start lost work again). */
  reconcileHooks: ReconcileHooks;
  /** Closes the runner and whatever connections it owns. */
  close(drainMs: number): Promise<void>;
}

/** The one place the mode is read: main runs flows here, queue hands them to workers. */
async function composeRunner(config: AppConfig, core: Core, metrics: Metrics, logger: Logger): Promise<RunnerParts> {
  if (config.mode === 'queue') {
    const { composeQueueRunner } = await import('./compose-queue.js');
    return composeQueueRunner(config, core, metrics, logger);
  }
  const runner = new InProcessRunner(
    core.repos,
    core.executor,
    {
      predictionTimeoutMs: config.runs.predictionTimeoutMs,
      streamDetachGraceMs: config.runs.streamDetachGraceMs,
      eventsTtlSeconds: config.runs.eventsTtlSeconds,
    },
    logger,
  );
  const upserts = new InProcessUpserts(core.repos.upserts, core.upserts, config.upserts.concurrency, logger);
  return {
    runner,
    upserts,
    readiness: [],
    adminPlugins: [],
    rateLimits: new MemoryRateLimitStore(),
    reconcileHooks: { holdsUpsert: async (id) => upserts.holds(id), resumeUpsert: async (id) => upserts.resume(id) },
    close: async (drainMs) => {
      await Promise.all([runner.close(drainMs), upserts.close(drainMs)]);
    },
  };
}

export async function composeServer(config: AppConfig, logger: Logger): Promise<ServerHandle> {
  const metrics = new Metrics('server');
  const core = await composeCore(config, logger, metrics);
  let parts: RunnerParts;
  try {
    parts = await composeRunner(config, core, metrics, logger);
  } catch (error) {
    await core.close();
    throw error;
  }
  const app = await buildApp({
    config,
    repos: core.repos,
    runner: parts.runner,
    upserts: parts.upserts,
    plans: core.plans,
    cipher: core.cipher,
    services: core.services,
    logger,
    metrics,
    readiness: [{ name: 'database', check: () => core.database.ping() }, ...parts.readiness],
    adminPlugins: parts.adminPlugins,
    ...(parts.queueStatus ? { queueStatus: parts.queueStatus } : {}),
    rateLimits: parts.rateLimits,
  });

  // Finished upsert jobs (and their addedDocs) are deleted after UPSERT_JOB_TTL.
  const pruner = new UpsertJobPruner(core.repos.upserts, config.upserts.jobTtlSeconds, logger);
  pruner.start();
  // Ends runs and upserts a stopped process left behind (one replica at a time).
  const reconciler = new Reconciler(
    core.repos,
    parts.reconcileHooks,
    { intervalMs: config.reconcileIntervalMs, predictionTimeoutMs: config.runs.predictionTimeoutMs },
    logger,
  );
  reconciler.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const drainMs = config.queue.gracefulShutdownTimeoutMs;
      await pruner.close();
      await reconciler.close();
      // Stops accepting connections; requests in flight (streams included) go on.
      const stopped = app.close();
      await parts.close(drainMs);
      // Runs have ended; give their responses a moment to write their last events, then cut whatever is
      // still open (keep-alive sockets, readers of runs that were aborted at the deadline).
      await Promise.race([stopped, sleep(1000)]);
      app.server.closeAllConnections();
      await stopped;
      await core.close();
    })();
    return closing;
  };

  return {
    app,
    core,
    runner: parts.runner,
    async listen() {
      await app.listen({ port: config.server.port, host: config.server.host, backlog: LISTEN_BACKLOG });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    close,
  };
}
