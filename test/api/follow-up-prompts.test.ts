import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow, startMainHarness } from '../support/api-harness.js';
import { startQueueHarness } from '../support/queue-harness.js';
import { parseQuestions } from '../../src/runner/follow-up-prompts.js';

const QUESTIONS = ['What else?', 'Why so?', 'And then?'];
const followUpModel = (json: unknown) => `fake;text=${encodeURIComponent(JSON.stringify(json))}`;

/**
 * Follow-up prompts (the chatflow's `followUpPrompts` setting, Flowise's shape): generated after the
 * answer with the chosen provider, returned in the JSON answer and the SSE metadata, stored on the
 * answer's message; a failing follow-up model never fails the answer. Both modes run the same executor.
 */
describe.each([
  ['main', startMainHarness],
  ['queue', ((env) => startQueueHarness(env, { workers: 1 })) as HarnessFactory],
])('follow-up prompts (%s mode)', { timeout: 120_000 }, (_mode, start) => {
  let h: ApiHarness;
  let chatflowId = '';
  let credential = '';

  const configure = (model: string, status = true) =>
    h.admin.put(`/api/v1/chatflows/${chatflowId}`, {
      followUpPrompts: {
        status,
        selectedProvider: 'chatOpenAI',
        chatOpenAI: { credentialId: credential, modelName: model, baseUrl: h.fake.url, temperature: 0.5, prompt: 'Questions after: {history}' },
      },
    });

  beforeAll(async () => {
    // A budget short enough for the hanging model below, long enough for the fake to answer on a slow machine.
    h = await start({ FOLLOW_UP_PROMPTS_TIMEOUT: '3000' });
    chatflowId = await createFlow(h, (c) => ((credential = c), llmChainFlow({ model: 'fake;text=The%20answer', basepath: h.fake.url, credential: c })));
  });
  afterAll(() => h?.close());

  it('adds them to the JSON answer and the stored message, after asking the chosen model about the answer', async () => {
    await configure(followUpModel({ questions: QUESTIONS }));
    const response = await h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hi' });
    expect(response.status).toBe(200);
    expect(response.body.text).toBe('The answer');
    expect(JSON.parse(response.body.followUpPrompts)).toEqual(QUESTIONS);
    const asked = h.fake.requests.at(-1)!;
    expect(asked.body.model).toBe(followUpModel({ questions: QUESTIONS }));
    expect(JSON.stringify(asked.body.messages)).toContain('Questions after: The answer');

    const messages = (await h.admin.get(`/api/v1/chatmessage/${chatflowId}?chatId=${response.body.chatId}`)).body as Array<{ role: string; followUpPrompts?: string }>;
    expect(JSON.parse(messages.find((m) => m.role === 'apiMessage')!.followUpPrompts!)).toEqual(QUESTIONS);
  });

  it('sends them in the SSE metadata of a streamed answer', async () => {
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${chatflowId}`, { question: 'hi', streaming: true });
    const metadata = stream.events.find((e) => e.event === 'metadata')!.data as { followUpPrompts?: string };
    expect(JSON.parse(metadata.followUpPrompts!)).toEqual(QUESTIONS);
  });

  it('answers without them when they are off or their model fails', async () => {
    await configure(followUpModel({ questions: QUESTIONS }), false);
    const before = h.fake.requests.length;
    const off = await h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hi' });
    expect(off.status).toBe(200);
    expect(off.body.followUpPrompts).toBeUndefined();
    expect(h.fake.requests.length).toBe(before + 1);

    await configure('fake;error=500');
    const failing = await h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hi' });
    expect(failing.status).toBe(200);
    expect(failing.body.text).toBe('The answer');
    expect(failing.body.followUpPrompts).toBeUndefined();
  });

  it('sends the answer without them when their model hangs past FOLLOW_UP_PROMPTS_TIMEOUT, and the run completes', async () => {
    await configure('fake;hang');
    const json = await h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hi' });
    expect(json.status).toBe(200);
    expect(json.body.text).toBe('The answer');
    expect(json.body.followUpPrompts).toBeUndefined();
    expect((await h.admin.get(`/api/v1/runs/${json.body.runId}`)).body.status).toBe('completed');
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${chatflowId}`, { question: 'hi', streaming: true });
    expect(stream.events.map((e) => e.event)).toContain('metadata');
    expect(stream.events.at(-1)!.event).toBe('end');
    expect((stream.events.find((e) => e.event === 'metadata')!.data as { followUpPrompts?: string }).followUpPrompts).toBeUndefined();
  });
});

describe('follow-up answer parsing', () => {
  it('takes the questions of the first JSON object, fenced or not, and nothing else', () => {
    expect(parseQuestions('```json\n{"questions": ["A?", " B? ", ""]}\n```')).toEqual(['A?', 'B?']);
    expect(parseQuestions('no json here')).toBeUndefined();
    expect(parseQuestions('{"questions": "not a list"}')).toBeUndefined();
  });
});
