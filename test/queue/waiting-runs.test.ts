import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';

/** queue-mode.md 6: aborting a run that waits in the queue removes it; it never runs. */
describe('waiting runs', () => {
  let h: QueueHarness;
  let queue: Queue;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 0 });
    queue = new Queue(h.env.QUEUE_NAME!, { connection: { url: h.env.REDIS_URL } });
  });
  afterAll(async () => {
    await queue?.close();
    await h?.close();
  });

  it('is removed when aborted, and no worker ever runs it', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'never', chatId: 'wait-1', streaming: true });
    expect(stream.status).toBe(200);
    const runId = stream.headers.get('x-run-id')!;
    const queued = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'never either', chatId: 'wait-1' });
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body.status).toBe('queued');
    expect(await queue.getJob(runId)).toBeTruthy();
    // The job holds ids and a schema version only.
    expect((await queue.getJob(runId))!.data).toEqual({ v: 1, runId });

    await h.anon.put(`/api/v1/chatmessage/abort/${id}/wait-1`);
    const events = await stream.untilEnd();
    expect(events.map((e) => e.event)).toEqual(['abort', 'end']);
    for (const run of [runId, queued.body.runId]) {
      expect((await h.anon.get(`/api/v1/runs/${run}`)).body.status).toBe('aborted');
      expect(await queue.getJob(run)).toBeUndefined();
    }

    h.fake.reset();
    await h.addWorker();
    const later = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'a later one' });
    expect(later.status).toBe(200);
    expect(h.fake.requests).toHaveLength(1);
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body.status).toBe('aborted');
    expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatId=wait-1`)).body).toEqual([]);
  });

  it('a completed job returns {runId, status} only; the answer is in the database', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'where is the answer' });
    const runId = response.body.runId as string;
    const job = await eventually(async () => {
      const found = await queue.getJob(runId);
      return found?.returnvalue ? found : undefined;
    });
    expect(job.returnvalue).toEqual({ runId, status: 'completed' });
    expect(JSON.stringify(job)).not.toContain('where is the answer');
  });
});
