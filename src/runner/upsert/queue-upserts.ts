import type { Queue } from 'bullmq';
import { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import { withDeadline } from '../../shared/with-deadline.js';
import type { NewUpsertJob, UpsertJobRecord, UpsertRepository } from '../../storage/repositories/upsert-repository.js';
import type { UpsertRunner } from './upsert-runner.js';

/** An upsertion job holds ids only: the request, its overrides and its files stay in the database. */
export const upsertJobSchema = z.object({ v: z.literal(1), upsertId: z.string().min(1).max(100) });
export type UpsertJobData = z.infer<typeof upsertJobSchema>;
export const UPSERT_JOB_NAME = 'upsert';

/** The queue upserts go to: their own, so workers run them with their own concurrency. */
export const upsertQueueName = (queueName: string) => `${queueName}-upsertion`;

/** Queue mode, server side: writes the job row, then enqueues `{v, upsertId}` for a worker. */
export class QueueUpserts implements UpsertRunner {
  private closed = false;

  constructor(
    private readonly repo: UpsertRepository,
    private readonly queue: Queue<UpsertJobData>,
  ) {}

  async submit(request: NewUpsertJob): Promise<UpsertJobRecord> {
    if (this.closed) throw new AppError('SHUTTING_DOWN', 503, 'The server is shutting down');
    const job = await this.repo.create(request);
    try {
      await withDeadline(this.queue.add(UPSERT_JOB_NAME, { v: 1, upsertId: job.id }, { jobId: job.id }), 3000, 'enqueue');
    } catch (error) {
      await this.repo.finish(job.id, undefined, { status: 'failed', error: 'Could not queue the upsert: Redis is unavailable', errorCode: 'QUEUE_UNAVAILABLE' });
      throw new AppError('QUEUE_UNAVAILABLE', 503, 'The queue is unavailable (Redis is not reachable); try again shortly', { cause: error });
    }
    return job;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.close().catch(() => undefined);
  }
}
