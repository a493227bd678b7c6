import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPart, toolAgentFlow } from '../fixtures/agent-flows.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { requestsPostPart } from '../fixtures/sandbox-flows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { HttpTarget } from '../support/http-target.js';
import { type QueueHarness, fastTakeoverEnv, startQueueHarness } from '../support/queue-harness.js';
import { hasWords, streamedText } from '../support/sse.js';

/**
 * queue-mode.md 1 and 2: workers killed mid-run, and stopped with SIGTERM. Every run a test acts on is
 * held by a fake-LLM gate while the test kills or stops its worker, so the run is in flight whatever
 * the machine's speed; the gate opens only when the test says so.
 */
describe('worker crashes and shutdowns', () => {
  let h: QueueHarness;
  const target = new HttpTarget();
  beforeAll(async () => {
    await target.start();
    target.route('/orders', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ordered":true}'));
    // The takeover test with a tool posts to the local target.
    h = await startQueueHarness({ ...fastTakeoverEnv(), HTTP_ALLOW_LIST: '127.0.0.1' }, { workers: 1 });
  });
  afterAll(async () => {
    await h?.close();
    await target.stop();
  });

  const flowWith = (model: string) => (credential: string) => llmChainFlow({ model, basepath: h.fake.url, credential });

  async function messagesOf(chatflowId: string, chatId: string) {
    return (await h.admin.get(`/api/v1/chatmessage/${chatflowId}?chatId=${chatId}`)).body as Array<{ role: string; content: string }>;
  }

  /** Stops every worker of the harness, then starts the one worker a test needs (with its own env). */
  async function onlyWorker(extra: Record<string, string> = {}) {
    await Promise.all(h.workers.map((w) => w.stop()));
    return h.addWorker(extra);
  }

  it('SIGKILL mid-stream: another worker takes over, the client sees restart, one answer is stored', async () => {
    const model = 'fake;tokens=20;gate=kill-1;gateAt=3';
    const id = await createFlow(h, flowWith(model));
    const victim = await onlyWorker();
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'survive', chatId: 'kill-1', streaming: true });
    await stream.until((events) => hasWords(events, 3));
    const runId = stream.headers.get('x-run-id')!;
    // The run is held at the gate on the victim (the only worker); it dies, then a fresh worker takes
    // over once the lock expires, and its attempt passes the gate.
    await victim.stop('SIGKILL');
    h.fake.gates.open('kill-1');
    await h.addWorker();
    const events = await stream.untilEnd();
    const names = events.map((e) => e.event);
    expect(names).toContain('restart');
    expect(events.find((e) => e.event === 'restart')!.data).toBe('attempt 2');
    expect(names.filter((n) => n === 'end')).toHaveLength(1);
    expect(names.at(-1)).toBe('end');
    const text = streamedText(events);
    expect(text).toBe(expectedAnswer(model, 'survive'));
    const messages = await messagesOf(id, 'kill-1');
    expect(messages.map((m) => m.role)).toEqual(['userMessage', 'apiMessage']);
    expect(messages[1]!.content).toBe(text);
    const run = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
    expect(run).toMatchObject({ status: 'completed', attempt: 2 });
    // Ids keep increasing across the takeover, so Last-Event-ID resumption stays exact.
    const ids = events.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('SIGKILL after a tool ran: the new attempt calls the tool again, a stock client shows the text twice, one answer is stored', async () => {
    // README "What a takeover means for clients and tools": the behaviour documented there, as it is.
    const model = 'fake;tool=requests_post:{"body":{"item":"pen"}};say=Ordering.;gate=kill-tool;gateAt=2;tokens=6';
    const id = await createFlow(h, (credential) =>
      toolAgentFlow(modelPart('chatOpenAI', { model, root: h.fake.rootUrl, credential }), [requestsPostPart({ requestsPostUrl: `${target.url}/orders` })]),
    );
    const victim = await onlyWorker();
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'order a pen', chatId: 'kill-tool', streaming: true });
    // "Ordering." came with the tool call; the final answer is held at the gate after two words.
    await stream.until((events) => streamedText(events).includes('t2'));
    const runId = stream.headers.get('x-run-id')!;
    expect(target.requests.filter((r) => r.url === '/orders')).toHaveLength(1);
    await victim.stop('SIGKILL');
    h.fake.gates.open('kill-tool');
    await h.addWorker();
    const events = await stream.untilEnd();
    expect(events.filter((e) => e.event === 'restart').map((e) => e.data)).toEqual(['attempt 2']);
    expect(target.requests.filter((r) => r.url === '/orders')).toHaveLength(2);
    const answer = streamedText(events);
    const restart = events.findIndex((e) => e.event === 'restart');
    const firstAttempt = events.slice(0, restart).filter((e) => e.event === 'token').map((e) => e.data as string).join('');
    const stockClient = events.filter((e) => e.event === 'token').map((e) => e.data as string).join('');
    expect(firstAttempt).toMatch(/^Ordering\.\s+t1 t2/);
    expect(answer).toMatch(/^Ordering\.\s+t1 t2 t3 t4 t5 t6$/);
    expect(stockClient).toBe(firstAttempt + answer);
    const messages = await messagesOf(id, 'kill-tool');
    expect(messages.map((m) => m.role)).toEqual(['userMessage', 'apiMessage']);
    expect(messages[1]!.content).toBe(answer);
    const run = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
    expect(run).toMatchObject({ status: 'completed', attempt: 2 });
    expect(run.result.usedTools.map((u: { tool: string }) => u.tool)).toEqual(['requests_post']);
  });

  it('a run that keeps killing its workers ends failed with a reason, not running forever', async () => {
    // The gate never opens: every attempt is held mid-answer until its worker is killed.
    const id = await createFlow(h, flowWith('fake;tokens=20;gate=doomed;gateAt=2'));
    await onlyWorker();
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'doomed', chatId: 'kill-2', streaming: true });
    const runId = stream.headers.get('x-run-id')!;
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await h.fake.gates.reached('doomed', attempt);
      expect((await h.repos.runs.get(runId))?.attempt).toBe(attempt);
      await h.workers.at(-1)!.stop('SIGKILL');
      await h.addWorker();
    }
    const events = await stream.untilEnd();
    expect(events.slice(-2).map((e) => e.event)).toEqual(['error', 'end']);
    expect(events.at(-2)!.data).toMatch(/interrupted 2 times/);
    const run = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/interrupted/);
    expect(await messagesOf(id, 'kill-2')).toEqual([]);
    expect(h.fake.gates.arrivals('doomed')).toBe(2);
  });

  it('SIGTERM: the worker takes no new job, finishes its run, and exits 0', async () => {
    const model = 'fake;tokens=10;gate=term-1;gateAt=2';
    const id = await createFlow(h, flowWith(model));
    // A timeout far longer than the test: finishing must not depend on how fast this machine is.
    const worker = await onlyWorker({ GRACEFUL_SHUTDOWN_TIMEOUT: '600000' });
    const first = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'finish me', streaming: true });
    await h.fake.gates.reached('term-1');
    worker.child.kill('SIGTERM');
    await worker.waitFor(/stopping: no new jobs/);
    const second = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'later' });
    // The stopping worker holds the first run; let it finish.
    h.fake.gates.open('term-1');
    expect(await exitOf(worker.child)).toBe(0);
    expect((await h.anon.get(`/api/v1/runs/${first.body.runId}`)).body).toMatchObject({ status: 'completed', attempt: 1 });
    expect((await h.anon.get(`/api/v1/runs/${second.body.runId}`)).body.status).toBe('queued');
    expect(h.fake.gates.arrivals('term-1')).toBe(1);
    await h.addWorker();
    const done = await eventually(async () => {
      const run = (await h.anon.get(`/api/v1/runs/${second.body.runId}`)).body;
      return run.status === 'completed' ? run : undefined;
    });
    expect(done.result.text).toBe(expectedAnswer(model, 'later'));
  });

  it('SIGTERM past GRACEFUL_SHUTDOWN_TIMEOUT: the unfinished run goes back to the queue, not lost', async () => {
    const model = 'fake;tokens=20;gate=term-2;gateAt=2';
    const id = await createFlow(h, flowWith(model));
    // The answer stays held until this worker has exited, so the deadline always passes first.
    const worker = await onlyWorker({ GRACEFUL_SHUTDOWN_TIMEOUT: '500' });
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'requeue', chatId: 'term-2', streaming: true });
    await stream.until((events) => hasWords(events, 2));
    const runId = stream.headers.get('x-run-id')!;
    worker.child.kill('SIGTERM');
    expect(await exitOf(worker.child)).toBe(0);
    expect(worker.output()).toContain('handing unfinished runs back to the queue');
    expect((await h.repos.runs.get(runId))?.status).toBe('running');
    h.fake.gates.open('term-2');
    await h.addWorker();
    const events = await stream.untilEnd();
    expect(events.map((e) => e.event)).toContain('restart');
    expect(streamedText(events)).toBe(expectedAnswer(model, 'requeue'));
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body).toMatchObject({ status: 'completed', attempt: 2 });
    expect((await messagesOf(id, 'term-2')).filter((m) => m.role === 'apiMessage')).toHaveLength(1);
  });
});
