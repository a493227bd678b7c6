import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import { hasWords, streamedText } from '../support/sse.js';

const RUN_VIEW_KEYS = [
  'attempt', 'chatId', 'chatflowId', 'createdDate', 'error', 'errorCode', 'errorNodeId', 'finishedDate', 'question',
  'queueWaitMs', 'result', 'runId', 'runTimeMs', 'sessionId', 'startedDate', 'status', 'trace',
];

/** Run ids, status, replay with Last-Event-ID, asynchronous runs, idempotency, abort and detach. */
export function runsSuite(factory: HarnessFactory): void {
  describe('runs', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    const flowWith = (model: string) => (credential: string) => llmChainFlow({ model, basepath: h.fake.url, credential });

    async function runStatus(runId: string): Promise<string> {
      return (await h.anon.get(`/api/v1/runs/${runId}`)).body.status as string;
    }

    /** SSE responses the server has open (it has noticed a client that left once this drops). */
    async function activeStreams(): Promise<number> {
      const metrics = await h.admin.get('/metrics');
      return Number(/^aimicromind_active_streams(?:\{[^}]*\})? (\d+)$/m.exec(metrics.text)?.[1] ?? Number.NaN);
    }

    /** Longest a run may stay without a reader before it is aborted, plus room to notice. */
    const detachBound = () => Number(h.env.STREAM_DETACH_GRACE) + 20000;

    it('shows a run, and replays its events with the same ids, from any Last-Event-ID', async () => {
      const id = await createFlow(h, flowWith('fake;tokens=8'));
      const live = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'replay', streaming: true });
      const runId = live.headers.get('x-run-id')!;
      const run = await h.anon.get(`/api/v1/runs/${runId}`);
      expect(Object.keys(run.body).sort()).toEqual(RUN_VIEW_KEYS);
      expect(run.body).toMatchObject({ runId, chatflowId: id, status: 'completed', attempt: 1, error: null });
      expect(run.body.result.text).toBe(expectedAnswer('fake;tokens=8', 'replay'));

      const replay = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`);
      expect(replay.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const strip = (events: typeof live.events) => events.map((e) => ({ id: e.id, event: e.event, data: e.data }));
      expect(strip(replay.events)).toEqual(strip(live.events));

      const cut = live.events[1]!.id!;
      const after = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': cut });
      expect(strip(after.events)).toEqual(strip(live.events.slice(2)));
      const viaQuery = await h.anon.stream('GET', `/api/v1/runs/${runId}/events?lastEventId=${cut}`);
      expect(strip(viaQuery.events)).toEqual(strip(live.events.slice(2)));
      // Resuming after the end gives an empty, finished stream.
      const pastEnd = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': live.events.at(-1)!.id! });
      expect(pastEnd.status).toBe(200);
      expect(pastEnd.events).toEqual([]);
      expect((await h.anon.get(`/api/v1/runs/${runId}/events?lastEventId=abc`)).status).toBe(400);
    });

    it('starts asynchronous runs with 202, and a late reader still gets every event', async () => {
      const model = 'fake;tokens=10;gate=late-reader;gateAt=3';
      const id = await createFlow(h, flowWith(model));
      const started = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'async', streaming: true });
      expect(started.status).toBe(202);
      // Queued for a worker in queue mode; main mode starts it at once.
      expect(started.body).toEqual({ runId: expect.any(String), status: h.mode === 'queue' ? 'queued' : 'running' });
      expect(started.headers.get('location')).toBe(`/api/v1/runs/${started.body.runId}`);
      // Three tokens are out before anyone reads; the rest is held until the reader has caught up.
      await h.fake.gates.reached('late-reader');
      const reader = await h.anon.openStream('GET', `/api/v1/runs/${started.body.runId}/events`);
      await reader.until((events) => hasWords(events, 3));
      h.fake.gates.open('late-reader');
      const events = { events: await reader.untilEnd() };
      expect(events.events[0]!.event).toBe('start');
      expect(events.events.at(-1)!.event).toBe('end');
      const text = streamedText(events.events);
      expect(text).toBe(expectedAnswer(model, 'async'));
      const run = await h.anon.get(`/api/v1/runs/${started.body.runId}`);
      expect(run.body).toMatchObject({ status: 'completed', result: { text } });
    });

    it('polls an asynchronous JSON run to completion', async () => {
      const id = await createFlow(h, flowWith('fake;tokens=3'));
      const started = await h.anon.post(`/api/v1/runs?chatflowId=${id}`, { question: 'poll me' });
      expect(started.status).toBe(202);
      const done = await eventually(async () => {
        const run = await h.anon.get(`/api/v1/runs/${started.body.runId}`);
        return run.body.status === 'completed' ? run.body : undefined;
      });
      expect(done.result).toMatchObject({ text: 't1 t2 t3', question: 'poll me', runId: started.body.runId });
    });

    it('returns the same run for a repeated Idempotency-Key', async () => {
      const id = await createFlow(h, flowWith('fake;tokens=3'));
      const headers = { 'idempotency-key': `key-${Math.random()}` };
      const first = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'once' }, headers);
      const second = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'once' }, headers);
      expect(first.status).toBe(202);
      expect(second.status).toBe(200);
      expect(second.body.runId).toBe(first.body.runId);
      const other = await createFlow(h, flowWith('fake;tokens=3'));
      const third = await h.anon.post('/api/v1/runs', { chatflowId: other, question: 'once' }, headers);
      expect(third.body.runId).not.toBe(first.body.runId);
      await eventually(async () => (await runStatus(first.body.runId)) === 'completed');
      expect(await h.repos.runs.countForChatflow(id)).toBe(1);
    });

    it('aborts one run by id: the stream ends with abort then end, the LLM call stops', async () => {
      // Held mid-answer until aborted (the gate never opens).
      const id = await createFlow(h, flowWith('fake;tokens=10;gate=abort-by-id;gateAt=3'));
      h.fake.reset();
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'long', streaming: true });
      await stream.until((events) => hasWords(events, 3));
      const runId = stream.headers.get('x-run-id')!;
      const abort = await h.anon.post(`/api/v1/runs/${runId}/abort`);
      expect(abort.body).toEqual({ runId, aborted: true });
      const events = await stream.untilEnd();
      expect(events.slice(-2).map((e) => e.event)).toEqual(['abort', 'end']);
      expect(events.at(-2)!.data).toBe('[DONE]');
      expect(await runStatus(runId)).toBe('aborted');
      await eventually(() => h.fake.requests.some((r) => r.aborted), undefined, 'the LLM request to be cancelled');
      expect((await h.anon.post(`/api/v1/runs/${runId}/abort`)).body.aborted).toBe(false);
    });

    it('lets a disconnected streaming client reattach within the grace period', async () => {
      const model = 'fake;tokens=10;gate=reattach;gateAt=3';
      const id = await createFlow(h, flowWith(model));
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'reattach', streaming: true });
      const seen = await stream.until((events) => hasWords(events, 3));
      const runId = stream.headers.get('x-run-id')!;
      const lastId = seen.at(-1)!.id!;
      const before = seen.map((e) => ({ id: e.id, event: e.event, data: e.data }));
      stream.disconnect();
      // The server has seen the client go (its grace period runs from there); the run is still held.
      await eventually(async () => (await activeStreams()) === 0, undefined, 'the server to notice the disconnect');
      const reader = await h.anon.openStream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': lastId });
      h.fake.gates.open('reattach');
      const rest = { events: await reader.untilEnd() };
      expect(rest.events.at(-1)!.event).toBe('end');
      const all = [...before, ...rest.events.map((e) => ({ id: e.id, event: e.event, data: e.data }))];
      expect(streamedText(all as never)).toBe(expectedAnswer(model, 'reattach'));
      expect(await runStatus(runId)).toBe('completed');
    });

    it('aborts a streaming run whose client left and did not come back', async () => {
      // Held mid-answer (the gate never opens), so only the detach can end it.
      const id = await createFlow(h, flowWith('fake;tokens=10;gate=gone;gateAt=1'));
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'gone', streaming: true });
      await stream.until((events) => hasWords(events, 1));
      const runId = stream.headers.get('x-run-id')!;
      stream.disconnect();
      expect(await runStatus(runId)).toBe('running');
      const status = await eventually(async () => {
        const s = await runStatus(runId);
        return s === 'running' ? undefined : s;
      }, detachBound());
      expect(status).toBe('aborted');
    });

    it('never aborts runs started with POST /api/v1/runs for lack of a reader', async () => {
      const model = 'fake;tokens=6;gate=keep-going;gateAt=1';
      const id = await createFlow(h, flowWith(model));
      const started = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'keep going', streaming: true });
      const reader = await h.anon.openStream('GET', `/api/v1/runs/${started.body.runId}/events`);
      await reader.until((events) => hasWords(events, 1));
      reader.disconnect();
      // A control: a streaming prediction whose client leaves after that reader did. Once the grace
      // period has aborted it, the run without a reader has waited at least as long.
      const control = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'control', streaming: true });
      await control.until((events) => hasWords(events, 1));
      control.disconnect();
      const controlId = control.headers.get('x-run-id')!;
      await eventually(async () => (await runStatus(controlId)) === 'aborted', detachBound(), 'the control run to be aborted');
      expect(await runStatus(started.body.runId)).toBe('running');
      h.fake.gates.open('keep-going');
      const done = await eventually(async () => {
        const run = await h.anon.get(`/api/v1/runs/${started.body.runId}`);
        return run.body.status === 'running' ? undefined : run.body;
      });
      expect(done.status).toBe('completed');
      expect(done.result.text).toBe(expectedAnswer(model, 'keep going'));
    });

    it('guards runs of keyed chatflows and rejects bad run requests', async () => {
      const id = await createFlow(h, flowWith('fake;tokens=2'));
      const key = await h.admin.post('/api/v1/apikey', { keyName: 'runs' });
      await h.admin.put(`/api/v1/chatflows/${id}`, { apikeyid: key.body.id });
      const started = await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'q' }, { authorization: `Bearer ${key.body.apiKey}` });
      expect(started.status).toBe(202);
      expect((await h.anon.get(`/api/v1/runs/${started.body.runId}`)).status).toBe(401);
      const other = await h.admin.post('/api/v1/apikey', { keyName: 'another' });
      const viaOtherKey = await h.anon.get(`/api/v1/runs/${started.body.runId}`, { authorization: `Bearer ${other.body.apiKey}` });
      expect(viaOtherKey.status).toBe(200);
      expect((await h.anon.post('/api/v1/runs', { chatflowId: id, question: 'q' })).status).toBe(401);

      const missing = await h.anon.get('/api/v1/runs/00000000-0000-0000-0000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ statusCode: 404, success: false, code: 'RUN_NOT_FOUND' });
      const noFlow = await h.anon.post('/api/v1/runs', { question: 'q' });
      expect(noFlow.status).toBe(400);
      expect(noFlow.body.message).toContain('chatflowId');
    });
  });
}
