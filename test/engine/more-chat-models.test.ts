import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatModelKind, buildFlow, llmChainPart, modelPart, promptPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const credentials: Record<string, Record<string, unknown>> = {
  azureChatOpenAI: { azureOpenAIApiKey: 'az-key', azureOpenAIApiInstanceName: 'inst', azureOpenAIApiDeploymentName: 'dep-1', azureOpenAIApiVersion: '2024-10-21' },
  chatMistralAI: { mistralAIAPIKey: 'mi-key' },
  chatGoogleGenerativeAI: { googleGenerativeAPIKey: 'go-key' },
  groqChat: { groqApiKey: 'gq-key' },
  chatDeepseek: { deepseekApiKey: 'ds-key' },
};

/** Where each client sends its chat call and how it shows its key. */
const WIRE: Record<string, { path: RegExp; key: (h: Record<string, unknown>) => unknown; keyValue: string }> = {
  azureChatOpenAI: { path: /^\/openai\/deployments\/dep-1\/chat\/completions$/, key: (h) => h['api-key'], keyValue: 'az-key' },
  chatMistralAI: { path: /^\/v1\/chat\/completions$/, key: (h) => h.authorization, keyValue: 'Bearer mi-key' },
  chatGoogleGenerativeAI: { path: /^\/v1beta\/models\/.+:(stream)?[gG]enerateContent$/, key: (h) => h['x-goog-api-key'], keyValue: 'go-key' },
  groqChat: { path: /^\/openai\/v1\/chat\/completions$/, key: (h) => h.authorization, keyValue: 'Bearer gq-key' },
  chatDeepseek: { path: /^\/v1\/chat\/completions$/, key: (h) => h.authorization, keyValue: 'Bearer ds-key' },
};

const KINDS = Object.keys(WIRE) as ChatModelKind[];

function chainFlow(kind: ChatModelKind, model: string) {
  const chat = modelPart(kind, { model, root: fake.rootUrl, credential: kind });
  return buildFlow(
    [chat, promptPart('Say {q}'), llmChainPart()],
    [
      [chat.id, 'llmChain_0', 'model', 'BaseLanguageModel'],
      ['promptTemplate_0', 'llmChain_0', 'prompt', 'BasePromptTemplate'],
    ],
  );
}

describe('more chat models over their own wire formats', () => {
  it.each(KINDS)('%s answers, streams, and sends its key to its path', async (kind) => {
    const json = await runEngine(chainFlow(kind, 'fake;tokens=5'), { question: 'hi', credentials });
    expect(json.result).toEqual({ text: 't1 t2 t3 t4 t5' });
    const streamed = await runEngine(chainFlow(kind, 'fake;tokens=5'), { question: 'hi', credentials, streaming: true });
    const tokens = streamed.events.filter((e) => e.event === 'token').map((e) => e.data);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('t1 t2 t3 t4 t5');
    for (const request of fake.requests) {
      expect(request.path).toMatch(WIRE[kind]!.path);
      expect(WIRE[kind]!.key(request.headers)).toBe(WIRE[kind]!.keyValue);
    }
    if (kind === 'azureChatOpenAI') expect(fake.requests[0]!.query.get('api-version')).toBe('2024-10-21');
  });

  it.each(KINDS)('%s calls tools in a toolAgent, streamed and not', async (kind) => {
    for (const streaming of [false, true]) {
      fake.reset();
      const model = modelPart(kind, { model: 'fake;tool=calculator:{"input":"6*7"}', root: fake.rootUrl, credential: kind });
      const { result } = await runEngine(toolAgentFlow(model, [toolPart('calculator')]), { question: 'six times seven', credentials, streaming });
      expect(result).toEqual({ text: 'Tool said: 42', usedTools: [{ tool: 'calculator', toolInput: { input: '6*7' }, toolOutput: '42' }] });
      expect(fake.requests).toHaveLength(2);
    }
  });
});
