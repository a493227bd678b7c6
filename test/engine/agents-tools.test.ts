import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceEndpoints } from '../../src/engine/nodes/node-definition.js';
import { type Part, agentPart, buildFlow, bufferMemoryPart, llmChainPart, modelPart, promptPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { searchSnippet } from '../fixtures/fake-llm/search-routes.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const credentials = {
  openai: { openAIApiKey: 'sk-test' },
  serp: { serpApiKey: 'serp-key' },
  serper: { serperApiKey: 'serper-key' },
  google: { googleCustomSearchApiKey: 'g-key', googleCustomSearchApiId: 'cx-1' },
};
const enc = encodeURIComponent;
const endpoints = (): ServiceEndpoints => ({
  serpApi: fake.rootUrl,
  serper: fake.rootUrl,
  googleCustomSearch: `${fake.rootUrl}/customsearch/v1`,
  openAIModeration: fake.url,
});
const openai = (model: string, id?: string) => modelPart('chatOpenAI', { model, root: fake.rootUrl, credential: 'openai', ...(id ? { id } : {}) });

describe('search tools', () => {
  it.each([
    ['serpAPI', 'serp', 'search', (r: { query: URLSearchParams }) => r.query.get('api_key') === 'serp-key'],
    ['serper', 'serper', 'search', (r: { headers: Record<string, unknown> }) => r.headers['x-api-key'] === 'serper-key'],
    ['googleCustomSearch', 'google', 'google-custom-search', (r: { query: URLSearchParams }) => r.query.get('cx') === 'cx-1'],
  ] as const)('%s calls its configured host with its key', async (name, credential, toolName, keyed) => {
    const flow = toolAgentFlow(openai(`fake;tool=${toolName}:{"input":"weather oslo"}`), [toolPart(name, { credential })]);
    const { result } = await runEngine(flow, { question: 'weather?', credentials, services: { endpoints: endpoints() } });
    const search = fake.requests.find((r) => !r.path.endsWith('/chat/completions'))!;
    expect(keyed(search as never)).toBe(true);
    const output = result.usedTools?.[0] as { tool: string; toolOutput: string };
    expect(output.tool).toBe(toolName);
    expect(output.toolOutput).toContain(searchSnippet('weather oslo'));
  });
});

describe('chainTool', () => {
  it('runs an LLM chain as a tool, with the tool input as its question', async () => {
    const chainModel = openai('fake;text=Paris', 'chatOpenAI_1');
    const chain: Part[] = [chainModel, promptPart('Answer briefly: {q}'), llmChainPart()];
    const tool = toolPart('chainTool', { inputs: { name: 'geo_qa', description: 'Answers geography questions', returnDirect: false } });
    const flow = toolAgentFlow(openai('fake;tool=geo_qa:{"input":"capital of France?"}'), [tool], {}, {
      parts: chain,
      links: [
        ['chatOpenAI_1', 'llmChain_0', 'model', 'BaseLanguageModel'],
        ['promptTemplate_0', 'llmChain_0', 'prompt', 'BasePromptTemplate'],
        ['llmChain_0', 'chainTool_0', 'baseChain', 'BaseChain'],
      ],
    });
    const { result, events } = await runEngine(flow, { question: 'where?', credentials, streaming: true });
    expect(result.usedTools).toEqual([{ tool: 'geo_qa', toolInput: { input: 'capital of France?' }, toolOutput: 'Paris' }]);
    expect(result.text).toBe('Tool said: Paris');
    const chainRequest = fake.requests.find((r) => r.body.model === 'fake;text=Paris')!;
    expect(JSON.stringify(chainRequest.body.messages)).toContain('Answer briefly: capital of France?');
    // The inner chain does not stream into the agent's answer.
    expect(events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe('Tool said: Paris');
  });
});

function textAgentFlow(name: 'conversationalAgent' | 'reactAgentChat', model: string) {
  const agent = agentPart(name);
  const chat = openai(model);
  return buildFlow(
    [chat, bufferMemoryPart(), toolPart('calculator'), agent],
    [
      [chat.id, agent.id, 'model', 'BaseChatModel'],
      ['bufferMemory_0', agent.id, 'memory', 'BaseChatMemory'],
      ['calculator_0', agent.id, 'tools', 'Tool'],
    ],
  );
}

describe('text agents', () => {
  it('conversationalAgent reads JSON actions, calls the tool and returns usedTools', async () => {
    const action = '```json\n{"action": "calculator", "action_input": "6*7"}\n```';
    const final = '```json\n{"action": "Final Answer", "action_input": "It is 42."}\n```';
    const { result, plan } = await runEngine(textAgentFlow('conversationalAgent', `fake;reply=${enc(action)};text=${enc(final)}`), {
      question: 'six times seven?',
      credentials,
      history: { 'chat-1': [{ role: 'userMessage', content: 'hi' }, { role: 'apiMessage', content: 'hello' }] },
    });
    expect(plan.streamCapable).toBe(false);
    expect(result).toEqual({ text: 'It is 42.', usedTools: [{ tool: 'calculator', toolInput: '6*7', toolOutput: '42' }] });
    const second = JSON.stringify(fake.requests[1]!.body.messages);
    expect(second).toContain('TOOL RESPONSE');
    expect(second).toContain('42');
    expect(second).toContain('hello');
  });

  it('reactAgentChat follows Thought/Action/Observation with a prompt shipped with the product', async () => {
    const step = 'Thought: Do I need to use a tool? Yes\nAction: calculator\nAction Input: 2^10';
    const final = 'Thought: Do I need to use a tool? No\nFinal Answer: 1024 it is';
    const { result } = await runEngine(textAgentFlow('reactAgentChat', `fake;reply=${enc(step)};text=${enc(final)}`), { question: 'two to the tenth?', credentials });
    expect(result).toEqual({ text: '1024 it is' });
    const prompt = (fake.requests[1]!.body.messages as Array<{ content: string }>)[0]!.content;
    expect(prompt).toContain('calculator: ');
    expect(prompt).toContain('New input: two to the tenth?');
    expect(prompt).toContain('Observation: 1024');
    expect(fake.requests[0]!.body.stop).toEqual(['\nObservation:']);
  });
});
