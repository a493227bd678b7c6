import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ReconcileHooks, type ReconcileReport, RUN_NEVER_STARTED, RUN_STOPPED, Reconciler, UPSERT_STOPPED } from '../../src/runner/reconciler.js';
import type { Repositories } from '../../src/storage/repositories.js';
import { eventually } from '../support/api-harness.js';
import { scaled } from '../support/machine.js';
import { bothDialects, migratedDatabase } from '../support/test-databases.js';
import { testLogger } from '../support/test-logger.js';

/** Short, so the tests take seconds; stretched on a slow machine so a lease outlives one pass. */
const INTERVAL_MS = scaled(150);

/** The runner's side as a test sets it: which ids it holds, and what it was asked to start again. */
function hooksHolding(held: Set<string>, withRuns: boolean) {
  const resumed: string[] = [];
  const ended: Array<{ runId: string; message: string }> = [];
  const hooks: ReconcileHooks = {
    holdsUpsert: async (id) => held.has(id),
    resumeUpsert: async (id) => void resumed.push(id),
    ...(withRuns
      ? {
          holdsRun: async (id: string) => held.has(id),
          resumeRun: async (id: string) => void resumed.push(id),
          endRun: async (runId: string, message: string) => void ended.push({ runId, message }),
        }
      : {}),
  };
  return { hooks, resumed, ended };
}

async function newRun(repos: Repositories, claimed: boolean): Promise<string> {
  const id = randomUUID();
  await repos.runs.create(
    { id, chatflowId: 'cf-reconcile', chatId: 'c', sessionId: 'c', input: {}, streaming: false, detachable: false, apiMessageId: randomUUID() },
    { claimed },
  );
  return id;
}

describe.each(bothDialects('reconcile'))('reconciler on %s', (_name, makeConfig) => {
  const db = migratedDatabase(makeConfig);

  it('lets one holder at a time take the lease, and another take it once it expired or was given up', async () => {
    const { reconcile } = db.repos;
    const name = `lease-${randomUUID()}`;
    expect(await reconcile.acquireLease(name, 'a', 60000)).toBe(true);
    expect(await reconcile.acquireLease(name, 'b', 60000)).toBe(false);
    expect(await reconcile.acquireLease(name, 'a', 60000)).toBe(true);
    await reconcile.releaseLease(name, 'b'); // not b's: nothing happens
    expect(await reconcile.acquireLease(name, 'b', 60000)).toBe(false);
    await reconcile.releaseLease(name, 'a');
    expect(await reconcile.acquireLease(name, 'b', 1)).toBe(true);
    // b's lease lasted 1 ms: a gets it as soon as it has expired.
    await eventually(() => reconcile.acquireLease(name, 'a', 60000), 10000, 'the expired lease to be taken');
    expect(await reconcile.acquireLease(name, 'b', 60000)).toBe(false);
  });

  it('fails runs past their deadline, restarts what nothing holds, leaves held and living work alone; one replica acts', async () => {
    const { repos } = db;
    const held = new Set<string>();
    const side = hooksHolding(held, true);
    const options = { intervalMs: INTERVAL_MS, predictionTimeoutMs: 0 };
    // Two replicas over one database: only the lease holder's pass does anything.
    const first = new Reconciler(repos, side.hooks, options, testLogger);
    const second = new Reconciler(repos, side.hooks, options, testLogger);
    try {
      const running = await newRun(repos, true);
      const waiting = await newRun(repos, false);
      const orphan = await repos.upserts.create({ chatflowId: 'cf-reconcile', chatId: 'c', input: {} });
      const dead = await repos.upserts.claim((await repos.upserts.create({ chatflowId: 'cf-reconcile', chatId: 'c', input: {} })).id);
      const alive = await repos.upserts.claim((await repos.upserts.create({ chatflowId: 'cf-reconcile', chatId: 'c', input: {} })).id);
      const holdsIt = await repos.upserts.claim((await repos.upserts.create({ chatflowId: 'cf-reconcile', chatId: 'c', input: {} })).id);
      held.add(holdsIt!.id);

      // `alive`'s executor keeps writing its heartbeat; `dead`'s process is gone.
      const beat = setInterval(() => void repos.upserts.heartbeat(alive!.id, alive!.attempt), INTERVAL_MS / 4);
      const reports: ReconcileReport[] = [];
      try {
        await eventually(
          async () => {
            const pair = await Promise.all([first.runOnce(), second.runOnce()]);
            reports.push(...pair);
            expect(pair.filter((r) => r.held).length).toBeLessThanOrEqual(1);
            return (await repos.upserts.get(dead!.id))?.status === 'failed' || undefined;
          },
          20000,
          'the upsert without heartbeat to fail',
        );
      } finally {
        clearInterval(beat);
      }

      expect(await repos.runs.get(running)).toMatchObject({ status: 'failed', error: RUN_STOPPED });
      expect(await repos.runs.get(waiting)).toMatchObject({ status: 'failed', error: RUN_NEVER_STARTED });
      expect(side.ended).toEqual(expect.arrayContaining([{ runId: running, message: RUN_STOPPED }, { runId: waiting, message: RUN_NEVER_STARTED }]));
      expect(side.ended).toHaveLength(2); // ended once, whichever replica did it
      expect(await repos.upserts.get(dead!.id)).toMatchObject({ status: 'failed', error: UPSERT_STOPPED, errorCode: 'INTERNAL' });
      expect((await repos.upserts.get(alive!.id))?.status).toBe('running');
      expect((await repos.upserts.get(holdsIt!.id))?.status).toBe('running');
      expect(side.resumed).toContain(orphan.id);
      expect(reports.some((r) => r.held)).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('in queue mode, enqueues again a queued run nothing holds, before its deadline', async () => {
    const { repos } = db;
    const held = new Set<string>();
    const side = hooksHolding(held, true);
    const reconciler = new Reconciler(repos, side.hooks, { intervalMs: INTERVAL_MS, predictionTimeoutMs: 600000 }, testLogger);
    try {
      const lost = await newRun(repos, false);
      const queued = await newRun(repos, false);
      held.add(queued);
      await eventually(async () => (await reconciler.runOnce(), side.resumed.includes(lost) || undefined), 20000, 'the lost run to be enqueued again');
      expect(side.resumed).not.toContain(queued);
      expect((await repos.runs.get(lost))?.status).toBe('queued');
    } finally {
      await reconciler.close();
    }
  });
});
