import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri } from '../fixtures/documents.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import type { SseEvent } from '../support/sse.js';
import { hasWords } from '../support/sse.js';

interface Entry {
  nodeId: string;
  label: string;
  name: string;
  status: string;
  startedAt: string;
  durationMs?: number;
  error?: string;
  toolCalls?: Array<{ tool: string; toolInput: unknown; toolOutput: unknown }>;
}

const CHAIN_NODES = ['chatOpenAI_0', 'promptTemplate_0', 'llmChain_0'];
const nodeEvents = (events: SseEvent[]) => events.filter((e) => e.event === 'node').map((e) => e.data as Entry);
const ids = (events: SseEvent[]) => events.map((e) => Number(e.id));
const strip = (events: SseEvent[]) => events.map((e) => ({ id: e.id, event: e.event, data: e.data }));

/** Per-node trace: `node` events (opt-in on SSE, numbered and replayable), the stored trace, timing attribution. */
export function traceSuite(factory: HarnessFactory): void {
  describe('per-node trace', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    const chain = (model: string) => (credential: string) => llmChainFlow({ model, basepath: `${h.fake.rootUrl}/v1`, credential });
    const run = async (runId: string) => (await h.anon.get(`/api/v1/runs/${runId}`)).body as { status: string; trace: Entry[] };

    it('keeps node events out of the default stream; the opt-in stream has them, numbered in order, and replays honour it', async () => {
      const id = await createFlow(h, chain('fake;tokens=4'));
      const plain = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'plain', streaming: true });
      // What flowise-sdk and flowise-embed read: start, tokens, metadata, end, nothing else.
      expect(plain.events.map((e) => e.event).join(' ')).toMatch(/^start( token)+ metadata end$/);
      expect(plain.raw).not.toContain('"event":"node"');
      expect(ids(plain.events)).toEqual([...ids(plain.events)].sort((a, b) => a - b));

      const traced = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'traced', streaming: true }, { 'x-aim-trace': 'true' });
      const runId = traced.headers.get('x-run-id')!;
      const nodes = nodeEvents(traced.events);
      const running = nodes.filter((n) => n.status === 'running');
      const finals = nodes.filter((n) => n.status !== 'running');
      expect(running.map((n) => n.nodeId).sort()).toEqual([...CHAIN_NODES].sort());
      expect(finals.map((n) => n.nodeId)).toEqual(running.map((n) => n.nodeId));
      expect(finals.every((n) => n.status === 'completed' && typeof n.durationMs === 'number')).toBe(true);
      expect(finals.find((n) => n.nodeId === 'llmChain_0')).toMatchObject({ label: 'LLM Chain', name: 'llmChain' });
      // Ids strictly increase; the final entries come after the answer and before metadata and end.
      const order = ids(traced.events);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(new Set(order).size).toBe(order.length);
      const names = traced.events.map((e) => e.event);
      expect(names.slice(-2)).toEqual(['metadata', 'end']);
      expect(names.lastIndexOf('token')).toBeLessThan(names.indexOf('node', names.indexOf('start')));
      expect(traced.events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe(expectedAnswer('fake;tokens=4', 'traced'));

      // The run's events replayed: without the opt-in the same events minus `node`, with it all of them.
      const replayPlain = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`);
      expect(strip(replayPlain.events)).toEqual(strip(traced.events.filter((e) => e.event !== 'node')));
      const replayTraced = await h.anon.stream('GET', `/api/v1/runs/${runId}/events?trace=true`);
      expect(strip(replayTraced.events)).toEqual(strip(traced.events));
      // Resuming after an id (Last-Event-ID) keeps honouring the opt-in.
      const firstNode = traced.events.find((e) => e.event === 'node')!;
      const resumed = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': firstNode.id!, 'x-aim-trace': 'true' });
      expect(strip(resumed.events)).toEqual(strip(traced.events.filter((e) => Number(e.id) > Number(firstNode.id))));
      const resumedPlain = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': firstNode.id! });
      expect(nodeEvents(resumedPlain.events)).toEqual([]);

      // `?trace=true` on the prediction route works too; a value that is not a flag is refused.
      const viaQuery = await h.anon.stream('POST', `/api/v1/prediction/${id}?trace=true`, { question: 'q', streaming: true });
      expect(nodeEvents(viaQuery.events).length).toBe(6);
      const bad = await h.anon.post(`/api/v1/prediction/${id}?trace=maybe`, { question: 'q', streaming: true });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('trace query parameter: must be true or false');
      expect((await h.anon.get(`/api/v1/runs/${runId}/events`, { 'x-aim-trace': 'yes' })).status).toBe(400);
    });

    it('puts the time of a slow LLM on the chat model node, and stores the trace with the run', async () => {
      const delay = 1200;
      const id = await createFlow(h, chain(`fake;tokens=2;first=${delay}`));
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'slow' });
      expect(answer.status).toBe(200);
      // The JSON answer of Flowise clients is unchanged: no trace in it.
      expect(answer.body).not.toHaveProperty('trace');
      const { status, trace } = await run(answer.headers.get('x-run-id')!);
      expect(status).toBe('completed');
      expect(trace.map((e) => e.nodeId).sort()).toEqual([...CHAIN_NODES].sort());
      const model = trace.find((e) => e.nodeId === 'chatOpenAI_0')!;
      expect(model.durationMs).toBeGreaterThanOrEqual(delay - 1);
      for (const other of trace.filter((e) => e !== model)) expect(other.durationMs!).toBeLessThan(model.durationMs!);
      // Start order, ISO-8601 UTC times.
      expect(trace.map((e) => e.startedAt)).toEqual([...trace.map((e) => e.startedAt)].sort());
      expect(trace.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.startedAt))).toBe(true);
    });

    it('puts the time of slow embedding calls on the embeddings node, not on the vector store or the chain that called it', async () => {
      const delay = 700;
      const id = await createFlow(h, (credential) =>
        ragFlow({
          model: 'fake',
          basepath: `${h.fake.rootUrl}/v1`,
          embeddingsBasepath: `${h.fake.rootUrl}/v1`,
          embeddingsModel: `fake-embed;delay=${delay}`,
          credential,
          store: 'memoryVectorStore',
          chain: 'retrievalQAChain',
          txtFile: dataUri('bakery.txt', 'text/plain', 'The bakery opens at seven.'),
        }),
      );
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'when does the bakery open?' });
      expect(answer.status, answer.text).toBe(200);
      const { trace } = await run(answer.headers.get('x-run-id')!);
      const embeddings = trace.find((e) => e.nodeId === 'openAIEmbeddings_0')!;
      // Embedding the file (building the store) and the question (retrieving): two calls, each delayed.
      expect(embeddings.durationMs).toBeGreaterThanOrEqual(2 * delay - 1);
      for (const other of trace.filter((e) => e !== embeddings)) expect(other.durationMs!).toBeLessThan(delay);
      expect(trace.map((e) => e.nodeId)).toEqual(expect.arrayContaining(['memoryVectorStore_0', 'retrievalQAChain_0', 'chatOpenAI_0']));
    });

    it('stores the trace of a failed run, the failed node marked with its error', async () => {
      const id = await createFlow(h, chain('fake;error=401'));
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'fail' });
      expect(answer.status).toBe(502);
      const stored = await run(answer.headers.get('x-run-id')!);
      expect(stored.status).toBe('failed');
      const model = stored.trace.find((e) => e.nodeId === 'chatOpenAI_0')!;
      expect(model.status).toBe('failed');
      expect(model.error).toContain('LLM call failed');
      expect(stored.trace.find((e) => e.nodeId === 'promptTemplate_0')!.status).toBe('completed');
      // The chain's run went through the failure too; the error is told once, on the model.
      expect(stored.trace.find((e) => e.nodeId === 'llmChain_0')).toMatchObject({ status: 'failed' });
      expect(stored.trace.find((e) => e.nodeId === 'llmChain_0')!.error).toBeUndefined();
    });

    it('stores the trace of an aborted run', async () => {
      const id = await createFlow(h, chain('fake;tokens=10;gate=trace-abort;gateAt=2'));
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'stop', streaming: true }, { 'x-aim-trace': 'true' });
      await stream.until((events) => hasWords(events, 2));
      const runId = stream.headers.get('x-run-id')!;
      expect((await h.anon.post(`/api/v1/runs/${runId}/abort`)).body.aborted).toBe(true);
      const events = await stream.untilEnd();
      expect(events.slice(-2).map((e) => e.event)).toEqual(['abort', 'end']);
      const finals = nodeEvents(events).filter((n) => n.status !== 'running');
      expect(finals.find((n) => n.nodeId === 'chatOpenAI_0')!.status).toBe('aborted');
      const stored = await eventually(async () => {
        const view = await run(runId);
        return view.status === 'aborted' ? view : undefined;
      });
      expect(stored.trace).toEqual(finals);
    });

    it("records the tools an agent called on the agent's entry, and gives each tool node its own", async () => {
      const id = await createFlow(h, (credential) =>
        toolAgentFlow(modelPart('chatOpenAI', { model: 'fake;tool=calculator:{"input":"12*12"}', root: h.fake.rootUrl, credential }), [toolPart('calculator')]),
      );
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'what is 12*12?' });
      expect(answer.status).toBe(200);
      const { trace } = await run(answer.headers.get('x-run-id')!);
      expect(trace.find((e) => e.nodeId === 'toolAgent_0')!.toolCalls).toEqual([{ tool: 'calculator', toolInput: { input: '12*12' }, toolOutput: '144' }]);
      expect(trace.find((e) => e.nodeId === 'calculator_0')).toMatchObject({ status: 'completed', name: 'calculator' });
      expect(trace.map((e) => e.nodeId)).toEqual(expect.arrayContaining(['chatOpenAI_0', 'bufferMemory_0', 'calculator_0', 'toolAgent_0']));
    });
  });
}
