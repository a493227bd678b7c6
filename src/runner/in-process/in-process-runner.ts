import { setTimeout as sleep } from 'node:timers/promises';
import { RunAbortedError } from '../../engine/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Repositories } from '../../storage/repositories.js';
import { ACTIVE_STATUSES, type RunRecord } from '../../storage/repositories/run-repository.js';
import { awaitOutcome } from '../await-outcome.js';
import { eventsFromRecord } from '../events-from-record.js';
import { type EventReadOptions, type FlowRunner, type RunOutcome, type StartRunRequest, type StartedRun, newRun } from '../flow-runner.js';
import type { RunExecutor } from '../run-executor.js';
import { RunEventWriter, type StoredEvent } from '../run-events.js';
import { LiveRun } from './live-run.js';

export interface InProcessRunnerOptions {
  predictionTimeoutMs: number;
  streamDetachGraceMs: number;
  eventsTtlSeconds: number;
  /** Finished runs whose events stay replayable in memory, at most. */
  maxRetainedRuns?: number;
}

/** How often a reader of a run this process does not hold checks the database for its end. */
const FOREIGN_RUN_POLL_MS = 500;

/** Main mode: runs execute in this process; their events live in bounded in-memory buffers. */
export class InProcessRunner implements FlowRunner {
  private readonly live = new Map<string, LiveRun>();
  private readonly running = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly repos: Repositories,
    private readonly executor: RunExecutor,
    private readonly options: InProcessRunnerOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'in-process-runner' });
    this.sweeper = setInterval(() => this.sweep(), 30000);
    this.sweeper.unref();
  }

  async start(request: StartRunRequest): Promise<StartedRun> {
    // Stored already running: this process runs it at once, so no separate claim is needed.
    const started = await this.repos.runs.create(newRun(request), { claimed: true });
    if (!started.created) return started;
    const live = new LiveRun(started.run.id, request.detachable);
    this.live.set(live.runId, live);
    const execution = this.execute(live, started.run).finally(() => this.running.delete(execution));
    this.running.add(execution);
    return started;
  }

  private async execute(live: LiveRun, run: RunRecord): Promise<void> {
    const writer = new RunEventWriter({ write: (batch) => live.push(batch) }, 1, false);
    try {
      const report = await this.executor.execute(live.runId, writer, live.controller.signal, run);
      if (report.status === 'skipped') live.push(eventsFromRecord((await this.repos.runs.get(live.runId))!));
      if (this.live.size > this.retainCap) this.evictOldest();
    } catch (error) {
      this.log.error({ err: error, runId: live.runId }, 'run could not be finished');
      writer.emit({ event: 'error', data: 'Internal error while finishing the run', code: 'INTERNAL' });
      writer.emit({ event: 'end', data: '[DONE]' });
    }
  }

  async *events(runId: string, afterId: number, options: EventReadOptions = {}): AsyncIterable<StoredEvent> {
    const live = this.live.get(runId);
    if (!live) {
      yield* this.foreignEvents(runId, afterId, options.signal);
      return;
    }
    live.readers += 1;
    let index = live.indexAfter(afterId);
    try {
      for (;;) {
        while (index < live.events.length) {
          const event = live.events[index++]!;
          yield event;
          if (event.name === 'end') return;
        }
        if (live.finished || options.signal?.aborted) return;
        await live.nextChange(options.signal);
      }
    } finally {
      live.readers -= 1;
      if (options.detachAbort && !live.finished && live.detachable) this.scheduleDetachCheck(live);
    }
  }

  /** A run this process does not hold: replay it from the database once it has ended. */
  private async *foreignEvents(runId: string, afterId: number, signal?: AbortSignal): AsyncIterable<StoredEvent> {
    for (;;) {
      const run = await this.repos.runs.get(runId);
      if (!run) return;
      if (!ACTIVE_STATUSES.includes(run.status)) {
        yield* eventsFromRecord(run).filter((event) => event.id > afterId);
        return;
      }
      if (signal?.aborted) return;
      await sleep(FOREIGN_RUN_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  private scheduleDetachCheck(live: LiveRun): void {
    const timer = setTimeout(() => {
      if (live.readers === 0 && !live.finished) {
        this.log.info({ runId: live.runId }, 'streaming client gone past the grace period: aborting run');
        live.controller.abort(new RunAbortedError('Run aborted: the streaming client disconnected'));
      }
    }, this.options.streamDetachGraceMs);
    timer.unref();
  }

  outcome(run: RunRecord, signal?: AbortSignal): Promise<RunOutcome> {
    return awaitOutcome(this, this.repos, this.options.predictionTimeoutMs, run, signal);
  }

  async abort(runId: string): Promise<boolean> {
    const live = this.live.get(runId);
    if (live && !live.finished) {
      live.controller.abort(new RunAbortedError());
      return true;
    }
    return this.repos.runs.abortQueued(runId);
  }

  async ping(): Promise<void> {}

  private get retainCap(): number {
    return this.options.maxRetainedRuns ?? 10000;
  }

  /** Drops finished runs past RUN_EVENTS_TTL (every 30 s). */
  private sweep(): void {
    const expiry = Date.now() - this.options.eventsTtlSeconds * 1000;
    for (const [runId, live] of this.live) if (live.finished && live.finishedAt < expiry) this.live.delete(runId);
  }

  /**
   * Over the retention cap: drops the oldest finished runs (the map keeps insertion order) down to 90%
   * of the cap, so the cost is paid once per tenth of the cap rather than on every run.
   */
  private evictOldest(): void {
    const target = Math.floor(this.retainCap * 0.9);
    for (const [runId, live] of this.live) {
      if (this.live.size <= target) break;
      if (live.finished) this.live.delete(runId);
    }
  }

  /** Lets in-flight runs finish for up to `drainMs`, then aborts the rest (their rows record it). */
  async close(drainMs = 10000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    const drained = Promise.allSettled([...this.running]);
    const timer = setTimeout(() => {
      for (const live of this.live.values()) {
        if (!live.finished) live.controller.abort(new RunAbortedError('Run aborted: the server is shutting down'));
      }
    }, drainMs);
    await drained;
    clearTimeout(timer);
  }
}
