import { randomUUID } from 'node:crypto';
import { errorMessage } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { Repositories } from '../storage/repositories.js';

/**
 * What the reconciler asks of the mode's runner: whether it still holds a piece of work (then it is
 * left alone), and how to start again work whose row is queued but that nothing holds any more. Main
 * mode answers from its in-process upsert queue; queue mode from BullMQ (reconciler-queue.ts).
 */
export interface ReconcileHooks {
  /** The upsert is waiting or running in the runner (main: this process; queue: a BullMQ job not yet ended). */
  holdsUpsert(id: string): Promise<boolean>;
  /** Starts (main) or enqueues again (queue; job id = row id, so never twice) a queued upsert nothing holds. */
  resumeUpsert(id: string): Promise<void>;
  /** Queue mode: the run has a BullMQ job not yet ended. Absent: runs are never queued (main mode). */
  holdsRun?(id: string): Promise<boolean>;
  resumeRun?(id: string): Promise<void>;
  /** Queue mode: ends the run's event stream with the failure (`error`, `end`) for readers attached to it, and drops its job. */
  endRun?(runId: string, message: string): Promise<void>;
}

export interface ReconcilerOptions {
  /** RECONCILE_INTERVAL: how often a pass runs; also the grace after a deadline and the heartbeat unit. */
  intervalMs: number;
  /** PREDICTION_TIMEOUT: a run still active this long (plus one interval) after it was created is ended. */
  predictionTimeoutMs: number;
}

export interface ReconcileReport {
  held: boolean;
  runsFailed: number;
  runsResumed: number;
  upsertsFailed: number;
  upsertsResumed: number;
}

const LEASE = 'reconciler';
/** Rows handled per kind and pass (the next pass takes the rest). */
const BATCH = 200;
/** A running upsert whose heartbeat is older than this many intervals lost its process. */
export const STALE_HEARTBEATS = 3;

/** How often an upsert's executor writes its heartbeat: a third of the interval, at least every 100 ms. */
export const heartbeatMs = (intervalMs: number) => Math.max(100, Math.floor(intervalMs / STALE_HEARTBEATS));

export const RUN_STOPPED = 'The run did not finish: the process running it stopped (it was still running past PREDICTION_TIMEOUT)';
export const RUN_NEVER_STARTED = 'The run did not start: nothing took it before PREDICTION_TIMEOUT';
export const UPSERT_STOPPED = 'The upsert did not finish: the process running it stopped (no sign of life from it)';

/**
 * Ends work a dead process left behind, in the server of either mode (one replica at a time, by a lease
 * row in the database):
 * - runs still queued or running past their deadline (created + PREDICTION_TIMEOUT + one interval) are
 *   failed with a reason (main-mode readers of a run this process does not hold poll its row and end
 *   with it; queue mode gets `error` and `end` on the run's Redis stream);
 * - running upserts whose heartbeat stopped (STALE_HEARTBEATS intervals) and that the runner does not
 *   hold (BullMQ would retry those) are failed;
 * - queued runs and upserts that nothing holds (Redis lost their jobs; a main-mode server restarted) are
 *   started again, with their row's id as job id.
 * The engine knows nothing of this: the runner layer reads the rows and asks the mode's runner (hooks).
 */
export class Reconciler {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<ReconcileReport> | undefined;
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly repos: Repositories,
    private readonly hooks: ReconcileHooks,
    private readonly options: ReconcilerOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'reconciler' });
  }

  /** Runs a pass now and then every interval. */
  start(): void {
    const tick = () => {
      if (this.closed) return;
      void this.runOnce().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.options.intervalMs).unref();
      });
    };
    tick();
  }

  /** One pass (a pass already running is joined, not doubled). */
  runOnce(): Promise<ReconcileReport> {
    this.pass ??= this.reconcile()
      .catch((error: unknown) => {
        this.log.warn({ reason: errorMessage(error) }, 'reconcile pass failed');
        return { held: false, runsFailed: 0, runsResumed: 0, upsertsFailed: 0, upsertsResumed: 0 };
      })
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }

  private async reconcile(): Promise<ReconcileReport> {
    const { intervalMs } = this.options;
    const report: ReconcileReport = { held: false, runsFailed: 0, runsResumed: 0, upsertsFailed: 0, upsertsResumed: 0 };
    if (!(await this.repos.reconcile.acquireLease(LEASE, this.holder, intervalMs * STALE_HEARTBEATS))) return report;
    report.held = true;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();

    const deadline = iso(now - this.options.predictionTimeoutMs - intervalMs);
    for (const { id: runId, status } of await this.repos.reconcile.activeRunsBefore(deadline, BATCH)) {
      const error = status === 'queued' ? RUN_NEVER_STARTED : RUN_STOPPED;
      if (await this.repos.runs.finish(runId, { status: 'failed', error, errorCode: 'INTERNAL' })) {
        report.runsFailed += 1;
        await this.hooks.endRun?.(runId, error).catch((cause: unknown) => this.log.warn({ runId, reason: errorMessage(cause) }, 'could not end the run stream'));
      }
    }
    if (this.hooks.holdsRun && this.hooks.resumeRun) {
      for (const id of await this.repos.reconcile.queuedRunsBetween(deadline, iso(now - intervalMs), BATCH)) {
        if (await this.hooks.holdsRun(id)) continue;
        await this.hooks.resumeRun(id);
        report.runsResumed += 1;
      }
    }

    for (const job of await this.repos.reconcile.staleUpserts(iso(now - intervalMs * STALE_HEARTBEATS), BATCH)) {
      if (await this.hooks.holdsUpsert(job.id)) continue;
      const failed = await this.repos.upserts.finish(job.id, job.attempt, { status: 'failed', error: UPSERT_STOPPED, errorCode: 'INTERNAL' });
      if (failed) report.upsertsFailed += 1;
    }
    for (const id of await this.repos.reconcile.queuedUpsertsBefore(iso(now - intervalMs), BATCH)) {
      if (await this.hooks.holdsUpsert(id)) continue;
      await this.hooks.resumeUpsert(id);
      report.upsertsResumed += 1;
    }

    if (report.runsFailed + report.runsResumed + report.upsertsFailed + report.upsertsResumed > 0) {
      this.log.info(report, 'reconciled interrupted work');
    }
    return report;
  }

  /** Stops the passes (waits for one in flight) and gives the lease up. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.pass;
    await this.repos.reconcile.releaseLease(LEASE, this.holder).catch(() => undefined);
  }
}
