import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../../support/api-harness.js';
import { rateLimitSuite, rateLimited } from '../rate-limit.suite.js';

rateLimitSuite(startMainHarness);

describe('rate limits without trusted proxies (the default)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness();
  });
  afterAll(async () => h?.close());

  it('counts the connection peer: a forged X-Forwarded-For does not make a new client', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }), {
      apiConfig: rateLimited(1, 60),
    });
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'a' }, { 'x-forwarded-for': '10.9.9.1' })).status).toBe(200);
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'b' }, { 'x-forwarded-for': '10.9.9.2' })).status).toBe(429);
    expect((await h.anon.get('/api/v1/ip', { 'x-forwarded-for': '10.9.9.1' })).body.ip).toBe('127.0.0.1');
  });
});
