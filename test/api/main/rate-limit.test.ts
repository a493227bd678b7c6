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

describe('security settings the server would not enforce are refused, naming the field', () => {
  let h: ApiHarness;
  let id = '';
  beforeAll(async () => {
    h = await startMainHarness();
    id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
  });
  afterAll(async () => h?.close());

  const put = (body: Record<string, unknown>) => h.admin.put(`/api/v1/chatflows/${id}`, body);
  const refused = async (body: Record<string, unknown>, ...fields: string[]) => {
    const response = await put(body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    for (const field of fields) expect(response.body.message).toContain(`${field}:`);
    return response.body.message as string;
  };

  it('allowedOrigins: not an array, or entries that are not origins or hosts', async () => {
    await refused({ chatbotConfig: JSON.stringify({ allowedOrigins: 'https://a.example' }) }, 'chatbotConfig.allowedOrigins');
    const message = await refused({ chatbotConfig: { allowedOrigins: ['https://a.example', 'not a domain!', 7] } }, 'chatbotConfig.allowedOrigins');
    expect(message).toContain('"not a domain!"');
    expect(message).toContain('7');
    // Creating is checked the same way.
    const created = await h.admin.post('/api/v1/chatflows', { name: 'x', flowData: { nodes: [], edges: [] }, chatbotConfig: { allowedOrigins: 'a.example' } });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('chatbotConfig.allowedOrigins:');
    // Nothing was stored: the flow still answers a foreign origin, and reads back unchanged.
    expect((await h.admin.get(`/api/v1/chatflows/${id}`)).body.chatbotConfig ?? null).toBeNull();
    // What Flowise's UI saves (an empty entry, next to its other settings), hosts with ports and * are fine.
    const flowiseShape = { allowedOrigins: [''], allowedOriginsError: '', starterPrompts: { 0: { prompt: '' } }, chatFeedback: { status: false } };
    expect((await put({ chatbotConfig: JSON.stringify(flowiseShape) })).status).toBe(200);
    expect((await put({ chatbotConfig: { allowedOrigins: ['https://a.example/chat', 'b.example:8443', '*'] } })).status).toBe(200);
  });

  it('rateLimit: limitMax and limitDuration must be positive numbers while the limit is on', async () => {
    await refused({ apiConfig: JSON.stringify({ rateLimit: { status: true, limitMax: 'abc', limitDuration: -5 } }) }, 'apiConfig.rateLimit.limitMax', 'apiConfig.rateLimit.limitDuration');
    await refused({ apiConfig: { rateLimit: { status: true, limitMax: 2.5, limitDuration: '30' } } }, 'apiConfig.rateLimit.limitMax');
    await refused({ apiConfig: { rateLimit: { status: 'true', limitMax: '2' } } }, 'apiConfig.rateLimit.limitDuration');
    await refused({ apiConfig: { rateLimit: 'on' } }, 'apiConfig.rateLimit');
    // Flowise's shapes stay accepted: string numbers, and a switched-off limit with empty fields.
    expect((await put({ apiConfig: JSON.stringify({ rateLimit: { status: false, limitMax: '', limitDuration: '', limitMsg: '' } }) })).status).toBe(200);
    expect((await put({ apiConfig: rateLimited(1, 60, 'Slow') })).status).toBe(200);
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'a' })).status).toBe(200);
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'b' })).status).toBe(429);
  });

});
