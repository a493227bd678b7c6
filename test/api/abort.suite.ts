import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import { hasWords } from '../support/sse.js';

/** The Flowise stop button: `PUT /api/v1/chatmessage/abort/:chatflowid/:chatid`. */
export function abortSuite(factory: HarnessFactory): void {
  describe('abort', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    // Every run here is held mid-answer by a gate that never opens: only an abort can end it.
    const slowFlow = (credential: string) => llmChainFlow({ model: 'fake;tokens=10;gate=held;gateAt=2', basepath: h.fake.url, credential });

    it('stops a streaming run mid-stream: abort then end, the LLM call cancelled, nothing stored', async () => {
      const id = await createFlow(h, slowFlow);
      h.fake.reset();
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'stop me', chatId: 'abort-1', streaming: true });
      await stream.until((events) => hasWords(events, 2));
      const response = await h.anon.request('PUT', `/api/v1/chatmessage/abort/${id}/abort-1`, { headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 200, message: 'Chat message aborted' });
      const events = await stream.untilEnd();
      expect(events.slice(-2)).toMatchObject([{ event: 'abort', data: '[DONE]' }, { event: 'end', data: '[DONE]' }]);
      expect(stream.ended || events.at(-1)!.event === 'end').toBe(true);
      await eventually(() => h.fake.requests.some((r) => r.aborted), undefined, 'the LLM request to be cancelled');
      const runId = stream.headers.get('x-run-id')!;
      expect((await h.anon.get(`/api/v1/runs/${runId}`)).body.status).toBe('aborted');
      expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatId=abort-1`)).body).toEqual([]);
    });

    it('answers an aborted JSON prediction with an error, never a text', async () => {
      const id = await createFlow(h, slowFlow);
      const pending = h.anon.post(`/api/v1/prediction/${id}`, { question: 'json stop', chatId: 'abort-2' });
      await eventually(async () => (await h.repos.runs.activeFor(id, 'abort-2')).some((r) => r.status === 'running'));
      await h.anon.put(`/api/v1/chatmessage/abort/${id}/abort-2`);
      const response = await pending;
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ success: false, code: 'RUN_ABORTED' });
      expect(response.body.text).toBeUndefined();
    });

    it('aborts every active run of the chat, and nothing else', async () => {
      const id = await createFlow(h, slowFlow);
      const a = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'a', chatId: 'abort-3', streaming: true });
      const b = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'b', chatId: 'abort-3', streaming: true });
      const c = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'c', chatId: 'abort-other', streaming: true });
      const running = async (chatId: string) => (await h.repos.runs.activeFor(id, chatId)).filter((r) => r.status === 'running').length;
      await eventually(async () => (await running('abort-3')) === 2 && (await running('abort-other')) === 1, undefined, 'all three runs to start');
      await h.anon.put(`/api/v1/chatmessage/abort/${id}/abort-3`);
      for (const runId of [a.body.runId, b.body.runId]) {
        await eventually(async () => (await h.anon.get(`/api/v1/runs/${runId}`)).body.status === 'aborted', undefined, `run ${runId} aborted`);
      }
      expect((await h.anon.get(`/api/v1/runs/${c.body.runId}`)).body.status).toBe('running');
      await h.anon.post(`/api/v1/runs/${c.body.runId}/abort`);
    });

    it('deleting a chatflow aborts its waiting and running runs, so nothing of theirs is stored after it', async () => {
      const id = await createFlow(h, slowFlow);
      h.fake.reset();
      const a = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'a', chatId: 'gone-1', streaming: true });
      const b = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'b', chatId: 'gone-2', streaming: true });
      const running = async () => (await h.repos.runs.activeFor(id)).filter((r) => r.status === 'running').length;
      await eventually(async () => (await running()) === 2, undefined, 'both runs to start');
      // Both runs are waiting on the LLM (a run claimed but not yet calling it would end without a request).
      await eventually(() => h.fake.requests.length >= 2, undefined, 'both LLM requests to arrive');
      expect((await h.admin.delete(`/api/v1/chatflows/${id}`)).status).toBe(200);
      for (const runId of [a.body.runId, b.body.runId]) {
        // The run view answers 404 once its chatflow is gone: read the row (deleted with the chatflow's
        // finished runs when the abort landed first).
        await eventually(async () => [undefined, 'aborted'].includes((await h.repos.runs.get(runId))?.status), undefined, `run ${runId} aborted`);
      }
      await eventually(() => h.fake.requests.filter((r) => r.aborted).length >= 2, undefined, 'both LLM requests cancelled');
      expect(await h.repos.messages.list({ chatflowid: id }, { order: 'ASC' })).toEqual([]);
    });

    it('answers the abort route when nothing runs', async () => {
      const response = await h.anon.put('/api/v1/chatmessage/abort/no-such-flow/no-such-chat');
      expect(response.body).toEqual({ status: 200, message: 'Chat message aborted' });
    });
  });
}
