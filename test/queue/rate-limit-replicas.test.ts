import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimited } from '../api/rate-limit.suite.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import type { ApiClient } from '../support/api-client.js';
import { createFlow } from '../support/api-harness.js';
import type { SpawnedProcess } from '../support/processes.js';
import { type QueueHarness, startQueueHarness, startReplica } from '../support/queue-harness.js';
import { inspectRedis } from '../support/redis-inspect.js';

/** A chatflow's rate limit holds across every server replica: the counts live in Redis. */
describe('rate limits across server replicas', () => {
  let h: QueueHarness;
  let replica: SpawnedProcess;
  let replicaApi: ApiClient;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
    ({ process: replica, api: replicaApi } = await startReplica(h));
  });
  afterAll(async () => {
    await replica?.stop();
    await h?.close();
  });

  it('counts a client on both replicas together and answers 429 from either', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }), {
      apiConfig: rateLimited(3, 60, 'Shared limit reached'),
    });
    const ask = (api: ApiClient, question: string) => api.post(`/api/v1/prediction/${id}`, { question });
    expect((await ask(h.anon, 'one')).status).toBe(200);
    expect((await ask(replicaApi, 'two')).status).toBe(200);
    expect((await ask(h.anon, 'three')).status).toBe(200);
    for (const api of [replicaApi, h.anon]) {
      const limited = await ask(api, 'four');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', message: 'Shared limit reached' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // One counter in Redis, expiring with the window.
    const inspector = inspectRedis(h.env.REDIS_URL!);
    const keys = await inspector.keys(`aimicromind:${h.env.QUEUE_NAME}:ratelimit:${id}:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await inspector.get(keys[0]!))).toBe(5);
    const ttl = await inspector.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60000);
    await inspector.quit();
  });
});
