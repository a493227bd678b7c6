import type { Redis } from 'ioredis';
import type { RunEventTransport, StoredEvent } from '../run-events.js';
import { decodeEntries, encodeBatch } from './event-batch.js';
import { CoalescingRedis } from './redis-connection.js';
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

  /** The batch is written from a setImmediate callback: held so, it leaves in this turn's check phase. */
  writeScheduled(): void {
    if (this.redis instanceof CoalescingRedis) this.redis.holdWritesForThisTurn();
  }

  async write(events: StoredEvent[]): Promise<void> {
    const payload = encodeBatch(events);
    const channel = this.keys.channel(this.runId);
    if (!this.persist) {
      await this.redis.publish(channel, payload);
      return;
    }
    // Plain commands issued together: the connection sends them in one write (see CoalescingRedis),
    // and Redis runs them in this order, so a reader that sees the message finds the entry stored.
    const stream = this.keys.stream(this.runId);
    const terminal = events.some((e) => e.name === 'end');
    const written: Array<Promise<unknown>> = [
      this.redis.xadd(stream, 'MAXLEN', '~', RUN_STREAM_MAX_LEN, '*', 'd', payload),
      this.redis.publish(channel, payload),
    ];
    if (terminal) written.push(this.redis.pexpire(stream, this.ttl.eventsMs));
    else if (this.first) written.push(this.redis.pexpire(stream, this.ttl.safetyMs));
    this.first = false;
    await Promise.all(written);
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
