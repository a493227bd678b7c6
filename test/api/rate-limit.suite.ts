import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow } from '../support/api-harness.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

/** A chatflow's `apiConfig`, as Flowise's UI saves it (numbers as strings). */
export const rateLimited = (limitMax: number, seconds: number, limitMsg = '', status = true) =>
  JSON.stringify({ rateLimit: { status, limitMax: String(limitMax), limitDuration: String(seconds), limitMsg } });

/** Per-chatflow rate limits (Flowise's apiConfig.rateLimit), per client address. */
export function rateLimitSuite(factory: HarnessFactory): void {
  describe('rate limits', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      // One trusted proxy: each test client is told apart by the X-Forwarded-For it sends.
      h = await factory({ NUMBER_OF_PROXIES: '1' });
    });
    afterAll(async () => h?.close());

    const flow = (credential: string) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential });
    const from = (address: string) => ({ 'x-forwarded-for': address });

    it('answers 429 with the chatflow message and Retry-After past the limit, per client', async () => {
      const id = await createFlow(h, flow, { apiConfig: rateLimited(2, 60, 'Slow down, please') });
      for (let i = 0; i < 2; i += 1) {
        expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: `ok ${i}` }, from('10.0.0.1'))).status).toBe(200);
      }
      const limited = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'one too many' }, from('10.0.0.1'));
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ statusCode: 429, success: false, message: 'Slow down, please', code: 'RATE_LIMITED' });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // A chat widget's streaming request gets the message as text (what flowise-embed shows), before any SSE.
      const streaming = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'sse', streaming: true }, from('10.0.0.1'));
      expect(streaming.status).toBe(429);
      expect(streaming.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(streaming.raw).toBe('Slow down, please');
      expect(streaming.headers.get('x-error-code')).toBe('RATE_LIMITED');
      expect(streaming.headers.get('retry-after')).toBeTruthy();
      // The asynchronous run API is a prediction too.
      expect((await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'async' }, from('10.0.0.1'))).status).toBe(429);
      // Another client has its own count.
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'other client' }, from('10.0.0.2'))).status).toBe(200);
      expect(await h.repos.runs.countForChatflow(id)).toBe(3);
      expect((await h.anon.get('/api/v1/ip', from('10.0.0.1'))).body.ip).toBe('10.0.0.1');
    });

    it('leaves other chatflows, and limits that are switched off, alone', async () => {
      const limited = await createFlow(h, flow, { apiConfig: rateLimited(1, 60) });
      const off = await createFlow(h, flow, { apiConfig: rateLimited(1, 60, 'never', false) });
      const none = await createFlow(h, flow);
      expect((await h.anon.post(`/api/v1/prediction/${limited}`, { question: 'first' }, from('10.0.1.1'))).status).toBe(200);
      const second = await h.anon.post(`/api/v1/prediction/${limited}`, { question: 'second' }, from('10.0.1.1'));
      expect(second.status).toBe(429);
      expect(second.body.message).toBe('Too many requests, please try again later.');
      for (const id of [off, none]) {
        for (let i = 0; i < 3; i += 1) {
          expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: `free ${i}` }, from('10.0.1.1'))).status).toBe(200);
        }
      }
    });

    it("lets the builder's test chat (internal-prediction) past the limit and allowed domains, without using the budget", async () => {
      const chatbotConfig = JSON.stringify({ allowedOrigins: ['https://good.example'], allowedOriginsError: 'Go away, stranger' });
      const id = await createFlow(h, flow, { apiConfig: rateLimited(1, 60, 'Slow down!'), chatbotConfig });
      const login = await h.anon.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY });
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='))!.split(';')[0]!;
      const ui = h.anon.withHeaders({ cookie, 'x-request-from': 'internal', origin: 'https://evil.example', ...from('10.0.3.1') });
      for (let i = 0; i < 3; i += 1) {
        const answer = await ui.post(`/api/v1/internal-prediction/${id}`, { question: `test ${i}`, chatId: 'builder' });
        expect(answer.status).toBe(200);
      }
      // The admin key works too; chatflow API keys, the bare header or no credentials do not.
      expect((await h.admin.post(`/api/v1/internal-prediction/${id}`, { question: 'key' }, { origin: 'https://evil.example', ...from('10.0.3.1') })).status).toBe(200);
      expect((await h.anon.post(`/api/v1/internal-prediction/${id}`, { question: 'anon' }, from('10.0.3.1'))).status).toBe(401);
      expect((await h.anon.post(`/api/v1/internal-prediction/${id}`, { question: 'cookie only' }, { cookie, ...from('10.0.3.1') })).status).toBe(401);
      // The public path from the same address still has its whole budget, and still enforces both.
      const foreign = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'embed' }, { origin: 'https://evil.example', ...from('10.0.3.2') });
      expect(foreign.status).toBe(403);
      expect(foreign.body.message).toBe('Go away, stranger');
      // A request refused for its Origin still counted (the limit is checked first, as in Flowise).
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'after 403' }, { origin: 'https://good.example', ...from('10.0.3.2') })).status).toBe(429);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'public' }, { origin: 'https://good.example', ...from('10.0.3.1') })).status).toBe(200);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'again' }, from('10.0.3.1'))).status).toBe(429);
      const stored = await h.admin.get(`/api/v1/chatmessage/${id}?chatType=INTERNAL`);
      expect(stored.body.filter((m: { role: string }) => m.role === 'userMessage')).toHaveLength(4);
    });

    it('lets a client in again when its window ends', async () => {
      const id = await createFlow(h, flow, { apiConfig: rateLimited(1, 1) });
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'first' }, from('10.0.2.1'))).status).toBe(200);
      const limited = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'too soon' }, from('10.0.2.1'));
      expect(limited.status).toBe(429);
      // Waiting what the server said is enough, however slow this machine is.
      await sleep(Number(limited.headers.get('retry-after')) * 1000);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'again' }, from('10.0.2.1'))).status).toBe(200);
    });
  });
}
