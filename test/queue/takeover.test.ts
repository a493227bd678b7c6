import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { streamedText } from '../support/sse.js';

/** queue-mode.md 1 and 2: workers killed mid-run, and stopped with SIGTERM. */
describe('worker crashes and shutdowns', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({ GRACEFUL_SHUTDOWN_TIMEOUT: '1500' }, { workers: 1 });
  });
  afterAll(async () => h?.close());

  const slow = (model: string) => (credential: string) => llmChainFlow({ model, basepath: h.fake.url, credential });

  async function messagesOf(chatflowId: string, chatId: string) {
    return (await h.admin.get(`/api/v1/chatmessage/${chatflowId}?chatId=${chatId}`)).body as Array<{ role: string; content: string }>;
  }

  it('SIGKILL mid-stream: another worker takes over, the client sees restart, one answer is stored', async () => {
    const model = 'fake;tokens=60;delay=50';
    const id = await createFlow(h, slow(model));
    const victim = h.workers.at(-1)!;
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'survive', chatId: 'kill-1', streaming: true });
    await stream.until((events) => events.filter((e) => e.event === 'token').length >= 3);
    const runId = stream.headers.get('x-run-id')!;
    // Killed first (the only worker holds the run), then a fresh worker starts and takes over.
    await victim.stop('SIGKILL');
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

  it('a run that keeps killing its workers ends failed with a reason, not running forever', async () => {
    const id = await createFlow(h, slow('fake;tokens=100;delay=50'));
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'doomed', chatId: 'kill-2', streaming: true });
    const runId = stream.headers.get('x-run-id')!;
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await eventually(async () => (await h.repos.runs.get(runId))?.attempt === attempt, 15000, `attempt ${attempt}`);
      await stream.until((events) => events.filter((e) => e.event === 'token').length >= attempt * 2);
      const holder = h.workers.at(-1)!;
      await holder.stop('SIGKILL');
      await h.addWorker();
    }
    const events = await stream.untilEnd();
    expect(events.slice(-2).map((e) => e.event)).toEqual(['error', 'end']);
    expect(events.at(-2)!.data).toMatch(/interrupted 2 times/);
    const run = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/interrupted/);
    expect(await messagesOf(id, 'kill-2')).toEqual([]);
  });

  it('SIGTERM: the worker takes no new job, finishes its run, and exits 0', async () => {
    const model = 'fake;tokens=10;delay=100';
    const id = await createFlow(h, slow(model));
    const worker = h.workers.at(-1)!;
    const first = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'finish me', streaming: true });
    await eventually(async () => (await h.repos.runs.get(first.body.runId))?.status === 'running');
    worker.child.kill('SIGTERM');
    await worker.waitFor(/stopping: no new jobs/);
    const second = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'later' });
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    expect(code).toBe(0);
    expect((await h.anon.get(`/api/v1/runs/${first.body.runId}`)).body).toMatchObject({ status: 'completed', attempt: 1 });
    expect((await h.anon.get(`/api/v1/runs/${second.body.runId}`)).body.status).toBe('queued');
    await h.addWorker();
    const done = await eventually(async () => {
      const run = (await h.anon.get(`/api/v1/runs/${second.body.runId}`)).body;
      return run.status === 'completed' ? run : undefined;
    });
    expect(done.result.text).toBe(expectedAnswer(model, 'later'));
  });

  it('SIGTERM past GRACEFUL_SHUTDOWN_TIMEOUT: the unfinished run goes back to the queue, not lost', async () => {
    const model = 'fake;tokens=60;delay=60';
    const id = await createFlow(h, slow(model));
    const worker = h.workers.at(-1)!;
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'requeue', chatId: 'term-2', streaming: true });
    await stream.until((events) => events.filter((e) => e.event === 'token').length >= 2);
    const runId = stream.headers.get('x-run-id')!;
    worker.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(worker.output()).toContain('handing unfinished runs back to the queue');
    expect((await h.repos.runs.get(runId))?.status).toBe('running');
    await h.addWorker();
    const events = await stream.untilEnd();
    expect(events.map((e) => e.event)).toContain('restart');
    expect(streamedText(events)).toBe(expectedAnswer(model, 'requeue'));
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body).toMatchObject({ status: 'completed', attempt: 2 });
    expect((await messagesOf(id, 'term-2')).filter((m) => m.role === 'apiMessage')).toHaveLength(1);
  });
});
