import { AppError } from '../../shared/app-error.js';
import type { NewUpsertJob, UpsertJobRecord, UpsertRepository } from '../../storage/repositories/upsert-repository.js';

/**
 * Runs vector upserts: in this process (main mode) or on workers through the `<QUEUE_NAME>-upsertion`
 * queue (queue mode), at most UPSERT_CONCURRENCY at once per process, so bulk indexing never takes the
 * capacity chat runs need. The job row is written before anything runs; callers wait on the row.
 */
export interface UpsertRunner {
  /** Stores the job and starts (or enqueues) it. */
  submit(job: NewUpsertJob): Promise<UpsertJobRecord>;
  /** Stops intake and waits up to `drainMs` for upserts running here. Idempotent. */
  close(drainMs?: number): Promise<void>;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Waits for a job to end by reading its row (upserts last seconds to minutes; a read every fraction of
 * a second costs nothing). Ends with 504 UPSERT_TIMEOUT after `timeoutMs`: the job goes on.
 */
export async function waitForUpsert(repo: UpsertRepository, id: string, timeoutMs: number, signal?: AbortSignal): Promise<UpsertJobRecord> {
  const deadline = Date.now() + timeoutMs;
  let pause = 50;
  for (;;) {
    const job = await repo.get(id);
    if (!job) throw new AppError('UPSERT_NOT_FOUND', 404, `Upsert ${id} not found`);
    // The light read while waiting; the documents once, at the end.
    if (TERMINAL.has(job.status)) return (await repo.get(id, { addedDocs: true })) ?? job;
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) {
      throw new AppError(
        'UPSERT_TIMEOUT',
        504,
        `Upsert ${id} is still ${job.status} after ${timeoutMs} ms (UPSERT_TIMEOUT); poll GET /api/v1/vector/upsert-jobs/${id} for its result`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, 500);
  }
}
