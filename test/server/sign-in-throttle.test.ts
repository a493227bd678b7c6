import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { inspectRedis } from '../support/redis-inspect.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** Each test signs in as its own client address (X-Forwarded-For through one trusted proxy). */
const from = (api: ApiClient, address: string) => api.withHeaders({ 'x-forwarded-for': address });

async function expectThrottled(response: { status: number; body: any; headers: Headers }) {
  expect(response.status).toBe(429);
  expect(response.body).toMatchObject({ statusCode: 429, success: false, code: 'RATE_LIMITED' });
  expect(response.body.message).toContain('10 in 5 minutes');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(300);
}

describe('sign-in throttling (one server, counts in the process)', () => {
  let server: RunningServer;
  let api: ApiClient;
  beforeAll(async () => {
    server = await startServer(testEnv({ NUMBER_OF_PROXIES: '1' }));
    api = new ApiClient(server.url);
  });
  afterAll(() => server?.close());

  it('refuses an address after 10 failed sign-ins, even with the right password, and no other address', async () => {
    const guesser = from(api, '203.0.113.7');
    for (let i = 0; i < 10; i += 1) {
      const wrong = i % 2 === 0 ? { username: TEST_BASIC_USER, password: `guess-${i}` } : { apiKey: `guess-${i}` };
      expect((await guesser.post('/api/v1/auth/login', wrong)).status).toBe(401);
    }
    await expectThrottled(await guesser.post('/api/v1/auth/login', { username: TEST_BASIC_USER, password: TEST_BASIC_PASSWORD }));
    await expectThrottled(await guesser.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY }));
    expect((await from(api, '203.0.113.8').post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).status).toBe(200);
  });

  it('successes and malformed requests are not failures', async () => {
    const user = from(api, '203.0.113.9');
    for (let i = 0; i < 12; i += 1) expect((await user.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY })).status).toBe(200);
    for (let i = 0; i < 12; i += 1) expect((await user.post('/api/v1/auth/login', {})).status).toBe(400);
    expect((await user.post('/api/v1/auth/login', { apiKey: 'wrong' })).status).toBe(401);
  });
});

describe('first-admin setup throttling', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(testEnv({ NUMBER_OF_PROXIES: '1', AIMICROMIND_API_KEY: '', AIMICROMIND_USERNAME: '', AIMICROMIND_PASSWORD: '' }));
  });
  afterAll(() => server?.close());

  it('counts wrong setup tokens as failed sign-ins', async () => {
    const guesser = from(new ApiClient(server.url), '198.51.100.4');
    for (let i = 0; i < 10; i += 1) {
      expect((await guesser.post('/api/v1/auth/setup', { setupToken: `guess-${i}`, username: 'me', password: 'long enough' })).status).toBe(403);
    }
    await expectThrottled(await guesser.post('/api/v1/auth/setup', { setupToken: 'guess-10', username: 'me', password: 'long enough' }));
    await expectThrottled(await guesser.post('/api/v1/auth/login', { username: 'me', password: 'long enough' }));
  });
});

describe('sign-in throttling across server replicas (queue mode: counts in Redis)', () => {
  let a: RunningServer;
  let b: RunningServer;
  const queueName = `signin-${Math.random().toString(36).slice(2, 10)}`;
  beforeAll(async () => {
    const env = testEnv({ MODE: 'queue', REDIS_URL: inject('redisUrl'), QUEUE_NAME: queueName, NUMBER_OF_PROXIES: '1' });
    a = await startServer(env);
    b = await startServer(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('adds the failures made on either replica and refuses on both', async () => {
    const onA = from(new ApiClient(a.url), '192.0.2.55');
    const onB = from(new ApiClient(b.url), '192.0.2.55');
    for (let i = 0; i < 5; i += 1) {
      expect((await onA.post('/api/v1/auth/login', { apiKey: `a-${i}` })).status).toBe(401);
      expect((await onB.post('/api/v1/auth/login', { apiKey: `b-${i}` })).status).toBe(401);
    }
    await expectThrottled(await onA.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY }));
    await expectThrottled(await onB.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY }));
    const inspector = inspectRedis(inject('redisUrl'));
    const keys = await inspector.keys(`aimicromind:${queueName}:ratelimit:sign-in-failures:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await inspector.get(keys[0]!))).toBe(10);
    await inspector.quit();
  });
});
