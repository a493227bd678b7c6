import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RUN_JOB_NAME, type RunJobData } from './queue/job-schema.js';
import { RedisEventTransport, lastEventId } from './queue/redis-event-transport.js';
import type { RunStreamKeys } from './queue/run-stream-keys.js';
import type { ReconcileHooks } from './reconciler.js';
import { withDeadline } from '../shared/with-deadline.js';
import { RunEventWriter } from './run-events.js';
import { UPSERT_JOB_NAME, type UpsertJobData } from './upsert/queue-upserts.js';

export interface QueueReconcileDeps {
  runs: Queue<RunJobData>;
  upserts: Queue<UpsertJobData>;
  redis: Redis;
  keys: RunStreamKeys;
  eventsTtlSeconds: number;
}

/** Redis answers within this or the pass gives up (the next pass tries again). */
const REDIS_DEADLINE_MS = 3000;

const ENDED_STATES = new Set(['completed', 'failed', 'unknown']);

/** True while BullMQ holds the job and will still run it (waiting, delayed, active): the reconciler leaves its row alone. */
async function live(queue: Queue, id: string): Promise<boolean> {
  const job = await withDeadline(queue.getJob(id), REDIS_DEADLINE_MS, 'job lookup');
  if (!job) return false;
  return !ENDED_STATES.has(await withDeadline(job.getState(), REDIS_DEADLINE_MS, 'job state'));
}

/**
 * Adds the job of a row still queued, under the row's id. A job of that id that BullMQ kept after it
 * ended (its attempts ran out before the row was taken) would make the add a no-op, so it goes first.
 */
async function enqueueAgain(queue: Queue, name: string, data: RunJobData | UpsertJobData, id: string): Promise<void> {
  const old = await withDeadline(queue.getJob(id), REDIS_DEADLINE_MS, 'job lookup');
  if (old && ENDED_STATES.has(await withDeadline(old.getState(), REDIS_DEADLINE_MS, 'job state'))) {
    await withDeadline(old.remove(), REDIS_DEADLINE_MS, 'remove job');
  }
  await withDeadline(queue.add(name, data, { jobId: id }), REDIS_DEADLINE_MS, 'enqueue');
}

/**
 * The reconciler's view of queue mode: a run or upsert is held while BullMQ has its job; one whose
 * job Redis lost is enqueued again under its row's id (BullMQ ignores an id it already holds, and the
 * row's claim fences attempts, so nothing runs twice); a run the reconciler failed gets `error` and
 * `end` on its stream, so readers attached on any replica end, and its waiting job is dropped.
 */
export function queueReconcileHooks(deps: QueueReconcileDeps): ReconcileHooks {
  return {
    holdsRun: (id) => live(deps.runs, id),
    resumeRun: (id) => enqueueAgain(deps.runs, RUN_JOB_NAME, { v: 1, runId: id }, id),
    holdsUpsert: (id) => live(deps.upserts, id),
    resumeUpsert: (id) => enqueueAgain(deps.upserts, UPSERT_JOB_NAME, { v: 1, upsertId: id }, id),
    async endRun(runId, message) {
      // An active job is locked by its worker and stays (the worker's own deadline ends it); a waiting one goes.
      await withDeadline(deps.runs.remove(runId), REDIS_DEADLINE_MS, 'remove job').catch(() => 0);
      const ttlMs = deps.eventsTtlSeconds * 1000;
      const next = (await lastEventId(deps.redis, deps.keys, runId)) + 1;
      const writer = new RunEventWriter(new RedisEventTransport(deps.redis, deps.keys, runId, { eventsMs: ttlMs, safetyMs: ttlMs }), next, false);
      writer.emit({ event: 'error', data: message, code: 'INTERNAL' });
      writer.emit({ event: 'end', data: '[DONE]' });
      await withDeadline(writer.flush(), REDIS_DEADLINE_MS, 'end stream');
    },
  };
}
