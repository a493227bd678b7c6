import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';

/** queue-mode.md 8: a worker with another secret key fails the run with a reason, never garbled credentials. */
describe('a worker with the wrong secret key', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 0 });
    await h.addWorker({ SECRET_KEY: 'a-different-secret' });
  });
  afterAll(async () => h?.close());

  it('fails the run with an error that names the cause', async () => {
    h.fake.reset();
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q' });
    expect(json.status).toBe(500);
    expect(json.body).toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED' });
    expect(json.body.message).toMatch(/could not be decrypted: the secret key differs/);
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true });
    expect(stream.events.map((e) => e.event)).toEqual(['error', 'end']);
    expect(stream.events[0]!.data).toMatch(/secret key differs/);
    const run = (await h.anon.get(`/api/v1/runs/${json.headers.get('x-run-id')}`)).body;
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/secret key/) });
    // The provider was never called with a wrong or empty key.
    expect(h.fake.requests).toHaveLength(0);
  });
});
