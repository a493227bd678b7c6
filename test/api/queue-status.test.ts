import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** `GET /api/v1/queue/status` in main mode and its access rules (queue mode: test/ui/browser-queue.test.ts). */
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
