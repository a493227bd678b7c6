import type { Redis } from 'ioredis';

export interface CommandStats {
  calls: number;
  usec: number;
  /** used_cpu_user + used_cpu_sys of the Redis process, in µs (INFO cpu). */
  cpuUsec: number;
  byCommand: Record<string, number>;
}

/** Our own inspection commands, which must not count against the product. */
const IGNORED = new Set(['info', 'client', 'ping', 'config', 'hello', 'select']);

/** INFO commandstats: calls and CPU µs per command (commands inside Lua scripts included). */
export async function commandStats(redis: Redis): Promise<CommandStats> {
  const text = await redis.info('commandstats');
  const cpu = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const stats: CommandStats = { calls: 0, usec: 0, cpuUsec: Math.round((seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6), byCommand: {} };
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (!match || IGNORED.has(match[1]!)) continue;
    const calls = Number(match[2]);
    stats.calls += calls;
    stats.usec += Number(match[3]);
    stats.byCommand[match[1]!] = calls;
  }
  return stats;
}

export function statsDelta(before: CommandStats, after: CommandStats): CommandStats {
  const byCommand: Record<string, number> = {};
  for (const [command, calls] of Object.entries(after.byCommand)) {
    const delta = calls - (before.byCommand[command] ?? 0);
    if (delta > 0) byCommand[command] = delta;
  }
  return { calls: after.calls - before.calls, usec: after.usec - before.usec, cpuUsec: after.cpuUsec - before.cpuUsec, byCommand };
}

/**
 * Redis connections by process id (the product names them `aimicromind:<role>:<pid>`); BullMQ names
 * each worker's blocking connection after the queue (`bull:<base64 name>`), counted under that name.
 */
export async function connectionsByPid(redis: Redis): Promise<Record<string, number>> {
  const list = (await redis.client('LIST')) as string;
  const counts: Record<string, number> = {};
  for (const line of list.split('\n').filter(Boolean)) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    if (name.startsWith('bench')) continue;
    const key = /^aimicromind:[^:]+:(\d+)$/.exec(name)?.[1] ?? (name || 'unnamed');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
