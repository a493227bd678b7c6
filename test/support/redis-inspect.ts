import { Redis } from 'ioredis';

/** A plain client for looking inside the test Redis (not one of the product's connections). */
export function inspectRedis(url: string): Redis {
  return new Redis(url, { connectionName: 'test-inspector', maxRetriesPerRequest: 1 });
}

/** Clients connected to Redis, by name (the product names its connections `aimicromind:<role>:<pid>`). */
export async function clientNames(redis: Redis): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter(Boolean)
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name !== 'test-inspector');
}

/** Every key under a prefix with its whole content as text (strings, hashes, lists, sets, zsets, streams). */
export async function dumpKeys(redis: Redis, pattern: string): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let content: unknown;
      if (type === 'string') content = await redis.get(key);
      else if (type === 'hash') content = await redis.hgetall(key);
      else if (type === 'list') content = await redis.lrange(key, 0, -1);
      else if (type === 'set') content = await redis.smembers(key);
      else if (type === 'zset') content = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') content = await redis.xrange(key, '-', '+');
      dump.set(key, JSON.stringify(content));
    }
  } while (cursor !== '0');
  return dump;
}
