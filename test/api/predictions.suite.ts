import { FlowiseClient } from 'flowise-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import { streamedText } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

/** Predictions as Flowise clients make them: JSON, SSE, memory, history, overrides, the real SDK. */
export function predictionSuite(factory: HarnessFactory): void {
  describe('predictions', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    const model = 'fake;tokens=12';
    const flow = (extra: Partial<Parameters<typeof llmChainFlow>[0]> = {}) => (credential: string) =>
      llmChainFlow({ model, basepath: h.fake.url, credential, ...extra });

    async function storedAnswer(chatflowId: string, chatId: string): Promise<string> {
      const messages = await h.admin.get(`/api/v1/chatmessage/${chatflowId}?chatId=${chatId}`);
      const answers = (messages.body as Array<{ role: string; content: string }>).filter((m) => m.role === 'apiMessage');
      expect(answers).toHaveLength(1);
      return answers[0]!.content;
    }

    it('answers a JSON prediction with the contract fields and stores the conversation', async () => {
      const id = await createFlow(h, flow());
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'hello', chatId: 'chat-json-1', chatflowId: id, unknownField: 1 });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = response.body;
      expect(body.text).toBe(expectedAnswer(model, 'hello'));
      expect(body).toMatchObject({ question: 'hello', chatId: 'chat-json-1', sessionId: 'chat-json-1' });
      expect(typeof body.chatMessageId).toBe('string');
      expect(body.runId).toBe(response.headers.get('x-run-id'));
      expect(await storedAnswer(id, 'chat-json-1')).toBe(body.text);
      const messages = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=chat-json-1`);
      expect(messages.body.map((m: { role: string }) => m.role)).toEqual(['userMessage', 'apiMessage']);
      expect(messages.body[0]).toMatchObject({ content: 'hello', chatType: 'EXTERNAL', chatflowid: id });
      expect(messages.body[1].id).toBe(body.chatMessageId);
      const run = await h.anon.get(`/api/v1/runs/${body.runId}`);
      expect(run.body).toMatchObject({ runId: body.runId, status: 'completed', attempt: 1, result: { text: body.text } });
    });

    it('generates a chatId when none is given and echoes it', async () => {
      const id = await createFlow(h, flow());
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'no chat id' });
      expect(response.status).toBe(200);
      expect(response.body.chatId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body.sessionId).toBe(response.body.chatId);
    });

    it('streams SSE in the exact Flowise framing, tokens adding up to the stored answer', async () => {
      const id = await createFlow(h, flow());
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`, { 'content-type': 'application/json' })).body).toEqual({ isStreaming: true });
      const response = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'stream me', chatId: 'chat-sse-1', streaming: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      const runId = response.headers.get('x-run-id');
      expect(runId).toBeTruthy();

      const names = response.events.map((e) => e.event);
      expect(names[0]).toBe('start');
      expect(names.at(-1)).toBe('end');
      expect(names.at(-2)).toBe('metadata');
      expect(names.filter((n) => n === 'end')).toHaveLength(1);
      expect(names.indexOf('start')).toBeLessThan(names.indexOf('token'));
      const tokens = response.events.filter((e) => e.event === 'token');
      expect(tokens.length).toBeGreaterThan(0);
      // `start` carries the first token; queue mode may join tokens into fewer events (same text).
      expect((tokens[0]!.data as string).startsWith(response.events[0]!.data as string)).toBe(true);
      if (h.mode === 'main') expect(tokens.length).toBe(12);
      const text = streamedText(response.events);
      expect(text).toBe(expectedAnswer(model, 'stream me'));
      expect(await storedAnswer(id, 'chat-sse-1')).toBe(text);

      const metadata = response.events.at(-2)!.data as Record<string, unknown>;
      expect(metadata).toMatchObject({ chatId: 'chat-sse-1', sessionId: 'chat-sse-1', question: 'stream me', runId });
      expect(typeof metadata.chatMessageId).toBe('string');
      expect(response.events.at(-1)!.data).toBe('[DONE]');
      // Every event has an id; ids increase.
      const ids = response.events.map((e) => Number(e.id));
      expect(ids.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      // Byte format of one event (heartbeat comments may come first on a slow, loaded machine).
      const raw = response.raw.replaceAll(':heartbeat\n\n', '');
      expect(raw).toMatch(/^id:\d+\nmessage:\ndata:\{"event":"start","data":"t1"\}\n\n/);
      expect(raw.endsWith('message:\ndata:{"event":"end","data":"[DONE]"}\n\n')).toBe(true);
    });

    it('sends heartbeat comments while the model is slow', async () => {
      // The model says nothing until a heartbeat has reached the client.
      const id = await createFlow(h, flow({ model: 'fake;tokens=2;gate=heartbeat' }));
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'slow', streaming: 'true' });
      await stream.until(() => stream.heartbeats > 0);
      expect(stream.events).toEqual([]);
      h.fake.gates.open('heartbeat');
      const events = await stream.untilEnd();
      expect(stream.raw).toMatch(/^(:heartbeat\n\n)+id:/);
      expect(streamedText(events)).toBe('t1 t2');
    });

    it('answers JSON when the flow cannot stream, and says so on chatflows-streaming', async () => {
      const id = await createFlow(h, flow({ streaming: false }));
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: false });
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'x', streaming: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body.text).toBe(expectedAnswer(model, 'x'));
    });

    it('keeps memory across two questions in one chatId, and not across chats', async () => {
      const id = await createFlow(h, (credential) => conversationFlow({ model: 'echo', basepath: h.fake.url, credential }));
      h.fake.reset();
      const first = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'My name is Ada', chatId: 'mem-1' });
      expect(first.body.text).toBe('You said: My name is Ada');
      expect(first.body.memoryType).toBe('Buffer Memory');
      const second = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'What is my name?', chatId: 'mem-1', streaming: true });
      expect(streamedText(second.events)).toBe('You said: What is my name?');
      expect((second.events.find((e) => e.event === 'metadata')!.data as { memoryType?: string }).memoryType).toBe('Buffer Memory');
      const messages = h.fake.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
      expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(messages[1]!.content).toBe('My name is Ada');
      expect(messages[2]!.content).toBe('You said: My name is Ada');
      expect(messages[3]!.content).toBe('What is my name?');

      await h.anon.post(`/api/v1/prediction/${id}`, { question: 'other chat', chatId: 'mem-2' });
      const other = h.fake.requests.at(-1)!.body.messages as Array<{ role: string }>;
      expect(other.map((m) => m.role)).toEqual(['system', 'user']);
    });

    it('cuts history to the window of bufferWindowMemory and puts request history first', async () => {
      const id = await createFlow(h, (credential) =>
        conversationFlow({ model: 'echo', basepath: h.fake.url, credential, memory: 'bufferWindowMemory', k: '1' }),
      );
      for (const q of ['one', 'two', 'three']) await h.anon.post(`/api/v1/prediction/${id}`, { question: q, chatId: 'win-1' });
      await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'four',
        chatId: 'win-1',
        history: [
          { role: 'userMessage', content: 'from history' },
          { type: 'apiMessage', message: 'history answer' },
        ],
      });
      const messages = h.fake.requests.at(-1)!.body.messages as Array<{ role: string; content: string }>;
      expect(messages.map((m) => m.content)).toEqual([
        expect.any(String),
        'from history',
        'history answer',
        'three',
        'You said: three',
        'four',
      ]);
      // Request history is never saved.
      const stored = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=win-1`);
      expect(stored.body.map((m: { content: string }) => m.content)).not.toContain('from history');
    });

    it('applies overrideConfig: sessionId, enabled node params and variables only', async () => {
      const apiConfig = JSON.stringify({
        overrideConfig: {
          status: true,
          nodes: { ChatOpenAI: [{ name: 'temperature', enabled: true }, { name: 'maxTokens', enabled: false }] },
          variables: [{ name: 'tone', enabled: true }],
        },
      });
      const id = await createFlow(
        h,
        flow({ model: 'echo', template: 'Say {question} in a {tone} tone', promptValues: '{"question":"{{question}}","tone":"{{$vars.tone}}"}' }),
        { apiConfig },
      );
      h.fake.reset();
      const response = await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'hi',
        overrideConfig: { temperature: 0.1, maxTokens: 7, vars: { tone: 'calm', secret: 'no' }, sessionId: 'override-session' },
      });
      expect(response.body.text).toBe('You said: Say hi in a calm tone');
      expect(response.body.sessionId).toBe('override-session');
      expect(response.body.chatId).toBe('override-session');
      const sent = h.fake.requests.at(-1)!.body;
      expect(sent.temperature).toBe(0.1);
      expect(sent.max_tokens).toBeUndefined();

      // Without status: true, nothing but sessionId applies.
      const locked = await createFlow(h, flow({ model: 'echo', temperature: 0.5 }));
      await h.anon.post(`/api/v1/prediction/${locked}`, { question: 'hi', overrideConfig: { temperature: 0.2 } });
      expect(h.fake.requests.at(-1)!.body.temperature).toBe(0.5);
    });

    it('serves public-chatbotConfig without the origin allow-list', async () => {
      const chatbotConfig = JSON.stringify({ welcomeMessage: 'Hi!', allowedOrigins: ['https://a.example'], chatFeedback: { status: true } });
      const id = await createFlow(h, flow(), { chatbotConfig });
      const config = await h.anon.get(`/api/v1/public-chatbotConfig/${id}`);
      expect(config.status).toBe(200);
      expect(config.body).toMatchObject({ welcomeMessage: 'Hi!', chatFeedback: { status: true } });
      expect(config.body.allowedOrigins).toBeUndefined();
      expect((await h.anon.get('/api/v1/public-chatbotConfig/nope')).status).toBe(404);
      const blocked = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'x' }, { origin: 'https://evil.example' });
      expect(blocked.status).toBe(403);
      const allowed = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'x' }, { origin: 'https://a.example' });
      expect(allowed.status).toBe(200);
    });

    it('works with the real flowise-sdk, streaming and not, unmodified', async () => {
      const id = await createFlow(h, flow());
      const client = new FlowiseClient({ baseUrl: h.url });
      const streamed = await client.createPrediction({ chatflowId: id, question: 'sdk stream', streaming: true, chatId: 'sdk-1' });
      const events: Array<{ event: string; data: unknown }> = [];
      for await (const chunk of streamed as AsyncIterable<{ event: string; data: unknown }>) events.push(chunk);
      expect(events[0]!.event).toBe('start');
      expect(events.at(-1)).toEqual({ event: 'end', data: '[DONE]' });
      const text = events.filter((e) => e.event === 'token').map((e) => e.data).join('');
      expect(text).toBe(expectedAnswer(model, 'sdk stream'));
      expect(await storedAnswer(id, 'sdk-1')).toBe(text);

      const json = (await client.createPrediction({ chatflowId: id, question: 'sdk json' })) as { text: string };
      expect(json.text).toBe(expectedAnswer(model, 'sdk json'));
    });

    it('accepts multipart/form-data predictions with JSON-string fields', async () => {
      const id = await createFlow(h, flow({ model: 'echo' }));
      const form = new FormData();
      form.append('question', 'from a form');
      form.append('chatId', 'form-1');
      form.append('overrideConfig', JSON.stringify({ sessionId: 'form-session' }));
      // Files are no longer dropped: one this flow has no use for is refused (uploads.suite.ts).
      const response = await fetch(`${h.url}/api/v1/prediction/${id}`, { method: 'POST', body: form });
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ text: 'You said: Answer this: from a form', chatId: 'form-1', sessionId: 'form-session' });
    });

    it('runs concurrent streams without mixing tokens, even in one chatId', async () => {
      const id = await createFlow(h, flow({ model: 'echo' }));
      const questions = Array.from({ length: 12 }, (_, i) => `question number ${i}`);
      const results = await Promise.all(
        questions.map((q) => h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: q, chatId: 'shared-chat', streaming: true })),
      );
      results.forEach((r, i) => {
        expect(streamedText(r.events)).toBe(`You said: Answer this: ${questions[i]}`);
        expect(r.events.filter((e) => e.event === 'end')).toHaveLength(1);
      });
      const stored = await eventually(async () => {
        const list = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=shared-chat`);
        return list.body.length === 24 ? list.body : undefined;
      });
      expect(stored.filter((m: { role: string }) => m.role === 'apiMessage')).toHaveLength(12);
    });

    it("stores the web UI's test chat as chatType INTERNAL, API calls as EXTERNAL, and the UI's clear deletes it", async () => {
      const id = await createFlow(h, flow());
      const login = await h.anon.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY });
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='))!.split(';')[0]!;
      const ui = h.anon.withHeaders({ cookie, 'x-request-from': 'internal' });
      expect((await ui.post(`/api/v1/prediction/${id}`, { question: 'from the canvas', chatId: 'ui-chat' })).status).toBe(200);
      const streamed = await ui.stream('POST', `/api/v1/prediction/${id}`, { question: 'streamed there', chatId: 'ui-chat', streaming: true });
      expect(streamed.events.at(-1)!.event).toBe('end');
      expect((await h.admin.post(`/api/v1/prediction/${id}`, { question: 'from a script', chatId: 'api-chat' })).status).toBe(200);
      // The header without a session (anyone may send it) and a session without the header stay EXTERNAL.
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'header only', chatId: 'api-chat' }, { 'x-request-from': 'internal' })).status).toBe(200);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'cookie only', chatId: 'api-chat' }, { cookie })).status).toBe(200);

      const byType = async (chatType: string) =>
        (await h.admin.get(`/api/v1/chatmessage/${id}?chatType=${chatType}`)).body.map((m: { chatId: string; chatType: string }) => `${m.chatId} ${m.chatType}`);
      await eventually(async () => ((await byType('INTERNAL')).length === 4 ? true : undefined), 20000, 'the streamed run stored');
      expect(await byType('INTERNAL')).toEqual(Array(4).fill('ui-chat INTERNAL'));
      expect(await byType('EXTERNAL')).toEqual(Array(6).fill('api-chat EXTERNAL'));

      // The chat panel's Clear: DELETE by chatId (with or without chatType=INTERNAL), as the UI's session.
      const clearedTyped = await ui.delete(`/api/v1/chatmessage/${id}?chatId=ui-chat&chatType=INTERNAL`);
      expect(clearedTyped.body).toEqual({ affected: 4 });
      expect(await byType('INTERNAL')).toEqual([]);
      expect((await ui.post(`/api/v1/prediction/${id}`, { question: 'again', chatId: 'ui-chat' })).status).toBe(200);
      expect((await ui.delete(`/api/v1/chatmessage/${id}?chatId=ui-chat`)).body).toEqual({ affected: 2 });
      expect(await byType('EXTERNAL')).toHaveLength(6);
    });
  });
}
