import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import type { RunJobData, RunJobResult } from '../runner/queue/job-schema.js';
import { closeRedis, createRedis } from '../runner/queue/redis-connection.js';
import { RunStreamKeys } from '../runner/queue/run-stream-keys.js';
import { Authenticator } from '../server/auth/authenticator.js';
import { createRootLogger } from '../shared/logger.js';
import { Metrics } from '../shared/metrics.js';
import { startHealthServer } from '../worker/health-server.js';
import { RunJobProcessor } from '../worker/run-job-processor.js';
import { UpsertJobProcessor } from '../worker/upsert-job-processor.js';
import { type UpsertJobData, upsertQueueName } from '../runner/upsert/queue-upserts.js';
import { RunWorker } from '../worker/run-worker.js';
import { composeCore } from './compose-core.js';
import { installProcessHandlers } from './signals.js';

/**
 * `aimicromind worker`: a BullMQ Worker on QUEUE_NAME running the same engine as main mode. Redis
 * connections: the worker's own and its blocking twin (BullMQ), plus one subscriber for aborts.
 */
/** How long a forced close may wait for Redis before the worker exits without it. */
const FORCED_CLOSE_MS = 5000;

export async function startWorkerProcess(config: AppConfig): Promise<void> {
  const logger = createRootLogger(config.logLevel, { role: 'worker' });
  const startedAt = performance.now();
  const metrics = new Metrics('worker');
  // BullMQ gives a stalled job one more start than we allow, so that start can fail the run cleanly.
  const core = await composeCore(config, logger, metrics, { maxAttempts: config.queue.maxStalledCount + 1 });
  const keys = new RunStreamKeys(config.queue.name);
  const connection = createRedis(config.redis, 'patient', logger, 'worker');
  const subscriber = createRedis(config.redis, 'patient', logger, 'worker-cancel');

  // Named, so the queue page (and bull-board) tell which worker holds which job.
  const name = `${os.hostname()}:${process.pid}`;
  const processor = new RunJobProcessor({
    executor: core.executor,
    redis: connection,
    keys,
    eventsTtlMs: config.runs.eventsTtlSeconds * 1000,
    predictionTimeoutMs: config.runs.predictionTimeoutMs,
    tokenBatchMs: config.queue.tokenBatchMs,
    logger,
  });
  const worker = new RunWorker<RunJobData, RunJobResult>(config.queue.name, processor.process, {
    connection,
    name,
    concurrency: config.queue.workerConcurrency,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: config.queue.stalledIntervalMs,
    maxStalledCount: config.queue.maxStalledCount + 1,
    autorun: false,
  });
  // Upserts have their own queue and concurrency (UPSERT_CONCURRENCY): bulk indexing never takes chat's slots.
  const upsertProcessor = new UpsertJobProcessor(core.upserts);
  const upsertWorker = new Worker<UpsertJobData>(upsertQueueName(config.queue.name), upsertProcessor.process, {
    connection,
    name,
    concurrency: config.upserts.concurrency,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: config.queue.stalledIntervalMs,
    maxStalledCount: config.queue.maxStalledCount + 1,
    autorun: false,
  });
  const log = logger.child({ module: 'worker' });
  upsertWorker.on('error', (error) => log.warn({ reason: error.message }, 'upsert worker error'));
  upsertWorker.on('failed', (job, error) => log.warn({ jobId: job?.id, reason: error.message }, 'upsert job failed'));
  worker.on('error', (error) => log.warn({ reason: error.message }, 'worker error'));
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, reason: error.message }, 'job failed'));

  subscriber.on('message', (_channel: string, runId: string) => processor.cancel(runId));
  await subscriber.subscribe(keys.cancelChannel);

  let closing = false;
  const health = await startHealthServer({
    port: config.queue.workerPort,
    host: config.server.host,
    metrics,
    auth: new Authenticator(config, core.repos.apiKeys),
    logger,
    readiness: [
      { name: 'database', check: () => core.database.ping() },
      { name: 'redis', check: async () => void (await connection.ping()) },
      {
        name: 'worker',
        check: async () => {
          if (closing || !worker.isRunning() || !upsertWorker.isRunning()) throw new Error('not consuming');
        },
      },
    ],
  });

  const shutdown = async () => {
    closing = true;
    const timeoutMs = config.queue.gracefulShutdownTimeoutMs;
    log.info({ activeRuns: processor.activeRuns, timeoutMs }, 'stopping: no new jobs, draining active runs');
    const drained = Promise.all([worker.close(), upsertWorker.close()]);
    const timer = setTimeout(() => {
      log.warn({ activeRuns: processor.activeRuns }, 'shutdown deadline: handing unfinished runs back to the queue');
      processor.requeueAll();
      upsertProcessor.abortAll();
    }, timeoutMs);
    // Requeued runs end within moments; if Redis is gone, stop waiting on it.
    const settled = await Promise.race([drained.then(() => true), sleep(timeoutMs + 10000).then(() => false)]);
    clearTimeout(timer);
    if (!settled) {
      // BullMQ's forced close still waits on Redis: bounded, so a worker whose Redis is gone exits anyway.
      const forced = Promise.all([worker.close(true).catch(() => undefined), upsertWorker.close(true).catch(() => undefined)]);
      await Promise.race([forced, sleep(FORCED_CLOSE_MS)]);
    }
    await health?.close();
    await Promise.all([closeRedis(subscriber), closeRedis(connection)]);
    await core.close();
    log.info('worker stopped');
  };
  installProcessHandlers(logger, shutdown);

  void worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped consuming'));
  void upsertWorker.run().catch((error: unknown) => log.error({ err: error }, 'upsert worker stopped consuming'));
  await Promise.all([worker.waitUntilReady(), upsertWorker.waitUntilReady()]);
  log.info(
    { queue: config.queue.name, concurrency: config.queue.workerConcurrency, upsertConcurrency: config.upserts.concurrency, startupMs: Math.round(performance.now() - startedAt) },
    'aimicromind worker ready',
  );
}
