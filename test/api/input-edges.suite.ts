import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow, stringify } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow } from '../support/api-harness.js';

/** `{"a":{"a":...}}` with `levels` objects. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** The same as JSON text, built without JSON.stringify (whose recursion is what deep values break). */
const nestedText = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

/**
 * Input that breaks storage or serialization later on is refused at the HTTP edge with a 400 naming it,
 * the same on SQLite (main harness) and PostgreSQL (queue harness on postgres): JSON nested deeper than
 * 100 levels, keys named __proto__/constructor, and NUL characters (which PostgreSQL's text refuses).
 */
export function inputEdgesSuite(factory: HarnessFactory): void {
  describe('JSON depth, forbidden keys and NUL characters at the HTTP edge', () => {
    let h: ApiHarness;
    let flowId: string;
    beforeAll(async () => {
      h = await factory();
      flowId = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    });
    afterAll(async () => h?.close());

    function expect400(response: { status: number; body: any }, code: string, mentions: string[]) {
      expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, success: false, code });
      for (const word of mentions) expect(response.body.message).toContain(word);
    }

    const postRaw = (path: string, rawBody: string, client = h.anon) =>
      client.request('POST', path, { rawBody, headers: { 'content-type': 'application/json' } });

    async function postForm(path: string, fields: Record<string, string>) {
      const form = new FormData();
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      const response = await fetch(h.url + path, { method: 'POST', body: form });
      return { status: response.status, body: (await response.json()) as any };
    }

    it('refuses JSON bodies nested deeper than 100 levels, naming the limit and the field; 100 levels pass', async () => {
      const prediction = `/api/v1/prediction/${flowId}`;
      for (const levels of [101, 5000]) {
        expect400(await postRaw(prediction, `{"question":"deep","overrideConfig":${nestedText(levels - 1)}}`), 'INVALID_JSON', ['100 levels', 'overrideConfig']);
      }
      expect400(await postRaw(prediction, `[${nestedText(200)}]`), 'INVALID_JSON', ['100 levels']);
      expect(await h.repos.runs.countForChatflow(flowId)).toBe(0);
      const atLimit = await h.anon.post(prediction, { question: 'at the limit', overrideConfig: nested(99) });
      expect(atLimit.status, atLimit.text.slice(0, 300)).toBe(200);
      // Form fields carrying JSON are held to the same bound.
      expect400(await postForm(prediction, { question: 'deep form', overrideConfig: nestedText(5000) }), 'VALIDATION_FAILED', ['overrideConfig', '100 levels']);
      expect(await h.repos.runs.countForChatflow(flowId)).toBe(1);
    });

    it('refuses chatflows whose JSON-string fields nest deeper than 100 levels, on create and update', async () => {
      const before = (await h.admin.get('/api/v1/chatflows')).body.length as number;
      const flowData = (await h.admin.get(`/api/v1/chatflows/${flowId}`)).body.flowData as string;
      for (const field of ['chatbotConfig', 'apiConfig']) {
        const body = { name: 'deep', flowData, [field]: nestedText(20000) };
        expect400(await h.admin.post('/api/v1/chatflows', body), 'VALIDATION_FAILED', [field, '100 levels']);
        expect400(await h.admin.put(`/api/v1/chatflows/${flowId}`, { [field]: nestedText(101) }), 'VALIDATION_FAILED', [field, '100 levels']);
      }
      const deepFlow = JSON.stringify({ nodes: [], edges: [], viewport: { zoom: 1 } }).replace('{"zoom":1}', nestedText(150));
      expect400(await h.admin.post('/api/v1/chatflows', { name: 'deep', flowData: deepFlow }), 'VALIDATION_FAILED', ['flowData', '100 levels']);
      expect((await h.admin.get('/api/v1/chatflows')).body).toHaveLength(before);
      expect((await h.anon.get(`/api/v1/public-chatbotConfig/${flowId}`)).status).toBe(200);
      const ok = await h.admin.put(`/api/v1/chatflows/${flowId}`, { chatbotConfig: JSON.stringify(nested(100)) });
      expect(ok.status, ok.text.slice(0, 300)).toBe(200);
      expect((await h.anon.get(`/api/v1/public-chatbotConfig/${flowId}`)).status).toBe(200);
    });

    it('says precisely that keys named __proto__ or constructor are not allowed, and where', async () => {
      const prediction = `/api/v1/prediction/${flowId}`;
      const proto = await postRaw(prediction, '{"question":"q","overrideConfig":{"vars":{"__proto__":{"admin":true}}}}');
      expect400(proto, 'INVALID_JSON', ['"__proto__"', 'overrideConfig.vars.__proto__', 'keys named __proto__ or constructor are not allowed']);
      expect(proto.body.message).not.toContain('not valid JSON');
      const ctor = await postRaw('/api/v1/chatflows', '{"name":"x","constructor":{"prototype":{}}}', h.admin);
      expect400(ctor, 'INVALID_JSON', ['"constructor"', 'keys named __proto__ or constructor are not allowed']);
      // Malformed JSON still says so, with the parser's reason.
      expect400(await postRaw(prediction, '{"question": "oops",'), 'INVALID_JSON', ['not valid JSON']);
      expect(await h.repos.runs.countForChatflow(flowId)).toBe(1);
    });

    it('refuses NUL characters in every text field with a 400 naming it, and writes nothing', async () => {
      const prediction = `/api/v1/prediction/${flowId}`;
      const runsBefore = await h.repos.runs.countForChatflow(flowId);
      const flowsBefore = (await h.admin.get('/api/v1/chatflows')).body.length as number;
      const storesBefore = (await h.admin.get('/api/v1/document-store/store')).body.length as number;

      expect400(await h.anon.post(prediction, { question: 'a\u0000b' }), 'VALIDATION_FAILED', ['question', 'NUL']);
      expect400(await h.anon.post(prediction, { question: 'q', chatId: 'chat\u0000' }), 'VALIDATION_FAILED', ['chatId', 'NUL']);
      expect400(await h.anon.post(prediction, { question: 'q', overrideConfig: { vars: { ['k\u0000']: 'v' } } }), 'VALIDATION_FAILED', ['overrideConfig.vars', 'NUL']);
      expect400(await h.anon.post(prediction, { question: 'q', history: [{ role: 'userMessage', content: 'x\u0000' }] }), 'VALIDATION_FAILED', ['history[0].content']);
      expect400(await postForm(prediction, { question: 'form\u0000' }), 'VALIDATION_FAILED', ['question', 'NUL']);
      expect400(await postForm(prediction, { question: 'q', overrideConfig: JSON.stringify({ x: 'y\u0000' }) }), 'VALIDATION_FAILED', ['overrideConfig', 'NUL']);
      expect400(await h.admin.post('/api/v1/chatflows', { name: 'flow\u0000', flowData: stringify({ nodes: [], edges: [] } as never) }), 'VALIDATION_FAILED', ['name']);
      expect400(await h.admin.put(`/api/v1/chatflows/${flowId}`, { name: 'renamed\u0000' }), 'VALIDATION_FAILED', ['name']);
      expect400(await h.admin.post('/api/v1/document-store/store', { name: 'store\u0000' }), 'VALIDATION_FAILED', ['name']);
      expect400(await h.admin.get(`/api/v1/chatmessage/${flowId}?chatId=a%00b`), 'VALIDATION_FAILED', ['query parameter chatId', 'NUL']);
      expect400(await h.admin.delete(`/api/v1/chatmessage/${flowId}?sessionId=%00`), 'VALIDATION_FAILED', ['query parameter sessionId']);
      expect400(await h.admin.get('/api/v1/chatflows/abc%00def'), 'VALIDATION_FAILED', ['URL parameter id', 'NUL']);
      expect400(await h.anon.get('/api/v1/public-chatbotConfig/%00'), 'VALIDATION_FAILED', ['URL parameter id']);

      expect(await h.repos.runs.countForChatflow(flowId)).toBe(runsBefore);
      expect((await h.admin.get('/api/v1/chatflows')).body).toHaveLength(flowsBefore);
      expect((await h.admin.get(`/api/v1/chatflows/${flowId}`)).body.name).toBe('test flow');
      expect((await h.admin.get('/api/v1/document-store/store')).body).toHaveLength(storesBefore);
    });
  });
}
