import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OriginList } from '../../src/server/services/allowed-origins.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';

describe('origins are compared as origins', () => {
  it.each([
    ['https://Allowed.Example', 'https://allowed.example', true],
    ['https://allowed.example/chat', 'https://allowed.example', true],
    ['https://allowed.example/', 'https://allowed.example', true],
    ['https://allowed.example:443', 'https://allowed.example', true],
    ['http://allowed.example:80/x', 'http://allowed.example', true],
    ['https://allowed.example', 'https://ALLOWED.example:443', true],
    ['https://allowed.example:8443', 'https://allowed.example:8443', true],
    ['allowed.example', 'https://allowed.example', true],
    ['allowed.example', 'http://allowed.example', true],
    ['allowed.example:8443', 'https://allowed.example:8443', true],
    ['*', 'https://anything.example', true],
    ['https://allowed.example', 'http://allowed.example', false],
    ['https://allowed.example', 'https://allowed.example:8443', false],
    ['https://allowed.example', 'https://evil-allowed.example', false],
    ['https://allowed.example', 'https://allowed.example.evil.example', false],
    ['allowed.example', 'https://sub.allowed.example', false],
    ['not a url at all', 'https://allowed.example', false],
  ])('%s allows %s: %s', (entry, origin, expected) => {
    expect(new OriginList([entry]).allows(origin)).toBe(expected);
  });

  it('ignores blank and non-text entries, and an empty list is empty', () => {
    expect(new OriginList(['', '  ', 3, null]).isEmpty).toBe(true);
    expect(OriginList.parse('https://a.example, https://b.example').allows('https://b.example')).toBe(true);
  });
});

describe("a chatflow's allowedOrigins grant CORS on its public routes", () => {
  let h: ApiHarness;
  let listed: string;
  let unlisted: string;
  const SITE = 'https://allowed.example';
  const GLOBAL = 'https://other.example';
  const EVIL = 'https://evil.example';

  beforeAll(async () => {
    // CORS_ORIGINS names another site only: the chatflow's list alone must let its site in.
    h = await startMainHarness({ CORS_ORIGINS: GLOBAL });
    const flow = (credential: string) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential });
    const chatbotConfig = JSON.stringify({
      allowedOrigins: ['https://Allowed.Example/chat/'],
      allowedOriginsError: 'This chatbot lives on allowed.example only',
      chatFeedback: { status: true },
    });
    listed = await createFlow(h, flow, { chatbotConfig });
    unlisted = await createFlow(h, flow);
  });
  afterAll(async () => h?.close());

  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${h.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
    });
  const allowOrigin = (response: Response) => response.headers.get('access-control-allow-origin');

  it('answers preflights of every public route of the chatflow for a listed site', async () => {
    const chat = await h.anon.post(`/api/v1/prediction/${listed}`, { question: 'hi', chatId: 'cors-1' }, { origin: SITE });
    const feedback = await h.anon.post(
      `/api/v1/feedback/${listed}`,
      { chatflowid: listed, chatId: 'cors-1', messageId: chat.body.chatMessageId, rating: 'THUMBS_UP' },
      { origin: SITE },
    );
    for (const [path, method] of [
      [`/api/v1/prediction/${listed}`, 'POST'],
      [`/api/v1/public-chatbotConfig/${listed}`, 'GET'],
      [`/api/v1/chatflows-streaming/${listed}`, 'GET'],
      [`/api/v1/feedback/${listed}`, 'POST'],
      [`/api/v1/feedback/${feedback.body.id}`, 'PUT'],
      [`/api/v1/chatmessage/abort/${listed}/cors-1`, 'PUT'],
      [`/api/v1/attachments/${listed}/cors-1`, 'POST'],
    ] as const) {
      const response = await preflight(path, SITE, method);
      expect(response.status, path).toBe(204);
      expect(allowOrigin(response), path).toBe(SITE);
      expect(response.headers.get('access-control-allow-methods'), path).toContain(method);
    }
  });

  it('sends Access-Control-Allow-Origin on the answers to a listed site', async () => {
    const json = await h.anon.post(`/api/v1/prediction/${listed}`, { question: 'json' }, { origin: SITE });
    expect(json.status).toBe(200);
    expect(json.headers.get('access-control-allow-origin')).toBe(SITE);
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${listed}`, { question: 'sse', streaming: true }, { origin: SITE });
    expect(stream.headers.get('access-control-allow-origin')).toBe(SITE);
    for (const path of [`/api/v1/public-chatbotConfig/${listed}`, `/api/v1/chatflows-streaming/${listed}`]) {
      const response = await h.anon.get(path, { origin: SITE });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(SITE);
    }
    // The same origin written otherwise (case, default port) is the same site.
    const sameSite = await h.anon.post(`/api/v1/prediction/${listed}`, { question: 'port' }, { origin: 'https://ALLOWED.example:443' });
    expect(sameSite.status).toBe(200);
  });

  it('grants nothing beyond the chatflow: other chatflows and the management API stay closed to its site', async () => {
    expect(allowOrigin(await preflight(`/api/v1/prediction/${unlisted}`, SITE))).toBeNull();
    expect(allowOrigin(await preflight('/api/v1/chatflows', SITE, 'GET'))).toBeNull();
    expect(allowOrigin(await preflight(`/api/v1/prediction/${listed}`, 'http://allowed.example'))).toBeNull();
    expect(allowOrigin(await preflight(`/api/v1/prediction/${listed}`, EVIL))).toBeNull();
  });

  it('keeps the 403 with allowedOriginsError for a site not on the list', async () => {
    const refused = await h.anon.post(`/api/v1/prediction/${listed}`, { question: 'x' }, { origin: EVIL });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', message: 'This chatbot lives on allowed.example only' });
    // A widget's streaming request shows the raw text of a 403 (flowise-embed): the message alone.
    const streaming = await h.anon.stream('POST', `/api/v1/prediction/${listed}`, { question: 'x', streaming: true }, { origin: EVIL });
    expect(streaming.status).toBe(403);
    expect(streaming.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(streaming.raw).toBe('This chatbot lives on allowed.example only');
    // A site CORS_ORIGINS allows can call, but the chatflow's own list still decides its predictions.
    const global = await h.anon.post(`/api/v1/prediction/${listed}`, { question: 'x' }, { origin: GLOBAL });
    expect(global.headers.get('access-control-allow-origin')).toBe(GLOBAL);
    expect(global.status).toBe(403);
    // A chatflow with no list answers every site; CORS_ORIGINS alone decides what browsers may read.
    const open = await h.anon.post(`/api/v1/prediction/${unlisted}`, { question: 'x' }, { origin: GLOBAL });
    expect(open.status).toBe(200);
    expect(open.headers.get('access-control-allow-origin')).toBe(GLOBAL);
  });
});
