import { describe, expect, it } from 'vitest';
import { SignInGuard, SIGN_IN_LIMITS } from '../../src/server/auth/sign-in-guard.js';
import { ConcurrencyGate } from '../../src/shared/concurrency-gate.js';
import { MemoryRateLimitStore } from '../../src/shared/rate-limit-store.js';

/** A task the test finishes by hand, recording when it started. */
function controllable(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: async () => { log.push(`start ${name}`); await done; return name; }, finish };
}

describe('ConcurrencyGate', () => {
  it('runs at most `concurrency` tasks, queues `maxWaiting` in order and refuses the next at once', async () => {
    const full = new Error('full');
    const gate = new ConcurrencyGate(2, 2, () => full);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => controllable(log, name));
    const results = tasks.map((t) => gate.run(t.task));
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    await expect(gate.run(async () => 'e')).rejects.toBe(full);

    tasks[1]!.finish();
    await expect(results[1]).resolves.toBe('b');
    expect(log).toEqual(['start a', 'start b', 'start c']);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    for (const t of tasks) t.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot of a task that throws', async () => {
    const gate = new ConcurrencyGate(1, 0, () => new Error('full'));
    await expect(gate.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('SignInGuard', () => {
  it('refuses an address that used up its failures (429, Retry-After within the window), not the others', async () => {
    const guard = new SignInGuard(new MemoryRateLimitStore(), { ...SIGN_IN_LIMITS, maxFailures: 3 });
    for (let i = 0; i < 3; i += 1) {
      await guard.ensureAllowed('10.0.0.1');
      await guard.recordFailure('10.0.0.1');
    }
    const refused = await guard.ensureAllowed('10.0.0.1').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    const retryAfter = Number((refused as { headers: Record<string, string> }).headers['Retry-After']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowMs / 1000);
    await expect(guard.ensureAllowed('10.0.0.2')).resolves.toBeUndefined();
  });
});
