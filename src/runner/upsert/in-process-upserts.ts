import type { Logger } from '../../shared/logger.js';
import type { NewUpsertJob, UpsertJobRecord, UpsertRepository } from '../../storage/repositories/upsert-repository.js';
import type { UpsertExecutor } from './upsert-executor.js';
import type { UpsertRunner } from './upsert-runner.js';

/** Main mode: upserts run in this process, `concurrency` at a time, the rest waiting in order. */
export class InProcessUpserts implements UpsertRunner {
  private readonly waiting: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly repo: UpsertRepository,
    private readonly executor: UpsertExecutor,
    private readonly concurrency: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'upserts' });
  }

  async submit(request: NewUpsertJob): Promise<UpsertJobRecord> {
    const job = await this.repo.create(request);
    this.waiting.push(job.id);
    this.pump();
    return job;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const task = this.executor
        .execute(id, this.controller.signal)
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ err: error, upsertId: id }, 'upsert crashed'))
        .finally(() => {
          this.running.delete(task);
          this.pump();
        });
      this.running.add(task);
    }
  }

  async close(drainMs = 10000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const drained = Promise.all([...this.running]);
    const timer = setTimeout(() => this.controller.abort(), drainMs);
    await drained;
    clearTimeout(timer);
  }
}
