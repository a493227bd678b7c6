import type { Redis } from 'ioredis';
import { AppError } from '../../shared/app-error.js';
import type { RateLimitHit, RateLimitStore } from '../../shared/rate-limit-store.js';

/**
 * One atomic step per request: count it, start the window's expiry on the first one (or if a key ever
 * lost it), and return the count and the time left. A fixed window per key, as the in-process store.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

const unavailable = (cause: unknown) =>
  new AppError('QUEUE_UNAVAILABLE', 503, 'The queue is unavailable (Redis is not reachable); try again shortly', { cause });

type ScriptedRedis = Redis & { aimicromindRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/** Queue mode: counts in Redis under `aimicromind:<queue>:ratelimit:`, shared by every server replica. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('aimicromindRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    try {
      const [count, resetMs] = await this.redis.aimicromindRateLimitHit(`${this.prefix}${key}`, windowMs);
      return { count, resetMs };
    } catch (cause) {
      throw unavailable(cause);
    }
  }

  async peek(key: string): Promise<RateLimitHit | undefined> {
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await this.redis.multi().get(`${this.prefix}${key}`).pttl(`${this.prefix}${key}`).exec();
    } catch (cause) {
      throw unavailable(cause);
    }
    const count = Number(replies?.[0]?.[1] ?? 0);
    const resetMs = Number(replies?.[1]?.[1] ?? -2);
    return count > 0 && resetMs > 0 ? { count, resetMs } : undefined;
  }
}
