import type { Socket } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoalescingRedis, closeRedis, createRedis } from '../../src/runner/queue/redis-connection.js';
import { RunWorker } from '../../src/worker/run-worker.js';
import { RedisEventTransport, readStream } from '../../src/runner/queue/redis-event-transport.js';
import { RunStreamKeys } from '../../src/runner/queue/run-stream-keys.js';
import { RunEventWriter } from '../../src/runner/run-events.js';
import { RedisServer } from '../support/redis-server.js';
import { testLogger } from '../support/test-logger.js';

/** Counts the socket writes of a connection (each is one write or writev system call). */
function countWrites(connection: Redis): { count: number } {
  const socket = connection.stream as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const counter = { count: 0 };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...args) => ((counter.count += 1), write(...args));
  socket._writev = (...args) => ((counter.count += 1), writev(...args));
  return counter;
}

/**
 * Issue 12: queue mode's Redis round trips. A dedicated redis-server, so that INFO commandstats counts
 * this file's commands only.
 */
describe('Redis round trips of the product connections and the worker', () => {
  let redis: RedisServer;
  const open: Redis[] = [];
  const connect = (role: 'patient' | 'fail-fast') => {
    const connection = createRedis({ url: redis.url, host: '127.0.0.1', port: redis.port, tls: false, keepAliveMs: 0 }, role, testLogger, 'test');
    open.push(connection);
    return connection;
  };
  const ready = (connection: Redis) => (connection.status === 'ready' ? Promise.resolve() : new Promise((resolve) => connection.once('ready', resolve)));
  async function calls(inspector: Redis): Promise<Record<string, number>> {
    const text = await inspector.info('commandstats');
    return Object.fromEntries([...text.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => closeRedis(c)));
    await redis?.stop();
  });

  it('sends the commands of one event-loop turn in one socket write, each resolving with its own reply in order', async () => {
    const connection = connect('fail-fast');
    await ready(connection);
    const writes = countWrites(connection);
    const replies = await Promise.all([
      connection.set('batch:a', '1'),
      connection.incr('batch:a'),
      connection.get('batch:a'),
      connection.publish('batch:channel', 'x'),
      connection.xadd('batch:stream', '*', 'd', 'payload'),
      connection.del('batch:a'),
    ]);
    expect(writes.count).toBe(1);
    expect(replies.slice(0, 4)).toEqual(['OK', 2, '2', 0]);
    expect(replies[4]).toMatch(/^\d+-\d+$/);
    expect(replies[5]).toBe(1);
    // A later turn is a later write.
    await connection.get('batch:a');
    expect(writes.count).toBe(2);
  });

  it('a command issued from an immediate queued before a hold leaves in that check phase, not a turn later', async () => {
    const connection = connect('fail-fast') as CoalescingRedis;
    await ready(connection);
    const writes = countWrites(connection);
    const seen = async (hold: boolean) => {
      const before = writes.count;
      let reply: Promise<unknown> = Promise.resolve();
      const sent = new Promise<number>((resolve) => {
        setImmediate(() => (reply = connection.set('hold:a', '1')));
        if (hold) connection.holdWritesForThisTurn();
        // Queued after both: runs at the end of the same check phase.
        setImmediate(() => resolve(writes.count - before));
      });
      const count = await sent;
      await reply;
      return count;
    };
    expect(await seen(false)).toBe(0);
    expect(await seen(true)).toBe(1);
  });

  it('an idle worker takes a job with one fetch round trip and one blocking wait, not four fetches and two waits', async () => {
    const inspector = connect('fail-fast');
    const commands = connect('fail-fast');
    const workerConnection = connect('patient');
    await Promise.all([ready(inspector), ready(commands), ready(workerConnection)]);
    const queue = new Queue('trickle', { connection: commands });
    // A job lasts longer than a round trip, as a run does: BullMQ's loop has looked for the next job
    // (and blocked) by the time it ends.
    const worker = new RunWorker<{ n: number }, number>('trickle', async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return job.data.n;
    }, { connection: workerConnection, concurrency: 100, autorun: false, drainDelay: 60 });
    void worker.run();
    await worker.waitUntilReady();
    const one = async (n: number) => {
      const finished = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
      await queue.add('job', { n }, { jobId: `t${n}`, removeOnComplete: true });
      await finished;
    };
    await one(0);
    const before = await calls(inspector);
    const jobs = 20;
    for (let n = 1; n <= jobs; n += 1) await one(n);
    const after = await calls(inspector);
    const per = (command: string) => ((after[command] ?? 0) - (before[command] ?? 0)) / jobs;
    // Per job: the add, the wake-up's two fetches (one write) and the completion; BullMQ's own loop
    // sends four fetches and two BZPOPMIN.
    expect(per('evalsha')).toBeLessThanOrEqual(4.1);
    expect(per('bzpopmin')).toBeLessThanOrEqual(1.1);
    await worker.close();
    await queue.close();
  });

  it('takes every job of a flood exactly once, leaving none waiting or held', async () => {
    const commands = connect('fail-fast');
    const workerConnection = connect('patient');
    await Promise.all([ready(commands), ready(workerConnection)]);
    const queue = new Queue('flood', { connection: commands });
    const total = 400;
    const seen = new Map<string, number>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let allStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (allStarted = resolve));
    // drainDelay 60 s: a job left behind (its marker lost, or held by the worker without being started)
    // would wait that long, past the test's timeout. Every job is held at the gate until all started.
    const worker = new RunWorker<{ n: number }, number>('flood', async (job) => {
      seen.set(job.id!, (seen.get(job.id!) ?? 0) + 1);
      if (seen.size === total) allStarted();
      await gate;
      return job.data.n;
    }, { connection: workerConnection, concurrency: 1000, autorun: false, drainDelay: 60 });
    void worker.run();
    await worker.waitUntilReady();
    for (let wave = 0; wave < 4; wave += 1) {
      const jobs = Array.from({ length: total / 4 }, (_, i) => wave * 100 + i);
      await queue.addBulk(jobs.map((n) => ({ name: 'job', data: { n }, opts: { jobId: `f${n}` } })));
    }
    await started;
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    release();
    await worker.close();
    expect(await queue.getJobCounts('waiting', 'active', 'completed')).toEqual({ waiting: 0, active: 0, completed: total });
    await queue.close();
  });

  it('a closing worker hands jobs it took ahead back to the queue, and another worker runs them', async () => {
    const commands = connect('fail-fast');
    const first = connect('patient');
    const second = connect('patient');
    await Promise.all([ready(commands), ready(first), ready(second)]);
    const queue = new Queue('handback', { connection: commands });
    const ran = new Map<string, string>();
    let closing: Promise<void> | undefined;
    // Concurrency 3 with jobs pouring in: the first worker takes jobs ahead of its loop; it closes
    // while holding some.
    const a = new RunWorker<{ n: number }, number>('handback', async (job) => {
      ran.set(job.id!, 'a');
      closing ??= a.close();
      return job.data.n;
    }, { connection: first, concurrency: 3, autorun: false, drainDelay: 60 });
    void a.run();
    await a.waitUntilReady();
    await queue.addBulk(Array.from({ length: 60 }, (_, n) => ({ name: 'job', data: { n }, opts: { jobId: `h${n}` } })));
    await new Promise<void>((resolve) => {
      const check = () => (closing ? void closing.then(() => resolve()) : setImmediate(check));
      check();
    });
    const b = new RunWorker<{ n: number }, number>('handback', async (job) => {
      ran.set(job.id!, ran.has(job.id!) ? 'both' : 'b');
      return job.data.n;
    }, { connection: second, concurrency: 50, autorun: false, drainDelay: 60 });
    const finished = new Promise<void>((resolve) => b.on('completed', () => (ran.size === 60 ? resolve() : undefined)));
    void b.run();
    if (ran.size < 60) await finished;
    expect(ran.size).toBe(60);
    expect([...ran.values()].filter((v) => v === 'both')).toEqual([]);
    expect(await queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
    await b.close();
    await queue.close();
  });
  it('with WORKER_TOKEN_BATCH_MS, the tokens that several runs stream within the window leave in one socket write, in order', async () => {
    const connection = connect('patient');
    await ready(connection);
    const keys = new RunStreamKeys('batching-test');
    const ttl = { eventsMs: 60000, safetyMs: 60000 };
    const writers = ['run-a', 'run-b'].map((runId) => {
      const transport = new RedisEventTransport(connection, keys, runId, ttl);
      transport.describeRun({ streaming: true });
      return new RunEventWriter(transport, 1, true, 1000);
    });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    for (const w of writers) w.emit({ event: 'token', data: 'first ' });
    await Promise.all(writers.map((w) => w.flush()));
    const writes = countWrites(connection);
    // Tokens in six different turns, alternating runs: without batching, six writes.
    for (let i = 0; i < 6; i += 1) {
      writers[i % 2]!.emit({ event: 'token', data: `${i} ` });
      await turn();
    }
    expect(writes.count).toBe(0);
    // The timer's turn sends both runs' held tokens in one write.
    while (writes.count === 0) await turn();
    await Promise.all(writers.map((w) => w.flush()));
    expect(writes.count).toBe(1);
    const texts = await Promise.all(['run-a', 'run-b'].map(async (runId) => (await readStream(connection, keys, runId)).map((e) => (JSON.parse(e.json) as { data: string }).data).join('')));
    expect(texts).toEqual(['first 0 2 4 ', 'first 1 3 5 ']);
  });
});
