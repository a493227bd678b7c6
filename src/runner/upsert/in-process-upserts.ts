import type { Logger } from '../../shared/logger.js';
import type { NewUpsertJob, UpsertJobRecord, UpsertRepository } from '../../storage/repositories/upsert-repository.js';
import type { UpsertExecutor } from './upsert-executor.js';
import type { UpsertRunner } from './upsert-runner.js';

/** Main mode: upserts run in this process, `concurrency` at a time, the rest waiting in order. */
export class InProcessUpserts implements UpsertRunner {
  private readonly waiting: string[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Ids waiting or running here (the reconciler leaves them alone). */
  private readonly held = new Set<string>();
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
    this.resume(job.id);
    return job;
  }

  /** True while the upsert waits or runs in this process. */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Queues a stored upsert (a new one, or one a stopped process left queued); one already held is ignored. */
  resume(id: string): void {
    if (this.closed || this.held.has(id)) return;
    this.held.add(id);
    this.waiting.push(id);
    this.pump();
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
          this.held.delete(id);
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
