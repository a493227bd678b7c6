import { RunTimeoutError } from '../engine/errors.js';
import type { Repositories } from '../storage/repositories.js';
import type { RunRecord } from '../storage/repositories/run-repository.js';
import type { FlowRunner, RunOutcome } from './flow-runner.js';
import { outcomeFromEvents } from './outcome-from-events.js';

/** How long past its deadline a waiter gives the executor to report the timeout itself. */
const DEADLINE_GRACE_MS = 2000;

/**
 * Waits for a run's outcome through the runner's events, bounded by the run's deadline (creation +
 * PREDICTION_TIMEOUT): when nothing arrives by then (a dead worker, Redis down), the run is marked
 * failed in the database and the waiter gets a timeout instead of hanging.
 */
export async function awaitOutcome(
  runner: FlowRunner,
  repos: Repositories,
  predictionTimeoutMs: number,
  run: RunRecord,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const runId = run.id;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const wait = Date.parse(run.createdDate) + predictionTimeoutMs + DEADLINE_GRACE_MS - Date.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.max(0, wait));
  try {
    const outcome = await outcomeFromEvents(runner.events(runId, 0, { signal: controller.signal }));
    if (outcome) return outcome;
  } catch (error) {
    if (!timedOut) throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (timedOut) {
    const timeout = new RunTimeoutError(predictionTimeoutMs);
    await repos.runs.finish(runId, { status: 'failed', error: timeout.message, errorCode: timeout.code });
    return { status: 'failed', error: timeout.message, code: timeout.code };
  }
  return { status: 'failed', error: 'The run ended without a result', code: 'INTERNAL' };
}
