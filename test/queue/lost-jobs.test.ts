import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri } from '../fixtures/documents.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { scaled } from '../support/machine.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { RedisServer } from '../support/redis-server.js';
import { upsertQueueName } from '../../src/runner/upsert/queue-upserts.js';

/**
 * Finding 7 (queue mode): Redis restarted without persistence loses the jobs of queued runs and upserts,
 * while their rows stay `queued` in the database. The server's reconciler enqueues them again under
 * their row's id, and a worker runs each once.
 */
describe('jobs Redis lost', () => {
  let redis: RedisServer;
  let h: QueueHarness;
  const queues: Queue[] = [];
  beforeAll(async () => {
    redis = await RedisServer.start();
    // No worker yet: the jobs wait in Redis until the test restarts it.
    h = await startQueueHarness({ REDIS_URL: redis.url, RECONCILE_INTERVAL: String(scaled(300)) }, { workers: 0 });
  });
  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await h?.close();
    await redis?.stop();
  });

  it('are enqueued again under the row id and run once', async () => {
    const chat = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    const txtFile = dataUri('zoo.txt', 'text/plain', 'The zoo feeds its penguins herring at noon.');
    const rag = await createFlow(h, (credential) => ragFlow({ model: 'fake', basepath: h.fake.url, embeddingsBasepath: h.fake.url, credential, txtFile }));
    const run = await h.anon.post('/api/v1/runs', { chatflowId: chat, question: 'kept' });
    expect(run.body.status).toBe('queued');
    const runId = run.body.runId as string;
    const upsert = await h.admin.post(`/api/v1/vector/upsert/${rag}?async=true`, {});
    expect(upsert.status).toBe(202);
    const upsertId = upsert.body.id as string;

    await redis.restart();
    const runs = new Queue(h.env.QUEUE_NAME!, { connection: { url: redis.url } });
    const upserts = new Queue(upsertQueueName(h.env.QUEUE_NAME!), { connection: { url: redis.url } });
    queues.push(runs, upserts);
    expect(await runs.getJob(runId)).toBeUndefined();

    // The rows are still queued; the reconciler adds their jobs again, ids and payload as the server first did.
    const [runJob, upsertJob] = await eventually(
      async () => {
        const found = await Promise.all([runs.getJob(runId), upserts.getJob(upsertId)]);
        return found.every(Boolean) ? found : undefined;
      },
      30000,
      'the lost jobs to be enqueued again',
    );
    expect(runJob!.data).toEqual({ v: 1, runId });
    expect(upsertJob!.data).toEqual({ v: 1, upsertId });
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body.status).toBe('queued');

    await h.addWorker();
    const done = await eventually(
      async () => {
        const view = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
        return view.status === 'queued' || view.status === 'running' ? undefined : view;
      },
      30000,
      'the run to end',
    );
    expect(done).toMatchObject({ status: 'completed', attempt: 1, result: expect.objectContaining({ text: 't1 t2 t3' }) });
    const job = await eventually(
      async () => {
        const view = (await h.admin.get(`/api/v1/vector/upsert-jobs/${upsertId}`)).body;
        return view.status === 'queued' || view.status === 'running' ? undefined : view;
      },
      30000,
      'the upsert to end',
    );
    expect(job).toMatchObject({ status: 'completed', attempt: 1, result: { numAdded: 1, numDeleted: 0, numUpdated: 0, numSkipped: 0 } });
    // One answer stored for the one question: the run ran once.
    const messages = (await h.admin.get(`/api/v1/chatmessage/${chat}`)).body as Array<{ role: string }>;
    expect(messages.filter((m) => m.role === 'apiMessage')).toHaveLength(1);
  });
});

/** A run no worker takes before PREDICTION_TIMEOUT ends `failed`, and a reader attached to it ends too. */
describe('runs nothing took', () => {
  let h: QueueHarness;
  let queue: Queue | undefined;
  beforeAll(async () => {
    h = await startQueueHarness({ PREDICTION_TIMEOUT: String(scaled(1500)), RECONCILE_INTERVAL: String(scaled(300)) }, { workers: 0 });
  });
  afterAll(async () => {
    await queue?.close();
    await h?.close();
  });

  it('end failed with a reason, on the stream too, and leave the queue', async () => {
    const chat = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential }));
    const run = await h.anon.post('/api/v1/runs', { chatflowId: chat, question: 'nobody takes me' });
    const runId = run.body.runId as string;
    const stream = await h.anon.openStream('GET', `/api/v1/runs/${runId}/events`);
    const events = await stream.untilEnd();
    expect(events.slice(-2).map((e) => e.event)).toEqual(['error', 'end']);
    expect(events.at(-2)!.data).toMatch(/The run did not start: nothing took it before PREDICTION_TIMEOUT/);
    expect((await h.anon.get(`/api/v1/runs/${runId}`)).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/did not start/) });
    queue = new Queue(h.env.QUEUE_NAME!, { connection: { url: h.env.REDIS_URL! } });
    expect(await queue.getJob(runId)).toBeUndefined();
  });
});
