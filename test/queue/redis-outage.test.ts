import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { scaled } from '../support/machine.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { RedisServer } from '../support/redis-server.js';

/** queue-mode.md 3: Redis goes away and comes back; nobody restarts the server or the workers. */
describe('Redis restarts', () => {
  let redis: RedisServer;
  let h: QueueHarness;
  // Long enough for an ordinary prediction on a slow machine, short enough to wait for once.
  const predictionTimeout = scaled(2500);
  beforeAll(async () => {
    redis = await RedisServer.start();
    h = await startQueueHarness({ REDIS_URL: redis.url, PREDICTION_TIMEOUT: String(predictionTimeout) }, { workers: 1 });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('fails fast with 503 while Redis is down, then serves again by itself', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'before' })).body.text).toBe('t1 t2 t3');

    await redis.stop(true);
    await eventually(async () => (await h.anon.get('/readyz')).status === 503, undefined, 'readyz to notice');
    const ready = await h.anon.get('/readyz');
    expect(ready.body).toMatchObject({ success: false, code: 'QUEUE_UNAVAILABLE', checks: { database: 'ok' } });
    expect(ready.body.checks.redis).toMatch(/^failed/);

    const started = Date.now();
    const down = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'while down' });
    // At once: waiting on Redis would only end with Redis back (after this request) or at the
    // prediction timeout, and a 503 is not a disguised timeout.
    expect(Date.now() - started).toBeLessThan(predictionTimeout);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE', message: expect.stringContaining('Redis') });
    const streaming = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'while down', streaming: true });
    expect(streaming.status).toBe(503);
    expect((await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'x' })).status).toBe(503);

    await redis.restart();
    const back = await eventually(async () => {
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'after' });
      return response.status === 200 ? response : undefined;
    }, 30000, 'predictions to work again');
    expect(back.body.text).toBe('t1 t2 t3');
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'after', streaming: true });
    expect(stream.events.at(-1)!.event).toBe('end');
    expect((await h.anon.get('/readyz')).status).toBe(200);
  });

  it('a wait in flight when Redis dies ends at the prediction timeout with an error', async () => {
    // The answer is held until the test ends, so the run is in flight when Redis dies.
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=5;gate=outage', basepath: h.fake.url, credential }));
    const started = Date.now();
    const pending = h.anon.post(`/api/v1/prediction/${id}`, { question: 'in flight', chatId: 'outage-2' });
    await h.fake.gates.reached('outage');
    await redis.stop(true);
    const response = await pending;
    // It ends (a hang fails the test) at the timeout, not before.
    expect(Date.now() - started).toBeGreaterThanOrEqual(predictionTimeout - 5);
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ code: 'PREDICTION_TIMEOUT' });
    const run = (await h.anon.get(`/api/v1/runs/${response.headers.get('x-run-id')}`)).body;
    expect(run.status).toBe('failed');
    await redis.restart();
  });

  it('a worker told to stop while Redis is down still exits (it cannot hand runs back, and does not wait forever)', async () => {
    const worker = await h.addWorker({ GRACEFUL_SHUTDOWN_TIMEOUT: String(scaled(1000)) });
    await redis.stop(true);
    const exited = exitOf(worker.child);
    worker.child.kill('SIGTERM');
    // Bounded by the deadline + 15 s inside the worker; without the bound it waits for Redis forever.
    expect(await exited).toBe(0);
    expect(worker.output()).toMatch(/worker stopped/);
    h.workers.splice(h.workers.indexOf(worker), 1);
    await redis.restart();
  }, 120_000);
});
