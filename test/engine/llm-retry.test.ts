import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatModelKind, buildFlow, llmChainPart, modelPart, promptPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { LlmCallError, RunAbortedError } from '../../src/engine/errors.js';
import { MAX_RETRY_AFTER_MS, retryDelay } from '../../src/engine/run/llm-retry.js';
import { rejectionOf } from '../support/rejection.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const credentials: Record<string, Record<string, unknown>> = {
  openai: { openAIApiKey: 'sk-test' },
  anthropic: { anthropicApiKey: 'sk-ant' },
  azureChatOpenAI: { azureOpenAIApiKey: 'az-key', azureOpenAIApiInstanceName: 'inst', azureOpenAIApiDeploymentName: 'dep-1', azureOpenAIApiVersion: '2024-10-21' },
  chatMistralAI: { mistralAIAPIKey: 'mi-key' },
  chatGoogleGenerativeAI: { googleGenerativeAPIKey: 'go-key' },
  groqChat: { groqApiKey: 'gq-key' },
  chatDeepseek: { deepseekApiKey: 'ds-key' },
};
const credentialOf = (kind: ChatModelKind) =>
  kind === 'chatOpenAI' ? 'openai' : kind === 'chatAnthropic' ? 'anthropic' : kind === 'chatOllama' ? '' : kind;
const KINDS: ChatModelKind[] = ['chatOpenAI', 'chatAnthropic', 'chatOllama', 'azureChatOpenAI', 'chatMistralAI', 'chatGoogleGenerativeAI', 'groqChat', 'chatDeepseek'];

function chainFlow(model: string, kind: ChatModelKind = 'chatOpenAI') {
  const chat = modelPart(kind, { model, root: fake.rootUrl, credential: credentialOf(kind) });
  return buildFlow(
    [chat, promptPart('Say {q}'), llmChainPart()],
    [
      [chat.id, 'llmChain_0', 'model', 'BaseLanguageModel'],
      ['promptTemplate_0', 'llmChain_0', 'prompt', 'BasePromptTemplate'],
    ],
  );
}

const run = (flow: ReturnType<typeof chainFlow>, options: { streaming?: boolean; maxRetries?: number; signal?: AbortSignal } = {}) =>
  runEngine(flow, { question: 'hi', credentials, streaming: options.streaming ?? false, services: { llm: { maxRetries: options.maxRetries ?? 2 } }, ...(options.signal ? { signal: options.signal } : {}) });

/** Chat calls the fake received (every provider's chat path; no other routes are used here). */
const calls = () => fake.requests.length;

describe('LLM_MAX_RETRIES: a 429 is retried like a 5xx, for every provider', () => {
  it.each(KINDS)('%s answers after a 429 without Retry-After, streamed and not', async (kind) => {
    for (const streaming of [false, true]) {
      fake.reset();
      const { result } = await run(chainFlow(`fake;fail=1;error=429;tokens=3;id=${kind}-${streaming}`, kind), { streaming });
      expect(result, `${kind} streaming=${streaming}`).toEqual({ text: 't1 t2 t3' });
      expect(calls(), `${kind} streaming=${streaming}`).toBe(2);
    }
  });

  it('retries 429, 503 and 408 up to LLM_MAX_RETRIES times, then fails with the provider status', async () => {
    for (const status of [429, 503, 408]) {
      fake.reset();
      expect((await run(chainFlow(`fake;fail=2;error=${status};tokens=2`))).result).toEqual({ text: 't1 t2' });
      expect(calls()).toBe(3);
      fake.reset();
      const error = await rejectionOf(run(chainFlow(`fake;fail=3;error=${status};tokens=2`)), LlmCallError);
      expect(error.message).toContain(String(status));
      expect(calls()).toBe(3);
    }
    fake.reset();
    await rejectionOf(run(chainFlow('fake;fail=1;error=429;tokens=2'), { maxRetries: 0 }), LlmCallError);
    expect(calls()).toBe(1);
  });

  it('does not retry a request the provider refused (400, 401, 404)', async () => {
    for (const status of [400, 401, 404]) {
      fake.reset();
      const error = await rejectionOf(run(chainFlow(`fake;fail=1;error=${status};tokens=2`)), LlmCallError);
      expect(error.message).toContain(String(status));
      expect(calls()).toBe(1);
    }
  });

  it("waits for the provider's Retry-After, and fails at once when it is beyond the bound", async () => {
    const started = Date.now();
    expect((await run(chainFlow('fake;fail=1;error=429;retryAfter=2;tokens=2'))).result).toEqual({ text: 't1 t2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(calls()).toBe(2);
    fake.reset();
    await rejectionOf(run(chainFlow(`fake;fail=1;error=429;retryAfter=${MAX_RETRY_AFTER_MS / 1000 + 1};tokens=2`)), LlmCallError);
    expect(calls()).toBe(1);
  });

  it('stops waiting when the run is aborted', async () => {
    const controller = new AbortController();
    const running = run(chainFlow('fake;fail=1;error=429;retryAfter=50;tokens=2'), { signal: controller.signal });
    while (calls() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    controller.abort();
    await rejectionOf(running, RunAbortedError);
    expect(Date.now() - started).toBeLessThan(20000);
    expect(calls()).toBe(1);
  });

  it('retries a dropped connection, but does not start over a stream that already showed tokens (the client would see them twice)', async () => {
    await rejectionOf(run(chainFlow('fake;tokens=6;cut=0'), { streaming: true }), LlmCallError);
    expect(calls()).toBe(3);
    fake.reset();
    await rejectionOf(run(chainFlow('fake;tokens=6;delay=20;cut=3'), { streaming: true }), LlmCallError);
    expect(calls()).toBe(1);
  });

  it('retries the model turns of a tool agent', async () => {
    const chat = modelPart('chatOpenAI', { model: 'fake;fail=1;error=429;tool=calculator:{"input":"2+2"}', root: fake.rootUrl, credential: 'openai' });
    const { result } = await runEngine(toolAgentFlow(chat, [toolPart('calculator')]), { question: '2+2?', credentials, services: { llm: { maxRetries: 2 } } });
    expect((result as { text: string }).text).toBe('Tool said: 4');
    expect(calls()).toBe(3);
  });
});

describe('retry delays', () => {
  const error = (status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`status ${status}`), { status, ...extra });
  it('backs off exponentially within bounds, and takes a longer Retry-After', () => {
    expect(retryDelay(error(429), 0, 1)).toBe(500);
    expect(retryDelay(error(429), 0, 0)).toBe(250);
    expect(retryDelay(error(500), 3, 1)).toBe(4000);
    expect(retryDelay(error(500), 10, 1)).toBe(8000);
    expect(retryDelay(error(429, { headers: new Headers({ 'retry-after': '3' }) }), 0, 1)).toBe(3000);
    expect(retryDelay(error(429, { headers: { 'retry-after-ms': '1500' } }), 0, 1)).toBe(1500);
    expect(retryDelay(error(429, { headers: { 'Retry-After': '0' } }), 1, 1)).toBe(1000);
  });

  it('does not retry an exhausted quota, a refused request or an abort', () => {
    expect(retryDelay(error(429, { code: 'insufficient_quota' }), 0)).toBeUndefined();
    expect(retryDelay(Object.assign(error(429), { message: 'You exceeded your current quota, please check your plan and billing details.' }), 0)).toBeUndefined();
    expect(retryDelay(error(401), 0)).toBeUndefined();
    expect(retryDelay(Object.assign(new Error('Request was aborted.'), { name: 'AbortError' }), 0)).toBeUndefined();
    expect(retryDelay(new Error('socket hang up'), 0, 1)).toBe(500);
  });
});
