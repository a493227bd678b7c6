import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary, SummaryStore } from '../../src/engine/memory/summary-store.js';
import type { ChatTurn } from '../../src/engine/nodes/node-definition.js';
import { agentPart, buildFlow, modelPart, summaryMemoryPart, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => fake.stop());
beforeEach(() => fake.reset());

const credentials = { openai: { openAIApiKey: 'sk-test' } };

/** A SummaryStore in a map, standing for the database table (the repository has its own test). */
function memoryStore(): SummaryStore & { rows: Map<string, SessionSummary> } {
  const rows = new Map<string, SessionSummary>();
  return {
    rows,
    get: async (key) => rows.get(`${key.chatflowId}/${key.sessionId}/${key.nodeId}`),
    put: async (key, value) => void rows.set(`${key.chatflowId}/${key.sessionId}/${key.nodeId}`, value),
  };
}

function flow(name: 'conversationSummaryMemory' | 'conversationSummaryBufferMemory', extra: Record<string, unknown> = {}) {
  const agentModel = modelPart('chatOpenAI', { model: 'fake;tokens=2', root: fake.rootUrl, credential: 'openai' });
  const summarizer = modelPart('chatOpenAI', { model: 'fake;text=SUMMARY', root: fake.rootUrl, credential: 'openai', id: 'chatOpenAI_1' });
  const memory = summaryMemoryPart(name, extra);
  // A tool agent whose memory is the summary memory, fed by its own model.
  return buildFlow(
    [agentModel, summarizer, memory, toolPart('calculator'), agentPart('toolAgent')],
    [
      [agentModel.id, 'toolAgent_0', 'model', 'BaseChatModel'],
      ['chatOpenAI_1', memory.id, 'model', 'BaseChatModel'],
      [memory.id, 'toolAgent_0', 'memory', 'BaseChatMemory'],
      ['calculator_0', 'toolAgent_0', 'tools', 'Tool'],
    ],
  );
}

const turns = (n: number): ChatTurn[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 === 0 ? 'userMessage' : 'apiMessage', content: `message ${i} ${'x'.repeat(40)}` }));

const summaryCalls = () => fake.requests.filter((r) => r.body.model === 'fake;text=SUMMARY');
const agentMessages = () => fake.requests.find((r) => r.body.model === 'fake;tokens=2')!.body.messages as Array<{ role: string; content: string }>;

describe('summary memories', () => {
  it('conversationSummaryMemory gives the agent the summary, persists it, and extends it only with new messages', async () => {
    const summaries = memoryStore();
    const history = { 'chat-1': turns(2) };
    await runEngine(flow('conversationSummaryMemory'), { question: 'q1', credentials, history, services: { summaries } });
    expect(summaryCalls()).toHaveLength(1);
    expect(agentMessages().map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are a helpful AI assistant.'],
      ['system', 'SUMMARY'],
      ['user', 'q1'],
    ]);
    expect([...summaries.rows.values()][0]).toMatchObject({ summary: 'SUMMARY', coveredCount: 2 });

    // Another process with the same store: nothing new, no summary call.
    fake.reset();
    await runEngine(flow('conversationSummaryMemory'), { question: 'q2', credentials, history, services: { summaries } });
    expect(summaryCalls()).toHaveLength(0);

    // Two more messages: one call that sees the old summary and only the new lines.
    fake.reset();
    await runEngine(flow('conversationSummaryMemory'), { question: 'q3', credentials, history: { 'chat-1': turns(4) }, services: { summaries } });
    expect(summaryCalls()).toHaveLength(1);
    const request = JSON.stringify(summaryCalls()[0]!.body.messages);
    expect(request).toContain('SUMMARY');
    expect(request).toContain('message 2');
    expect(request).not.toContain('message 1 ');
    expect([...summaries.rows.values()][0]).toMatchObject({ coveredCount: 4 });
  });

  it('starts over when summarised messages were deleted', async () => {
    const summaries = memoryStore();
    await runEngine(flow('conversationSummaryMemory'), { question: 'q', credentials, history: { 'chat-1': turns(4) }, services: { summaries } });
    fake.reset();
    const changed = turns(4).slice(2);
    await runEngine(flow('conversationSummaryMemory'), { question: 'q', credentials, history: { 'chat-1': changed }, services: { summaries } });
    expect(JSON.stringify(summaryCalls()[0]!.body.messages)).toContain('(none yet)');
  });

  it('conversationSummaryBufferMemory keeps recent messages verbatim and summarises what passes the token limit', async () => {
    const summaries = memoryStore();
    // Each message is about 13 tokens; a 30-token limit keeps the last two.
    await runEngine(flow('conversationSummaryBufferMemory', { maxTokenLimit: 30 }), { question: 'q', credentials, history: { 'chat-1': turns(6) }, services: { summaries } });
    expect(summaryCalls()).toHaveLength(1);
    const messages = agentMessages().map((m) => [m.role, m.content.slice(0, 9)]);
    expect(messages).toEqual([
      ['system', 'You are a'],
      ['system', 'SUMMARY'],
      ['user', 'message 4'],
      ['assistant', 'message 5'],
      ['user', 'q'],
    ]);
    expect([...summaries.rows.values()][0]).toMatchObject({ coveredCount: 4 });
  });
});
