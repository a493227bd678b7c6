import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Repositories } from '../../storage/repositories.js';
import { ACTIVE_STATUSES, type RunRecord } from '../../storage/repositories/run-repository.js';
import { awaitOutcome } from '../await-outcome.js';
import { eventsFromRecord } from '../events-from-record.js';
import { type EventReadOptions, type FlowRunner, type RunOutcome, type StartRunRequest, type StartedRun, newRun } from '../flow-runner.js';
import { RunEventWriter, type StoredEvent } from '../run-events.js';
import { RUN_JOB_NAME, type RunJobData } from './job-schema.js';
import { RedisEventTransport, lastEventId, readStream } from './redis-event-transport.js';
import type { RunEventHub } from './run-event-hub.js';
import { RunEventReader } from './run-event-reader.js';
import type { RunStreamKeys } from './run-stream-keys.js';
import { withDeadline } from '../../shared/with-deadline.js';

export interface QueueRunnerDeps {
  repos: Repositories;
  queue: Queue<RunJobData>;
  /** Fail-fast command connection (shared with the Queue). */
  redis: Redis;
  hub: RunEventHub;
  keys: RunStreamKeys;
  options: { predictionTimeoutMs: number; streamDetachGraceMs: number; eventsTtlSeconds: number };
  logger: Logger;
}

/** A reader not taken within this time (its request died before reading) is closed. */
const WATCH_PICKUP_MS = 30000;

const unavailable = (cause?: unknown) =>
  new AppError('QUEUE_UNAVAILABLE', 503, 'The queue is unavailable (Redis is not reachable); try again shortly', { cause });

/**
 * Queue mode, server side: stores the run, enqueues `{v, runId}` for a worker, and relays the run's
 * events from Redis. It never runs a flow.
 */
export class QueueRunner implements FlowRunner {
  /** Readers subscribed by `start` before enqueueing, waiting for the request that started them. */
  private readonly watches = new Map<string, RunEventReader>();
  private readonly localReaders = new Map<string, number>();
  private readonly active = new Set<RunEventReader>();
  private readonly closing = new AbortController();
  private readonly log: Logger;

  constructor(private readonly deps: QueueRunnerDeps) {
    this.log = deps.logger.child({ module: 'queue-runner' });
    // Every waiting reader listens on this signal; thousands at once are expected.
    setMaxListeners(0, this.closing.signal);
  }

  private assertAvailable(): void {
    if (this.closing.signal.aborted) throw new AppError('SHUTTING_DOWN', 503, 'The server is shutting down');
    if (this.deps.redis.status !== 'ready') throw unavailable();
  }

  async start(request: StartRunRequest): Promise<StartedRun> {
    this.assertAvailable();
    const { repos, queue, hub } = this.deps;
    const runId = randomUUID();
    // Subscribe while the row is written (both before the job exists, so not even the fastest
    // worker's first event is missed); a JSON or streaming caller reads this run's events next.
    const subscribing = request.watch ? withDeadline(RunEventReader.open(hub, runId, 0), 3000, 'subscribe') : undefined;
    subscribing?.catch(() => undefined);
    const started = await repos.runs
      .create(newRun(request, runId))
      .catch(async (error: unknown) => {
        await subscribing?.then((reader) => reader.close()).catch(() => undefined);
        throw error;
      });
    if (!started.created) {
      await subscribing?.then((reader) => reader.close()).catch(() => undefined);
      return started;
    }
    let reader: RunEventReader | undefined;
    try {
      if (subscribing) {
        reader = await subscribing;
        this.watches.set(runId, reader);
        const unclaimed = reader;
        setTimeout(() => {
          if (this.watches.get(runId) === unclaimed) {
            this.watches.delete(runId);
            void unclaimed.close();
          }
        }, WATCH_PICKUP_MS).unref();
      }
      await withDeadline(queue.add(RUN_JOB_NAME, { v: 1, runId }, { jobId: runId }), 3000, 'enqueue');
    } catch (error) {
      this.watches.delete(runId);
      await reader?.close().catch(() => undefined);
      this.log.warn({ runId, reason: (error as Error).message }, 'could not enqueue run');
      await repos.runs.finish(runId, { status: 'failed', error: 'Could not queue the run: Redis is unavailable', errorCode: 'QUEUE_UNAVAILABLE' });
      throw unavailable(error);
    }
    return started;
  }

  async *events(runId: string, afterId: number, options: EventReadOptions = {}): AsyncIterable<StoredEvent> {
    const { redis, keys } = this.deps;
    const watched = afterId === 0 ? this.watches.get(runId) : undefined;
    if (watched) this.watches.delete(runId);
    const reader = watched ?? (await withDeadline(RunEventReader.open(this.deps.hub, runId, afterId), 3000, 'subscribe'));
    const countRemotely = !watched && options.detachAbort === true;
    this.active.add(reader);
    reader.stopOn(options.signal, this.closing.signal);
    this.localReaders.set(runId, (this.localReaders.get(runId) ?? 0) + 1);
    if (countRemotely) await this.countRemoteReader(runId, 1);
    let sawEnd = false;
    try {
      // A reader that did not subscribe before the run was queued reads what the stream already holds.
      let backfill = !watched;
      let acceptHole = false;
      for (;;) {
        if (backfill || reader.gapSuspected) {
          backfill = false;
          reader.gapSuspected = false;
          const stored = await readStream(redis, keys, runId);
          reader.merge(stored);
          acceptHole = true;
          if (stored.length === 0 && !reader.hasPending) {
            const run = await this.deps.repos.runs.get(runId);
            if (!run) return;
            if (!ACTIVE_STATUSES.includes(run.status)) {
              // Its events expired: rebuild the end of the run from the database.
              for (const event of eventsFromRecord(run)) if (event.id > reader.lastId) yield event;
              sawEnd = true;
              return;
            }
          }
        }
        const { events, hole } = reader.take(acceptHole);
        if (events.length > 0) acceptHole = false;
        for (const event of events) {
          yield event;
          if (event.name === 'end') {
            sawEnd = true;
            return;
          }
        }
        if (hole) {
          backfill = true;
          continue;
        }
        if (reader.pastEnd) return;
        if (options.signal?.aborted || this.closing.signal.aborted) return;
        await reader.wait();
      }
    } finally {
      this.active.delete(reader);
      const left = (this.localReaders.get(runId) ?? 1) - 1;
      if (left > 0) this.localReaders.set(runId, left);
      else this.localReaders.delete(runId);
      await reader.close().catch(() => undefined);
      if (countRemotely) await this.countRemoteReader(runId, -1);
      if (options.detachAbort && !sawEnd && !this.closing.signal.aborted) this.scheduleDetachCheck(runId);
    }
  }

  /** Readers that reattached through /runs/:id/events, counted in Redis so every replica sees them. */
  private async countRemoteReader(runId: string, delta: 1 | -1): Promise<void> {
    const key = this.deps.keys.readers(runId);
    try {
      const { redis } = this.deps;
      await Promise.all([redis.incrby(key, delta), redis.pexpire(key, this.deps.options.predictionTimeoutMs)]);
    } catch {
      // Without Redis the detach check errs on the side of keeping the run.
    }
  }

  private scheduleDetachCheck(runId: string): void {
    const timer = setTimeout(() => {
      void (async () => {
        if ((this.localReaders.get(runId) ?? 0) > 0) return;
        const remote = Number((await this.deps.redis.get(this.deps.keys.readers(runId)).catch(() => '1')) ?? 0);
        if (remote > 0) return;
        const run = await this.deps.repos.runs.get(runId);
        if (!run || !ACTIVE_STATUSES.includes(run.status)) return;
        this.log.info({ runId }, 'streaming client gone past the grace period: aborting run');
        await this.abort(runId);
      })().catch((error: unknown) => this.log.warn({ runId, reason: (error as Error).message }, 'detach check failed'));
    }, this.deps.options.streamDetachGraceMs);
    timer.unref();
  }

  outcome(run: RunRecord, signal?: AbortSignal): Promise<RunOutcome> {
    return awaitOutcome(this, this.deps.repos, this.deps.options.predictionTimeoutMs, run, signal);
  }

  /**
   * A waiting run is removed and never runs (its stream gets `abort`, `end`); a running one is marked
   * in the database and its worker, whichever holds it, is told to abort.
   */
  async abort(runId: string): Promise<boolean> {
    const { repos, redis, keys, queue } = this.deps;
    if (await repos.runs.abortQueued(runId)) {
      await queue.remove(runId).catch(() => 0);
      try {
        const next = (await lastEventId(redis, keys, runId)) + 1;
        const writer = new RunEventWriter(
          new RedisEventTransport(redis, keys, runId, {
            eventsMs: this.deps.options.eventsTtlSeconds * 1000,
            safetyMs: this.deps.options.eventsTtlSeconds * 1000,
          }),
          next,
          false,
        );
        writer.emit({ event: 'abort', data: '[DONE]' });
        writer.emit({ event: 'end', data: '[DONE]' });
        await writer.flush();
      } catch (error) {
        this.log.warn({ runId, reason: (error as Error).message }, 'could not write the abort of a queued run');
      }
      return true;
    }
    if (await repos.runs.requestCancel(runId)) {
      await redis.publish(keys.cancelChannel, runId).catch((error: unknown) => {
        this.log.warn({ runId, reason: (error as Error).message }, 'could not tell workers to abort');
      });
      return true;
    }
    return false;
  }

  async ping(): Promise<void> {
    await withDeadline(this.deps.redis.ping(), 2000, 'ping');
  }

  /** Lets relays finish for up to `drainMs` (workers keep running their runs), then ends them. */
  async close(drainMs = 10000): Promise<void> {
    if (this.closing.signal.aborted) return;
    const deadline = Date.now() + drainMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    this.closing.abort();
    for (const reader of this.watches.values()) await reader.close().catch(() => undefined);
    this.watches.clear();
    await this.deps.queue.close().catch(() => undefined);
  }
}
