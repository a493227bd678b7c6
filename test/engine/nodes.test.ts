import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowJson, conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { eventually } from '../support/api-harness.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());

const credentials = {
  openai: { openAIApiKey: 'sk-test' },
  anthropic: { anthropicApiKey: 'sk-ant' },
};

type MutableNode = { id: string; data: Record<string, any> };

/** Swaps the flow's chatOpenAI node for another provider's node pointing at the fake. */
function withModel(flow: FlowJson, name: 'chatAnthropic' | 'chatOllama', model: string): FlowJson {
  const modelNode = flow.nodes[0] as MutableNode;
  modelNode.data.name = name;
  modelNode.data.label = name;
  modelNode.data.credential = name === 'chatAnthropic' ? 'anthropic' : '';
  modelNode.data.inputs = { modelName: model, baseUrl: fake.rootUrl, streaming: true, temperature: 0.3 };
  return flow;
}

describe('chat model nodes over real HTTP', () => {
  it.each([
    ['chatAnthropic', '/v1/messages'],
    ['chatOllama', '/api/chat'],
  ] as const)('%s answers and streams', async (name, path) => {
    const flow = () => withModel(llmChainFlow({ model: 'x', basepath: '', credential: 'openai' }), name, 'fake;tokens=6');
    fake.reset();
    const json = await runEngine(flow(), { question: 'hi', credentials });
    expect(json.result).toEqual({ text: 't1 t2 t3 t4 t5 t6' });
    const streamed = await runEngine(flow(), { question: 'hi', credentials, streaming: true });
    const tokens = streamed.events.filter((e) => e.event === 'token').map((e) => e.data);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('t1 t2 t3 t4 t5 t6');
    expect(streamed.events[0]).toEqual({ event: 'start', data: 't1' });
    expect(fake.requests.every((r) => r.path === path)).toBe(true);
    if (name === 'chatAnthropic') expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-ant');
  });

  it('chatOpenAI sends the key, model params and base options', async () => {
    const flow = llmChainFlow({ model: 'fake;tokens=2', basepath: fake.url, credential: 'openai', temperature: '0.2', maxTokens: '64' });
    Object.assign((flow.nodes[0] as MutableNode).data.inputs, { topP: '0.5', stopSequence: 'END, STOP', baseOptions: '{"X-Custom":"yes"}' });
    fake.reset();
    await runEngine(flow, { question: 'hi', credentials });
    const request = fake.requests[0]!;
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.headers['x-custom']).toBe('yes');
    expect(request.body).toMatchObject({ model: 'fake;tokens=2', temperature: 0.2, max_tokens: 64, top_p: 0.5, stop: ['END', 'STOP'] });
  });
});

describe('chains', () => {
  it('fills a single missing prompt variable with the question', async () => {
    const flow = llmChainFlow({ model: 'echo', basepath: fake.url, credential: 'openai', template: 'Translate: {text}', promptValues: '' });
    const { result } = await runEngine(flow, { question: 'bonjour', credentials });
    expect(result.text).toBe('You said: Translate: bonjour');
  });

  it('refuses to guess several missing prompt variables', async () => {
    const flow = llmChainFlow({ model: 'echo', basepath: fake.url, credential: 'openai', template: '{a} and {b}', promptValues: '' });
    await expect(runEngine(flow, { question: 'q', credentials })).rejects.toThrow('Please provide Prompt Values for: a, b');
  });

  it('sends a prompt without variables as is', async () => {
    const flow = llmChainFlow({ model: 'echo', basepath: fake.url, credential: 'openai', template: 'Tell a joke', promptValues: '' });
    expect((await runEngine(flow, { question: 'ignored', credentials })).result.text).toBe('You said: Tell a joke');
  });

  it('runs an outputPrediction chain first and feeds its text into the next prompt', async () => {
    const flow = llmChainFlow({ model: 'echo', basepath: fake.url, credential: 'openai', template: 'Step one: {question}' });
    const first = flow.nodes[2] as MutableNode;
    first.data.outputs = { output: 'outputPrediction' };
    // A second prompt + chain that uses the first chain's answer.
    flow.nodes.push(
      { id: 'promptTemplate_1', type: 'customNode', data: { id: 'promptTemplate_1', name: 'promptTemplate', label: 'Prompt Template', inputs: { template: 'Step two got: {prev}', promptValues: '{"prev":"{{llmChain_0.data.instance}}"}' } } },
      { id: 'llmChain_1', type: 'customNode', data: { id: 'llmChain_1', name: 'llmChain', label: 'LLM Chain', inputs: { model: '{{chatOpenAI_0.data.instance}}', prompt: '{{promptTemplate_1.data.instance}}' }, outputs: { output: 'llmChain' } } },
    );
    flow.edges.push(
      { id: 'e3', source: 'llmChain_0', target: 'promptTemplate_1' },
      { id: 'e4', source: 'promptTemplate_1', target: 'llmChain_1' },
      { id: 'e5', source: 'chatOpenAI_0', target: 'llmChain_1' },
    );
    const { result, events } = await runEngine(flow, { question: 'q1', credentials, streaming: true });
    expect(result.text).toBe('You said: Step two got: You said: Step one: q1');
    // Only the ending chain streams.
    expect(events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe(result.text);
  });

  it('uses a chat prompt template in a conversation chain, with history and constants', async () => {
    const flow = conversationFlow({
      model: 'echo',
      basepath: fake.url,
      credential: 'openai',
      chatPrompt: { system: 'You are {persona}.', human: 'Q: {input}', promptValues: '{"persona":"a pirate"}' },
    });
    fake.reset();
    const { result } = await runEngine(flow, {
      question: 'ahoy?',
      credentials,
      history: { 'chat-1': [{ role: 'userMessage', content: 'before' }, { role: 'apiMessage', content: 'answer before' }] },
    });
    expect(result.text).toBe('You said: Q: ahoy?');
    expect(fake.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'You are a pirate.' },
      { role: 'user', content: 'before' },
      { role: 'assistant', content: 'answer before' },
      { role: 'user', content: 'Q: ahoy?' },
    ]);
  });

  it('inserts {{chat_history}} from the ending node memory into prompt values', async () => {
    const flow = conversationFlow({
      model: 'echo',
      basepath: fake.url,
      credential: 'openai',
      chatPrompt: { system: 'History was: {h}', human: '{input}', promptValues: '{"h":"{{chat_history}}"}' },
    });
    fake.reset();
    await runEngine(flow, { question: 'now', credentials, history: { 'chat-1': [{ role: 'userMessage', content: 'hello' }, { role: 'apiMessage', content: 'hi!' }] } });
    expect((fake.requests[0]!.body.messages as Array<{ content: string }>)[0]!.content).toBe('History was: Human: hello\nAssistant: hi!');
  });

  it('stops the LLM call when the run is aborted', async () => {
    // The answer is held mid-stream until the run is aborted (the gate never opens).
    const flow = llmChainFlow({ model: 'fake;tokens=10;gate=engine-abort;gateAt=2', basepath: fake.url, credential: 'openai' });
    const controller = new AbortController();
    fake.reset();
    const running = runEngine(flow, { question: 'q', credentials, streaming: true, signal: controller.signal });
    await fake.gates.reached('engine-abort');
    controller.abort();
    await expect(running).rejects.toThrow(/abort/i);
    await eventually(() => fake.requests[0]!.aborted, undefined, 'the LLM request to be cancelled');
  });
});
