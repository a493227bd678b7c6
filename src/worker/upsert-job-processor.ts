import { type Job, UnrecoverableError } from 'bullmq';
import { UPSERT_JOB_NAME, type UpsertJobData, upsertJobSchema } from '../runner/upsert/queue-upserts.js';
import type { UpsertExecutor } from '../runner/upsert/upsert-executor.js';

/** What a worker does with an upsertion job: run the upsert the row names; the result stays in the database. */
export class UpsertJobProcessor {
  private readonly controller = new AbortController();
  private active = 0;

  constructor(private readonly executor: UpsertExecutor) {}

  get activeUpserts(): number {
    return this.active;
  }

  process = async (job: Job<UpsertJobData>): Promise<{ upsertId: string; status: string }> => {
    const parsed = upsertJobSchema.safeParse(job.data);
    if (job.name !== UPSERT_JOB_NAME || !parsed.success) throw new UnrecoverableError(`job ${job.id} is not an upsert job of schema v1`);
    this.active += 1;
    try {
      const status = await this.executor.execute(parsed.data.upsertId, this.controller.signal);
      return { upsertId: parsed.data.upsertId, status };
    } finally {
      this.active -= 1;
    }
  };

  /** Shutdown deadline: stop the upserts here; the queue gives them to another worker (retries add no duplicates). */
  abortAll(): void {
    this.controller.abort();
  }
}
