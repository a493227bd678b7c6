import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ITERATION_LIMIT_ANSWER } from '../../src/engine/agents/tool-calling-loop.js';
import { RunAbortedError } from '../../src/engine/errors.js';
import { type ChatModelKind, modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { runEngine } from './engine-harness.js';
import { probe, testRegistry } from './support/test-tools.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => {
  fake.reset();
  probe.reset();
});

const credentials = { openai: { openAIApiKey: 'sk-test' }, anthropic: { anthropicApiKey: 'sk-ant' } };
const credentialOf = (kind: ChatModelKind) => (kind === 'chatAnthropic' ? 'anthropic' : kind === 'chatOllama' ? '' : 'openai');
const CALC = 'tool=calculator:{"input":"2+2"}';

function calculatorFlow(kind: ChatModelKind, model: string, agentInputs: Record<string, unknown> = {}) {
  return toolAgentFlow(modelPart(kind, { model, root: fake.rootUrl, credential: credentialOf(kind) }), [toolPart('calculator')], agentInputs);
}

function testToolFlow(model: string, behaviour: string, extra: Record<string, unknown> = {}) {
  return toolAgentFlow(modelPart('chatOpenAI', { model, root: fake.rootUrl, credential: 'openai' }), [
    toolPart('testTool', { inputs: { behaviour, ...extra } }),
  ]);
}

describe('toolAgent', () => {
  it.each(['chatOpenAI', 'chatAnthropic', 'chatOllama'] as const)('%s calls the calculator and answers with its result', async (kind) => {
    const { result } = await runEngine(calculatorFlow(kind, `fake;${CALC}`), { question: 'what is 2+2?', credentials });
    expect(result).toEqual({ text: 'Tool said: 4', usedTools: [{ tool: 'calculator', toolInput: { input: '2+2' }, toolOutput: '4' }] });
    expect(fake.requests).toHaveLength(2);
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('calculator');
  });

  it.each(['chatOpenAI', 'chatAnthropic', 'chatOllama'] as const)('%s streams only the answer, then usedTools', async (kind) => {
    const { result, events } = await runEngine(calculatorFlow(kind, `fake;${CALC}`), { question: 'what is 2+2?', credentials, streaming: true });
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    const tokens = events.filter((e) => e.event === 'token').map((e) => e.data);
    expect(tokens.join('')).toBe('Tool said: 4');
    expect(tokens.join('')).toBe(result.text);
    expect(names.at(-1)).toBe('usedTools');
    expect(names.lastIndexOf('token')).toBeLessThan(names.indexOf('usedTools'));
    expect(events.at(-1)).toEqual({ event: 'usedTools', data: [{ tool: 'calculator', toolInput: { input: '2+2' }, toolOutput: '4' }] });
    expect(fake.requests.every((r) => r.completed)).toBe(true);
  });

  it.each(['chatOpenAI', 'chatAnthropic'] as const)('%s: text written next to tool calls is part of the answer, streamed or not', async (kind) => {
    const model = `fake;${CALC};say=${encodeURIComponent('Let me work it out.')}`;
    const json = await runEngine(calculatorFlow(kind, model), { question: '2+2?', credentials });
    expect(json.result.text).toBe('Let me work it out.\n\nTool said: 4');
    fake.reset();
    const streamed = await runEngine(calculatorFlow(kind, model), { question: '2+2?', credentials, streaming: true });
    const tokens = streamed.events.filter((e) => e.event === 'token').map((e) => e.data as string);
    expect(tokens.join('')).toBe(streamed.result.text);
    expect(streamed.result.text).toBe('Let me work it out.\n\nTool said: 4');
    expect(tokens.some((t) => t.includes('2+2'))).toBe(false);
  });

  it('runs parallel tool calls and returns every used tool', async () => {
    const model = 'fake;tool=calculator:{"input":"2+2"};tool=calculator:{"input":"3*3"}';
    const { result } = await runEngine(calculatorFlow('chatOpenAI', model), { question: 'sums', credentials });
    expect(result.usedTools).toEqual([
      { tool: 'calculator', toolInput: { input: '2+2' }, toolOutput: '4' },
      { tool: 'calculator', toolInput: { input: '3*3' }, toolOutput: '9' },
    ]);
    const toolMessages = (fake.requests[1]!.body.messages as Array<{ role: string; content: string; tool_call_id?: string }>).filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => [m.tool_call_id, m.content])).toEqual([
      ['call_0_0', '4'],
      ['call_0_1', '9'],
    ]);
  });

  it('tells the model when it named a tool that does not exist', async () => {
    const { result } = await runEngine(calculatorFlow('chatOpenAI', 'fake;tool=weather:{"city":"Oslo"}'), { question: 'weather?', credentials });
    expect(result).toEqual({ text: 'Tool said: weather is not a valid tool, try another one.' });
  });

  it('feeds a failing tool back as the observation and records the error', async () => {
    const { result } = await runEngine(testToolFlow('fake;tool=test_tool:{"text":"x"}', 'fail'), { question: 'go', credentials, registry: testRegistry });
    expect(result).toEqual({
      text: 'Tool said: tool broke on x',
      usedTools: [{ tool: 'test_tool', toolInput: { text: 'x' }, toolOutput: '', error: 'tool broke on x' }],
    });
  });

  it('passes the flow context and collects source documents a tool appends', async () => {
    const { result } = await runEngine(testToolFlow('fake;tool=test_tool:{"text":"cats"}', 'docs'), { question: 'find cats', credentials, registry: testRegistry });
    expect(result.text).toBe('Tool said: found cats');
    expect(result.sourceDocuments).toEqual([{ pageContent: 'doc', metadata: { source: 's' } }]);
    expect(result.usedTools).toEqual([{ tool: 'test_tool', toolInput: { text: 'cats' }, toolOutput: 'found cats' }]);
    expect(probe.calls[0]!.flow).toMatchObject({ chatflowId: 'flow-1', chatId: 'chat-1', sessionId: 'chat-1', input: 'find cats' });
  });

  it('streams sourceDocuments, then usedTools, after the answer', async () => {
    const { events } = await runEngine(testToolFlow('fake;tool=test_tool:{"text":"cats"}', 'docs'), { question: 'find', credentials, registry: testRegistry, streaming: true });
    expect(events.slice(-2)).toEqual([
      { event: 'sourceDocuments', data: [{ pageContent: 'doc', metadata: { source: 's' } }] },
      { event: 'usedTools', data: [{ tool: 'test_tool', toolInput: { text: 'cats' }, toolOutput: 'found cats' }] },
    ]);
    expect(events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe('Tool said: found cats');
  });

  it('ends with a returnDirect tool output, streamed as a token', async () => {
    const flow = testToolFlow('fake;tool=test_tool:{"text":"direct"}', 'echo', { returnDirect: true });
    const { result, events } = await runEngine(flow, { question: 'go', credentials, registry: testRegistry, streaming: true });
    expect(result.text).toBe('echo:direct');
    expect(fake.requests).toHaveLength(1);
    const tokens = events.filter((e) => e.event === 'token').map((e) => e.data);
    expect(tokens).toEqual(['echo:direct']);
    expect(events[0]).toEqual({ event: 'start', data: 'echo:direct' });
  });

  it('stops after maxIterations model turns with Flowise\'s message', async () => {
    const model = 'fake;tool=calculator:{"input":"1+1"};then;tool=calculator:{"input":"2+2"};then;tool=calculator:{"input":"3+3"}';
    const { result } = await runEngine(calculatorFlow('chatOpenAI', model, { maxIterations: '2' }), { question: 'loop', credentials });
    expect(result.text).toBe(ITERATION_LIMIT_ANSWER);
    expect(result.usedTools).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('abort stops the loop and reaches the tool in flight', async () => {
    const controller = new AbortController();
    const run = runEngine(testToolFlow('fake;tool=test_tool:{"text":"slow"}', 'hang'), {
      question: 'go',
      credentials,
      registry: testRegistry,
      signal: controller.signal,
    });
    await expect.poll(() => probe.started, { timeout: 10000 }).toBe(1);
    controller.abort(new RunAbortedError());
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    expect(probe.aborted).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('removes <thinking> blocks from the answer and from the stream', async () => {
    const model = `fake;text=${encodeURIComponent('<thinking>I should greet</thinking>Hello there')}`;
    const { result, events } = await runEngine(calculatorFlow('chatOpenAI', model), { question: 'hi', credentials, streaming: true });
    expect(result).toEqual({ text: 'Hello there' });
    expect(events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe('Hello there');
  });

  it('sends the system message, the stored conversation and the question', async () => {
    const flow = calculatorFlow('chatOpenAI', 'fake;tokens=2', { systemMessage: 'Be brief.' });
    await runEngine(flow, {
      question: 'and now?',
      credentials,
      history: { 'chat-1': [{ role: 'userMessage', content: 'before' }, { role: 'apiMessage', content: 'answer before' }] },
    });
    const messages = fake.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'before'],
      ['assistant', 'answer before'],
      ['user', 'and now?'],
    ]);
    expect((fake.requests[0]!.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['calculator']);
  });

  it('answers "I don\'t know how to do that." for an expression the calculator cannot read', async () => {
    const { result } = await runEngine(calculatorFlow('chatOpenAI', 'fake;tool=calculator:{"input":"two plus two"}'), { question: 'q', credentials });
    expect(result.usedTools).toEqual([{ tool: 'calculator', toolInput: { input: 'two plus two' }, toolOutput: "I don't know how to do that." }]);
  });
});
