import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { ApiClient } from '../support/api-client.js';
import { createFlow } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { freePort } from '../support/free-port.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { streamedText } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

/** queue-mode.md "What a user does": workers are added and removed while load runs; no request fails. */
describe('workers joining and leaving under load', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
  });
  afterAll(async () => h?.close());

  it('serves every request while a worker joins and another stops gracefully', async () => {
    const model = 'fake;tokens=10;delay=15';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const failures: string[] = [];
    const ask = async (i: number) => {
      const question = `elastic ${i}`;
      if (i % 2 === 0) {
        const r = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question, streaming: true });
        if (streamedText(r.events) !== expectedAnswer(model, question)) failures.push(`${i}: ${r.status} ${r.raw.slice(-200)}`);
      } else {
        const r = await h.anon.post(`/api/v1/prediction/${id}`, { question });
        if (r.body.text !== expectedAnswer(model, question)) failures.push(`${i}: ${r.status} ${r.text.slice(0, 200)}`);
      }
    };
    /** Keeps 12 requests in flight until `stop` resolves (each lane asks at least once). */
    const steadyLoad = (from: number, stop: Promise<unknown>) => {
      let next = from;
      let stopped = false;
      void stop.then(() => (stopped = true));
      const lane = async () => {
        while (!stopped) await ask(next++);
      };
      return Promise.all(Array.from({ length: 12 }, lane)).then(() => next - from);
    };
    const first = h.workers[0]!;
    const port = await freePort();
    // A worker joins while load runs...
    const joined = h.addWorker({ WORKER_PORT: String(port) });
    const before = await steadyLoad(0, joined);
    // ...then the first one leaves while load goes on (until it has exited), so the rest is served by
    // the one that joined.
    first.child.kill('SIGTERM');
    await first.waitFor(/stopping: no new jobs/);
    const after = await steadyLoad(1000, exitOf(first.child));
    expect(failures).toEqual([]);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
    expect(await exitOf(first.child)).toBe(0);
    expect((await h.admin.get(`/api/v1/chatmessage/${id}`)).body.length).toBe((before + after) * 2);
    const metrics = await new ApiClient(`http://127.0.0.1:${port}`).get('/metrics', { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    const completed = /aimicromind_run_duration_seconds_count\{[^}]*status="completed"[^}]*\} (\d+)/.exec(metrics.text);
    expect(Number(completed?.[1] ?? 0)).toBeGreaterThanOrEqual(after);
  });
});
