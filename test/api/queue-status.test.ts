import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { RedisServer } from '../support/redis-server.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** `GET /api/v1/queue/status` in main mode, its access rules, and queue mode without Redis (workers and jobs: test/ui/browser-queue.test.ts). */
describe('queue status route', () => {
  let server: RunningServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer(testEnv());
    admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
  });
  afterAll(() => server?.close());

  it('says queue mode is off in main mode', async () => {
    const response = await admin.get('/api/v1/queue/status');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ mode: 'main', queues: [], message: expect.stringContaining('Queue mode is off') });
  });

  it('is for the admin only: anonymous callers get 401, chatflow API keys 403', async () => {
    expect((await new ApiClient(server.url).get('/api/v1/queue/status')).status).toBe(401);
    const { apiKey } = (await admin.post('/api/v1/apikey', { keyName: 'reader' })).body as { apiKey: string };
    const refused = await new ApiClient(server.url, { authorization: `Bearer ${apiKey}` }).get('/api/v1/queue/status');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('admin only');
  });
});

describe('queue status route in queue mode', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let server: RunningServer;
  let admin: ApiClient;

  beforeAll(async () => {
    redis = await RedisServer.start();
    server = await startServer(testEnv({ MODE: 'queue', REDIS_URL: redis.url, QUEUE_NAME: `qs-${Math.random().toString(36).slice(2, 8)}` }));
    admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('reports both queues with no worker, then 503 QUEUE_UNAVAILABLE once Redis is gone', async () => {
    const status = await admin.get('/api/v1/queue/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ mode: 'queue', readAt: expect.any(String) });
    expect(status.body.queues.map((q: { kind: string }) => q.kind)).toEqual(['prediction', 'upsertion']);
    for (const queue of status.body.queues) {
      expect(queue).toMatchObject({ counts: { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 }, workers: [], active: [] });
    }

    await redis.stop();
    const down = await admin.get('/api/v1/queue/status');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'QUEUE_UNAVAILABLE', message: expect.stringContaining('Redis is not reachable') });
  });
});
