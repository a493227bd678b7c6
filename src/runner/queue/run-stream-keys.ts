/**
 * Redis names of one run's event stream and live channel. They carry the queue name, so several
 * deployments can share a Redis without seeing each other's runs.
 */
export class RunStreamKeys {
  constructor(private readonly queueName: string) {}

  stream(runId: string): string {
    return `aimicromind:${this.queueName}:run:${runId}:events`;
  }

  channel(runId: string): string {
    return `aimicromind:${this.queueName}:run:${runId}`;
  }

  /** Prefix of every run channel, to recover the run id from a message's channel. */
  get channelPrefix(): string {
    return `aimicromind:${this.queueName}:run:`;
  }

  /** Readers attached through `GET /runs/:id/events`, counted across server replicas. */
  readers(runId: string): string {
    return `aimicromind:${this.queueName}:run:${runId}:readers`;
  }

  /** Prefix of the per-chatflow rate-limit counters (apiConfig.rateLimit), shared by server replicas. */
  get rateLimitPrefix(): string {
    return `aimicromind:${this.queueName}:ratelimit:`;
  }

  /** Where servers tell workers to abort a run they hold. */
  get cancelChannel(): string {
    return `aimicromind:${this.queueName}:cancel`;
  }
}
