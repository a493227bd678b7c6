import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow, stringify } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow } from '../support/api-harness.js';
import { TEST_BASIC_PASSWORD, TEST_BASIC_USER } from '../support/test-server.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Management API, credentials and API keys, auth per route, feedback, CORS and the small routes. */
export function managementSuite(factory: HarnessFactory): void {
  describe('management and access', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    const flow = (credential: string) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential });

    it('creates, lists, merges and deletes chatflows', async () => {
      const flowData = stringify(flow('cred-1'));
      const created = await h.admin.post('/api/v1/chatflows', { name: 'crud', flowData, deployed: false, type: 'CHATFLOW', category: 'a;b' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ name: 'crud', flowData, deployed: false, apikeyid: null, type: 'CHATFLOW' });
      expect(created.body).toHaveProperty('createdDate');
      const id = created.body.id;
      expect((await h.admin.get('/api/v1/chatflows')).body.some((f: { id: string }) => f.id === id)).toBe(true);

      const merged = await h.admin.put(`/api/v1/chatflows/${id}`, { name: 'renamed' });
      expect(merged.body).toMatchObject({ id, name: 'renamed', flowData, category: 'a;b', deployed: false });
      const bound = await h.admin.put(`/api/v1/chatflows/${id}`, { apikeyid: 'some-key-id', chatbotConfig: { welcomeMessage: 'hey' } });
      expect(bound.body).toMatchObject({ name: 'renamed', apikeyid: 'some-key-id', chatbotConfig: '{"welcomeMessage":"hey"}' });
      expect((await h.admin.get(`/api/v1/chatflows/${id}`)).body.name).toBe('renamed');

      // A Flowise export with nodes we do not run yet still imports.
      const foreign = { nodes: [{ id: 'pinecone_0', data: { name: 'pinecone' } }], edges: [] };
      expect((await h.admin.post('/api/v1/chatflows', { name: 'import', flowData: JSON.stringify(foreign) })).status).toBe(200);

      expect((await h.admin.delete(`/api/v1/chatflows/${id}`)).status).toBe(200);
      const gone = await h.admin.get(`/api/v1/chatflows/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ statusCode: 404, success: false, message: `Chatflow ${id} not found`, code: 'CHATFLOW_NOT_FOUND' });
      expect((await h.admin.put(`/api/v1/chatflows/${id}`, { name: 'x' })).status).toBe(404);
    });

    it('rejects chatflows without nodes and edges, or without a name', async () => {
      for (const body of [
        { name: 'bad', flowData: '{"nodes":[]}' },
        { name: 'bad', flowData: 'not json' },
        { flowData: '{"nodes":[],"edges":[]}' },
        { name: 'bad', flowData: '{"nodes":[],"edges":[]}', type: 'SOMETHING' },
      ]) {
        const response = await h.admin.post('/api/v1/chatflows', body);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('keeps credentials encrypted at rest and never shows secrets', async () => {
      const created = await h.admin.post('/api/v1/credentials', {
        name: 'my openai',
        credentialName: 'openAIApi',
        plainDataObj: { openAIApiKey: 'sk-very-secret-value' },
      });
      expect(created.status).toBe(200);
      expect(Object.keys(created.body).sort()).toEqual(['createdDate', 'credentialName', 'id', 'name', 'updatedDate']);
      const stored = await h.repos.credentials.get(created.body.id);
      expect(stored!.encryptedData).not.toContain('sk-very-secret-value');
      expect(stored!.encryptedData.startsWith('v1:')).toBe(true);
      const shown = await h.admin.get(`/api/v1/credentials/${created.body.id}`);
      expect(JSON.stringify(shown.body)).not.toContain('sk-very-secret-value');
      const masked = shown.body.plainDataObj.openAIApiKey;
      // Sending the mask back keeps the secret; other fields change.
      await h.admin.put(`/api/v1/credentials/${created.body.id}`, { name: 'renamed', plainDataObj: { openAIApiKey: masked, extra: 'x' } });
      const again = await h.admin.get(`/api/v1/credentials/${created.body.id}`);
      expect(again.body).toMatchObject({ name: 'renamed', plainDataObj: { openAIApiKey: masked, extra: 'x' } });
      const list = await h.admin.get('/api/v1/credentials?credentialName=openAIApi');
      expect(list.body.some((c: { id: string }) => c.id === created.body.id)).toBe(true);
      expect(JSON.stringify(list.body)).not.toContain('sk-very-secret-value');
      expect((await h.admin.post('/api/v1/credentials', { name: 'x' })).status).toBe(400);
      expect((await h.admin.delete(`/api/v1/credentials/${created.body.id}`)).status).toBe(200);
      expect((await h.admin.get(`/api/v1/credentials/${created.body.id}`)).status).toBe(404);
    });

    it('shows an API key once and stores only its hash', async () => {
      const created = await h.admin.post('/api/v1/apikey', { keyName: 'ci' });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({ id: expect.any(String), keyName: 'ci', apiKey: expect.any(String), createdAt: expect.any(String) });
      const plaintext = created.body.apiKey as string;
      expect(plaintext.length).toBeGreaterThanOrEqual(40);
      const list = await h.admin.get('/api/v1/apikey');
      expect(JSON.stringify(list.body)).not.toContain(plaintext);
      const record = await h.repos.apiKeys.get(created.body.id);
      expect(record!.keyHash).not.toContain(plaintext);
      expect(JSON.stringify(record)).not.toContain(plaintext);
      // The key works on the management API.
      expect((await h.anon.get('/api/v1/chatflows', { authorization: `Bearer ${plaintext}` })).status).toBe(200);
      expect((await h.anon.get('/api/v1/chatflows', { authorization: `bearer ${plaintext}` })).status).toBe(200);
      const renamed = await h.admin.put(`/api/v1/apikey/${created.body.id}`, { keyName: 'renamed' });
      expect(renamed.body.keyName).toBe('renamed');
      expect(renamed.body.apiKey).toBeUndefined();
      expect((await h.admin.delete(`/api/v1/apikey/${created.body.id}`)).status).toBe(200);
      expect((await h.anon.get('/api/v1/chatflows', { authorization: `Bearer ${plaintext}` })).status).toBe(401);
    });

    it('guards the management API and leaves the Flowise public routes open', async () => {
      const denied = await h.anon.get('/api/v1/chatflows');
      expect(denied.status).toBe(401);
      expect(denied.body).toMatchObject({ statusCode: 401, success: false, code: 'UNAUTHORIZED' });
      expect((await h.anon.get('/api/v1/chatflows', { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await h.anon.get('/api/v1/credentials', { authorization: basic(TEST_BASIC_USER, TEST_BASIC_PASSWORD) })).status).toBe(200);
      expect((await h.anon.get('/api/v1/credentials', { authorization: basic(TEST_BASIC_USER, 'nope') })).status).toBe(401);
      expect((await h.anon.get('/api/v1/apikey')).status).toBe(401);
      expect((await h.anon.get('/metrics')).status).toBe(401);
      expect((await h.admin.get('/metrics')).text).toContain('aimicromind_run_duration_seconds');

      const id = await createFlow(h, flow);
      expect((await h.anon.get(`/api/v1/chatmessage/${id}`)).status).toBe(401);
      expect((await h.anon.get('/api/v1/ping')).text).toBe('pong');
      expect((await h.anon.get('/api/v1/version')).body).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).status).toBe(200);
      expect((await h.anon.get(`/api/v1/public-chatbotConfig/${id}`)).status).toBe(200);
      expect((await h.anon.get('/healthz')).body).toEqual({ status: 'ok' });
      const ready = await h.anon.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.database).toBe('ok');
    });

    it('locks keyed chatflows to their key (or admin), also after the key is deleted', async () => {
      const id = await createFlow(h, flow);
      const key = await h.admin.post('/api/v1/apikey', { keyName: 'flow key' });
      const other = await h.admin.post('/api/v1/apikey', { keyName: 'other key' });
      await h.admin.put(`/api/v1/chatflows/${id}`, { apikeyid: key.body.id });
      const ask = (headers?: Record<string, string>) => h.anon.post(`/api/v1/prediction/${id}`, { question: 'k' }, headers);
      const anonymous = await ask();
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.text).toBeUndefined();
      expect((await ask({ authorization: `Bearer ${other.body.apiKey}` })).status).toBe(401);
      expect((await ask({ authorization: `Bearer ${key.body.apiKey}` })).status).toBe(200);
      expect((await h.admin.post(`/api/v1/prediction/${id}`, { question: 'k' })).status).toBe(200);
      const streaming = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'k', streaming: true });
      expect(streaming.status).toBe(401);
      expect(await h.repos.runs.countForChatflow(id)).toBe(2);

      await h.admin.delete(`/api/v1/apikey/${key.body.id}`);
      expect((await ask()).status).toBe(401);
      expect((await ask({ authorization: `Bearer ${key.body.apiKey}` })).status).toBe(401);
      const byKey = await h.anon.get(`/api/v1/chatflows/apikey/${other.body.apiKey}`);
      expect(byKey.status).toBe(200);
      expect(byKey.body.some((f: { id: string }) => f.id === id)).toBe(false);
      expect((await h.anon.get('/api/v1/chatflows/apikey/not-a-key')).status).toBe(401);
    });

    it('lists and deletes chat messages, with filters and order', async () => {
      const id = await createFlow(h, flow);
      for (const q of ['first', 'second']) await h.anon.post(`/api/v1/prediction/${id}`, { question: q, chatId: 'msgs-1' });
      await h.anon.post(`/api/v1/prediction/${id}`, { question: 'elsewhere', chatId: 'msgs-2' });
      const asc = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=msgs-1`);
      expect(asc.body.map((m: { content: string }) => m.content)).toEqual(['first', 't1 t2 t3', 'second', 't1 t2 t3']);
      const desc = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=msgs-1&order=DESC`);
      expect(desc.body[0].content).toBe('t1 t2 t3');
      expect(desc.body.at(-1).content).toBe('first');
      expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatType=INTERNAL`)).body).toEqual([]);
      expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatType=["EXTERNAL"]`)).body).toHaveLength(6);
      expect((await h.admin.get(`/api/v1/chatmessage/${id}?page=2&limit=4`)).body).toHaveLength(2);
      const deleted = await h.admin.delete(`/api/v1/chatmessage/${id}?chatId=msgs-1`);
      expect(deleted.body).toEqual({ affected: 4 });
      expect((await h.admin.get(`/api/v1/chatmessage/${id}`)).body).toHaveLength(2);
    });

    it('takes feedback on a message from its metadata id, and updates it', async () => {
      const id = await createFlow(h, flow);
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'rate me', chatId: 'fb-1' });
      const created = await h.anon.post(`/api/v1/feedback/${id}`, {
        chatflowid: id,
        chatId: 'fb-1',
        messageId: answer.body.chatMessageId,
        rating: 'THUMBS_UP',
        content: '',
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ id: expect.any(String), rating: 'THUMBS_UP', messageId: answer.body.chatMessageId });
      const updated = await h.anon.put(`/api/v1/feedback/${created.body.id}`, { content: 'great answer' });
      expect(updated.body).toMatchObject({ id: created.body.id, content: 'great answer', rating: 'THUMBS_UP' });
      const withFeedback = await h.admin.get(`/api/v1/chatmessage/${id}?feedback=true`);
      expect(withFeedback.body.find((m: { id: string }) => m.id === answer.body.chatMessageId).feedback.content).toBe('great answer');
      const badRating = await h.anon.post(`/api/v1/feedback/${id}`, { chatId: 'fb-1', messageId: answer.body.chatMessageId, rating: 'MEH' });
      expect(badRating.status).toBe(400);
      const unknown = await h.anon.post(`/api/v1/feedback/${id}`, { chatId: 'fb-1', messageId: 'nope', rating: 'THUMBS_DOWN' });
      expect(unknown.status).toBe(404);
      expect((await h.anon.put('/api/v1/feedback/nope', { content: 'x' })).status).toBe(404);
    });

    it('answers CORS preflights for the embed', async () => {
      const preflight = await fetch(`${h.url}/api/v1/prediction/x`, {
        method: 'OPTIONS',
        headers: { origin: 'https://site.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
      const id = await createFlow(h, flow);
      const response = await fetch(`${h.url}/api/v1/prediction/${id}`, {
        method: 'POST',
        headers: { origin: 'https://site.example', 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'cors' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBeTruthy();
      expect(response.headers.get('access-control-expose-headers')).toContain('X-Run-Id');
      const streamed = await fetch(`${h.url}/api/v1/prediction/${id}`, {
        method: 'POST',
        headers: { origin: 'https://site.example', 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'cors', streaming: true }),
      });
      expect(streamed.headers.get('access-control-allow-origin')).toBeTruthy();
      await streamed.text();
    });
  });
}
