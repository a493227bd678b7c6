import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { Redis } from 'ioredis';
import { RunAbortedError } from '../engine/errors.js';
import { RUN_JOB_NAME, type RunJobData, type RunJobResult, runJobSchema } from '../runner/queue/job-schema.js';
import { RedisEventTransport, lastEventId } from '../runner/queue/redis-event-transport.js';
import type { RunStreamKeys } from '../runner/queue/run-stream-keys.js';
import { RunRequeuedError } from '../runner/requeue-error.js';
import type { RunExecutor } from '../runner/run-executor.js';
import { RunEventWriter } from '../runner/run-events.js';
import type { Logger } from '../shared/logger.js';
import { withDeadline } from '../shared/with-deadline.js';

export interface RunJobProcessorDeps {
  executor: RunExecutor;
  redis: Redis;
  keys: RunStreamKeys;
  /** RUN_EVENTS_TTL and PREDICTION_TIMEOUT, for the run streams' expiry. */
  eventsTtlMs: number;
  predictionTimeoutMs: number;
  /** WORKER_TOKEN_BATCH_MS: see RunEventWriter. */
  tokenBatchMs: number;
  logger: Logger;
}

/**
 * What a worker does with one job: run the run it names through the shared executor, with events
 * going to the run's Redis stream, and return `{runId, status}` (the answer lives in the database).
 */
export class RunJobProcessor {
  private readonly running = new Map<string, AbortController>();
  private readonly log: Logger;

  constructor(private readonly deps: RunJobProcessorDeps) {
    this.log = deps.logger.child({ module: 'run-job-processor' });
  }

  get activeRuns(): number {
    return this.running.size;
  }

  process = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const parsed = runJobSchema.safeParse(job.data);
    if (job.name !== RUN_JOB_NAME || !parsed.success) {
      throw new UnrecoverableError(`job ${job.id} is not a run job of schema v1`);
    }
    const { runId } = parsed.data;
    // Registered before the run is claimed, so an abort that arrives meanwhile is not lost.
    const controller = new AbortController();
    this.running.set(runId, controller);
    let writer: RunEventWriter | undefined;
    try {
      const { redis, keys } = this.deps;
      // A job started before (its worker died or stopped) continues its run's event numbering.
      const firstId = job.attemptsStarted > 1 || job.stalledCounter > 0 ? (await lastEventId(redis, keys, runId)) + 1 : 1;
      const transport = new RedisEventTransport(redis, keys, runId, {
        eventsMs: this.deps.eventsTtlMs,
        safetyMs: this.deps.predictionTimeoutMs + this.deps.eventsTtlMs,
      });
      writer = new RunEventWriter(transport, firstId, true, this.deps.tokenBatchMs);
      const report = await this.deps.executor.execute(runId, writer, controller.signal);
      // The run's last events leave now, and BullMQ's moveToFinished follows in the same write instead of
      // a round trip later. Their reply is not waited for: the run's end is already in the database,
      // from which readers rebuild it if these writes are lost.
      writer.flush().catch((error: unknown) => {
        this.log.warn({ runId, reason: (error as Error).message }, 'could not write the end of the run to Redis');
      });
      return { runId, status: report.status };
    } catch (error) {
      if (error instanceof RunRequeuedError && token) {
        this.log.info({ runId, jobId: job.id }, 'run handed back to the queue at shutdown');
        // Events still held (WORKER_TOKEN_BATCH_MS) or in flight are written before another worker can
        // take the run: written later, they would take ids the next attempt numbers from the stream.
        // Bounded: with Redis down the hand-back below cannot happen either.
        if (writer) await withDeadline(writer.flush(), 2000, 'writing the run\'s last events').catch(() => undefined);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw error;
    } finally {
      this.running.delete(runId);
    }
  };

  /** A server asked for this run to stop; only the worker holding it acts. */
  cancel(runId: string): void {
    const controller = this.running.get(runId);
    if (!controller) return;
    this.log.info({ runId }, 'aborting run on request');
    controller.abort(new RunAbortedError());
  }

  /** Shutdown deadline: stop every run here and hand it back to the queue. */
  requeueAll(): void {
    for (const controller of this.running.values()) controller.abort(new RunRequeuedError());
  }
}
