import { type Command, Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../../config/app-config.js';
import type { Logger } from '../../shared/logger.js';

export type RedisRole =
  /** Server-side commands: fail at once while Redis is down, so requests get a 503 instead of hanging. */
  | 'fail-fast'
  /** Workers and subscribers: queue commands while reconnecting (BullMQ requires this for workers). */
  | 'patient';

/**
 * An ioredis client that sends every command issued in one event-loop turn in one socket write: the
 * socket is corked at the turn's first command and uncorked in the check phase (setImmediate), so Node
 * writes the turn's commands with one writev. This is what ioredis' `enableAutoPipelining` does, without
 * its cost: auto-pipelining builds a Pipeline per turn, and a Pipeline copies every Lua script defined on
 * the connection (BullMQ defines about 65), measured at about 55 µs per turn against 4 µs without them,
 * paid for every step of every job and every batch of streamed tokens. Replies still resolve each
 * command on its own, in order.
 */
export class CoalescingRedis extends Redis {
  /** The socket held corked until the check phase (a reconnect brings a new one). */
  private corked: Redis['stream'] | undefined;
  /** Holds taken so far; only the latest one's immediate uncorks, after deferring an earlier one once. */
  private holds = 0;
  private deferred = false;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    // Commands of an explicit pipeline (`stream` set) are written by the pipeline itself.
    if (!stream && this.corked !== this.stream) this.holdWritesForThisTurn();
    return super.sendCommand(command, stream);
  }

  /**
   * Holds this connection's writes until this turn's check phase. A command issued from a setImmediate
   * callback would otherwise leave a turn later: a caller about to write from one (queued before this
   * call) holds the connection first, and the uncork then runs after that callback. A later hold
   * defers an earlier one's uncork, but only once, so writes are never held past a second check phase.
   */
  holdWritesForThisTurn(): void {
    const socket = this.stream;
    if (this.status !== 'ready' || !socket?.writable) return;
    if (this.corked !== socket) {
      socket.cork();
      this.corked = socket;
      this.deferred = false;
    }
    const hold = ++this.holds;
    setImmediate(() => {
      if (this.corked !== socket) return;
      if (hold !== this.holds && !this.deferred) {
        this.deferred = true;
        return;
      }
      this.corked = undefined;
      socket.uncork();
    });
  }
}

/**
 * One Redis connection from REDIS_URL or the REDIS_* variables, with TCP keep-alive and automatic
 * reconnection (back-off capped at 2 s). Errors are logged once per outage, not once per retry.
 */
export function createRedis(config: RedisConfig, role: RedisRole, logger: Logger, name: string): Redis {
  const tls =
    config.tls || config.url?.startsWith('rediss://')
      ? { ...(config.cert ? { cert: config.cert } : {}), ...(config.key ? { key: config.key } : {}), ...(config.ca ? { ca: config.ca } : {}) }
      : undefined;
  const options: RedisOptions = {
    connectionName: `aimicromind:${name}:${process.pid}`,
    keepAlive: config.keepAliveMs,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    enableOfflineQueue: role === 'patient',
    // Commands issued in the same event-loop turn (many runs at once) go out in one write: see
    // CoalescingRedis, which does it without ioredis' auto-pipelining.
    enableAutoPipelining: false,
    maxRetriesPerRequest: role === 'patient' ? null : 1,
    ...(tls ? { tls } : {}),
  };
  const redis = config.url
    ? new CoalescingRedis(config.url, options)
    : new CoalescingRedis({
        ...options,
        host: config.host,
        port: config.port,
        ...(config.username ? { username: config.username } : {}),
        ...(config.password ? { password: config.password } : {}),
      });
  const log = logger.child({ module: 'redis', connection: name });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ reason: error.message }, 'Redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('Redis connection restored');
    down = false;
  });
  return redis;
}

/** Closes a connection, waiting at most `ms` for a polite QUIT. */
export async function closeRedis(redis: Redis, ms = 2000): Promise<void> {
  if (redis.status === 'end') return;
  const timer = setTimeout(() => redis.disconnect(), ms);
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits (at most `ms`) for a connection to be ready, so a freshly started server does not answer its
 * first requests with 503 while Redis is merely still connecting. False when Redis did not answer.
 */
export async function waitUntilReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}
