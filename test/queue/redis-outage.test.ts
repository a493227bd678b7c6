import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { RedisServer } from '../support/redis-server.js';

/** queue-mode.md 3: Redis goes away and comes back; nobody restarts the server or the workers. */
describe('Redis restarts', () => {
  let redis: RedisServer;
  let h: QueueHarness;
  beforeAll(async () => {
    redis = await RedisServer.start();
    h = await startQueueHarness({ REDIS_URL: redis.url, PREDICTION_TIMEOUT: '4000' }, { workers: 1 });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('fails fast with 503 while Redis is down, then serves again by itself', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'before' })).body.text).toBe('t1 t2 t3');

    await redis.stop(true);
    await eventually(async () => (await h.anon.get('/readyz')).status === 503, 5000, 'readyz to notice');
    const ready = await h.anon.get('/readyz');
    expect(ready.body).toMatchObject({ success: false, code: 'QUEUE_UNAVAILABLE', checks: { database: 'ok' } });
    expect(ready.body.checks.redis).toMatch(/^failed/);

    const started = Date.now();
    const down = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'while down' });
    // At once (no waiting on Redis); the margin is for a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE', message: expect.stringContaining('Redis') });
    const streaming = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'while down', streaming: true });
    expect(streaming.status).toBe(503);
    expect((await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'x' })).status).toBe(503);

    await redis.restart();
    const back = await eventually(async () => {
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'after' });
      return response.status === 200 ? response : undefined;
    }, 20000, 'predictions to work again');
    expect(back.body.text).toBe('t1 t2 t3');
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'after', streaming: true });
    expect(stream.events.at(-1)!.event).toBe('end');
    expect((await h.anon.get('/readyz')).status).toBe(200);
  });

  it('a wait in flight when Redis dies ends at the prediction timeout with an error', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=50;delay=100', basepath: h.fake.url, credential }));
    const pending = h.anon.post(`/api/v1/prediction/${id}`, { question: 'in flight', chatId: 'outage-2' });
    await eventually(async () => (await h.repos.runs.activeFor(id, 'outage-2')).some((r) => r.status === 'running'));
    await redis.stop(true);
    const started = Date.now();
    const response = await pending;
    expect(Date.now() - started).toBeLessThan(9000);
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ code: 'PREDICTION_TIMEOUT' });
    const run = (await h.anon.get(`/api/v1/runs/${response.headers.get('x-run-id')}`)).body;
    expect(run.status).toBe('failed');
    await redis.restart();
  });
});
