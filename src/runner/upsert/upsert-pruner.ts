import { errorMessage } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { UpsertRepository } from '../../storage/repositories/upsert-repository.js';

/** The most time between two prunes (a short TTL prunes at half its length, at least every second). */
const MAX_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Deletes finished upsert jobs (and the addedDocs they hold, megabytes for a large upsert) once they
 * ended more than UPSERT_JOB_TTL seconds ago; 0 keeps them. Runs in the server of either mode; two
 * replicas pruning at once delete the same rows, which is harmless.
 */
export class UpsertJobPruner {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly repo: UpsertRepository,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** Prunes now, then every half TTL (between 1 s and 10 min). */
  start(): void {
    if (this.ttlSeconds <= 0) return;
    const intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(1000, (this.ttlSeconds * 1000) / 2));
    const tick = () => {
      if (this.closed) return;
      this.pass = this.prune().finally(() => {
        this.pass = undefined;
        if (!this.closed) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    tick();
  }

  private async prune(): Promise<void> {
    try {
      const pruned = await this.repo.pruneFinished(new Date(Date.now() - this.ttlSeconds * 1000).toISOString());
      if (pruned > 0) this.logger.info({ pruned, ttlSeconds: this.ttlSeconds }, 'pruned finished upsert jobs');
    } catch (error) {
      this.logger.warn({ reason: errorMessage(error) }, 'could not prune finished upsert jobs');
    }
  }

  /** Stops pruning (waits for a prune in flight). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.pass;
  }
}
