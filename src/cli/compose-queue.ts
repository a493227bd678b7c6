import { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import type { RunJobData } from '../runner/queue/job-schema.js';
import { QueueRunner } from '../runner/queue/queue-runner.js';
import { QueueUpserts, type UpsertJobData, upsertQueueName } from '../runner/upsert/queue-upserts.js';
import { closeRedis, createRedis, waitUntilReady } from '../runner/queue/redis-connection.js';
import { RunEventHub } from '../runner/queue/run-event-hub.js';
import { RedisRateLimitStore } from '../runner/queue/redis-rate-limit-store.js';
import { RunStreamKeys } from '../runner/queue/run-stream-keys.js';
import { registerQueueDashboard } from '../server/plugins/queue-dashboard.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Core } from './compose-core.js';
import type { RunnerParts } from './compose-server.js';
import { queueReconcileHooks } from '../runner/reconciler-queue.js';
import { BullQueueStatus } from '../runner/queue/queue-status.js';

/** Job options every run job gets: bounded retention, and retries for infrastructure errors only. */
export function jobOptions(config: AppConfig) {
  const keep = { age: config.queue.removeOnAgeSeconds, count: config.queue.removeOnCount };
  return { removeOnComplete: keep, removeOnFail: keep, attempts: 3, backoff: { type: 'exponential' as const, delay: 1000 } };
}

/** Queue mode, server side: two Redis connections (commands, subscriber), the queue and the runner. */
export async function composeQueueRunner(
  config: AppConfig,
  core: Core,
  metrics: Metrics,
  logger: Logger,
): Promise<RunnerParts> {
  const redis = createRedis(config.redis, 'fail-fast', logger, 'server');
  const subscriber = createRedis(config.redis, 'patient', logger, 'server-events');
  const keys = new RunStreamKeys(config.queue.name);
  const ready = await Promise.all([waitUntilReady(redis, 10000), waitUntilReady(subscriber, 10000)]);
  if (!ready.every(Boolean)) {
    logger.warn('Redis is not reachable yet: predictions answer 503 until it is (server and workers reconnect by themselves)');
  }
  const queue = new Queue<RunJobData>(config.queue.name, {
    connection: redis,
    streams: { events: { maxLen: config.queue.eventStreamMaxLen } },
    defaultJobOptions: jobOptions(config),
  });
  queue.on('error', (error) => logger.child({ module: 'queue' }).warn({ reason: error.message }, 'queue error'));
  const upsertQueue = new Queue<UpsertJobData>(upsertQueueName(config.queue.name), { connection: redis, defaultJobOptions: jobOptions(config) });
  upsertQueue.on('error', (error) => logger.child({ module: 'upsert-queue' }).warn({ reason: error.message }, 'queue error'));
  const upserts = new QueueUpserts(core.repos.upserts, upsertQueue);
  const hub = new RunEventHub(subscriber, keys, logger);
  const runner = new QueueRunner({
    repos: core.repos,
    queue,
    redis,
    hub,
    keys,
    options: {
      predictionTimeoutMs: config.runs.predictionTimeoutMs,
      streamDetachGraceMs: config.runs.streamDetachGraceMs,
      eventsTtlSeconds: config.runs.eventsTtlSeconds,
    },
    logger,
  });
  metrics.trackQueueDepth(() => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'));
  return {
    runner,
    upserts,
    // The runner closes the queue; the connections go last.
    async close(drainMs) {
      await Promise.all([runner.close(drainMs), upserts.close()]);
      hub.close();
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    },
    readiness: [{ name: 'redis', check: () => runner.ping() }],
    reconcileHooks: queueReconcileHooks({ runs: queue, upserts: upsertQueue, redis, keys, eventsTtlSeconds: config.runs.eventsTtlSeconds }),
    rateLimits: new RedisRateLimitStore(redis, keys.rateLimitPrefix),
    queueStatus: new BullQueueStatus([{ kind: 'prediction', queue }, { kind: 'upsertion', queue: upsertQueue }], core.repos),
    adminPlugins: config.queue.dashboard
      ? [{ prefix: '/admin/queues', register: (app) => registerQueueDashboard(app, [queue, upsertQueue], '/admin/queues') }]
      : [],
  };
}
