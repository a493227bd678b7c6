import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_JOB_NAME, type RunJobData, type RunJobResult } from '../../src/runner/queue/job-schema.js';
import { closeRedis, createRedis } from '../../src/runner/queue/redis-connection.js';
import { readStream } from '../../src/runner/queue/redis-event-transport.js';
import { RunStreamKeys } from '../../src/runner/queue/run-stream-keys.js';
import { RunRequeuedError } from '../../src/runner/requeue-error.js';
import type { RunExecutor } from '../../src/runner/run-executor.js';
import type { RunEventWriter } from '../../src/runner/run-events.js';
import { RunJobProcessor } from '../../src/worker/run-job-processor.js';
import { RedisServer } from '../support/redis-server.js';
import { testLogger } from '../support/test-logger.js';

/**
 * A stopping worker hands its runs back to the queue. Tokens it still holds for WORKER_TOKEN_BATCH_MS
 * must reach the run's stream before the hand-back: the next attempt numbers its events after the
 * stream's last id, so tokens written later would take ids the next attempt uses.
 */
describe('a run handed back at shutdown with tokens held for batching', () => {
  let redis: RedisServer;
  let connection: Redis;

  beforeAll(async () => {
    redis = await RedisServer.start();
    connection = createRedis({ url: redis.url, host: '127.0.0.1', port: redis.port, tls: false, keepAliveMs: 0 }, 'patient', testLogger, 'test');
  });
  afterAll(async () => {
    await closeRedis(connection);
    await redis?.stop();
  });

  it('writes the held tokens before the job goes back to the queue', async () => {
    const keys = new RunStreamKeys('handback-test');
    const runId = 'run-handback';
    const executor = {
      async execute(_runId: string, writer: RunEventWriter) {
        writer.describeRun({ streaming: true });
        writer.emit({ event: 'token', data: 'first ' });
        await writer.flush();
        // Held for the batch timer (a minute here), not yet written when the run is handed back.
        writer.emit({ event: 'token', data: 'held' });
        throw new RunRequeuedError();
      },
    } as unknown as RunExecutor;
    const processor = new RunJobProcessor({ executor, redis: connection, keys, eventsTtlMs: 60000, predictionTimeoutMs: 60000, tokenBatchMs: 60000, logger: testLogger });
    let streamAtHandBack: string[] | undefined;
    const job = {
      id: 'job-1',
      name: RUN_JOB_NAME,
      data: { v: 1, runId },
      attemptsStarted: 1,
      stalledCounter: 0,
      async moveToWait() {
        streamAtHandBack = (await readStream(connection, keys, runId)).map((e) => (JSON.parse(e.json) as { data: string }).data);
      },
    } as unknown as Job<RunJobData, RunJobResult>;
    await expect(processor.process(job, 'lock-token')).rejects.toThrow();
    expect(streamAtHandBack).toEqual(['first ', 'held']);
  });
});
