import type { Redis } from 'ioredis';
import type { RunEventTransport, StoredEvent } from '../run-events.js';
import { decodeEntries, encodeBatch } from './event-batch.js';
import type { RunStreamKeys } from './run-stream-keys.js';

/** Entries one run's stream keeps at most (the same bound as the in-process buffer). */
export const RUN_STREAM_MAX_LEN = 20000;

/**
 * Writes a run's event batches to its Redis stream (ordered, replayable) and publishes each batch on
 * the run's channel (live readers). The stream expires: after the terminal event in RUN_EVENTS_TTL,
 * and from the first batch on in case no one ever ends the run.
 *
 * Only streaming runs keep a stream: a JSON run's events are its result, metadata and end, which the
 * database already holds (readers rebuild them from the run row), so publishing is enough.
 */
export class RedisEventTransport implements RunEventTransport {
  private first = true;
  private persist = true;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RunStreamKeys,
    private readonly runId: string,
    private readonly ttl: { eventsMs: number; safetyMs: number },
  ) {}

  describeRun(run: { streaming: boolean }): void {
    this.persist = run.streaming;
  }

  async write(events: StoredEvent[]): Promise<void> {
    const payload = encodeBatch(events);
    if (!this.persist) {
      await this.redis.publish(this.keys.channel(this.runId), payload);
      return;
    }
    const stream = this.keys.stream(this.runId);
    const terminal = events.some((e) => e.name === 'end');
    const pipeline = this.redis.pipeline();
    pipeline.xadd(stream, 'MAXLEN', '~', RUN_STREAM_MAX_LEN, '*', 'd', payload);
    pipeline.publish(this.keys.channel(this.runId), payload);
    if (terminal) pipeline.pexpire(stream, this.ttl.eventsMs);
    else if (this.first) pipeline.pexpire(stream, this.ttl.safetyMs);
    this.first = false;
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}

/** The id of the last event a run's stream holds (0 when it has none): a taken-over run continues after it. */
export async function lastEventId(redis: Redis, keys: RunStreamKeys, runId: string): Promise<number> {
  const entries = (await redis.xrevrange(keys.stream(runId), '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  const events = decodeEntries(entries);
  return events.at(-1)?.id ?? 0;
}

/** Every event a run's stream holds, oldest first. */
export async function readStream(redis: Redis, keys: RunStreamKeys, runId: string): Promise<StoredEvent[]> {
  const entries = (await redis.xrange(keys.stream(runId), '-', '+')) as Array<[string, string[]]>;
  return decodeEntries(entries);
}
