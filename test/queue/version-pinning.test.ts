import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow, stringify } from '../fixtures/chatflows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';

/**
 * Issue 8 item 1: "queue workers keep running the version a run was validated against". A run waits in
 * the queue (no worker yet) while its chatflow is saved twice; the worker that takes it later answers
 * with the flow the server validated, and that version outlives pruning while the run needs it.
 */
describe('queue workers run the validated chatflow version', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    // 0: no previous versions are kept, except those a queued or running run still needs.
    h = await startQueueHarness({ CHATFLOW_VERSIONS_MAX: '0' }, { workers: 0 });
  });
  afterAll(async () => h?.close());

  it('answers a run queued before a save from the old flow', async () => {
    let credential = '';
    const flowWith = (template: string) => stringify(llmChainFlow({ model: 'fake', basepath: h.fake.url, credential, template }));
    const id = await createFlow(h, (c) => ((credential = c), llmChainFlow({ model: 'fake', basepath: h.fake.url, credential: c, template: 'OLD PROMPT {question}' })));
    const started = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'hello' });
    expect(started.body).toEqual({ runId: expect.any(String), status: 'queued' });

    for (const template of ['NEW PROMPT {question}', 'NEWER PROMPT {question}']) {
      expect((await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flowWith(template) })).status).toBe(200);
    }
    // Version 2 is pruned (max 0); version 1 stays while the queued run needs it.
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body.map((v: { n: number }) => v.n)).toEqual([3, 1]);

    await h.addWorker();
    const run = await eventually(async () => {
      const view = (await h.anon.get(`/api/v1/runs/${started.body.runId}`)).body;
      return view.status === 'completed' || view.status === 'failed' ? view : undefined;
    });
    expect(run.status).toBe('completed');
    expect(run.result.text).toBe('You said: OLD PROMPT hello');

    // New runs get the current flow; the next save prunes what no run needs any more.
    const now = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'hello' });
    expect(now.body.text).toBe('You said: NEWER PROMPT hello');
    await h.admin.put(`/api/v1/chatflows/${id}`, { flowData: flowWith('LATEST PROMPT {question}') });
    expect((await h.admin.get(`/api/v1/chatflows/${id}/versions`)).body.map((v: { n: number }) => v.n)).toEqual([4]);
  });
});
