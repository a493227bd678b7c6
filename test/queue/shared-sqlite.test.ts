import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { createFlow } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { streamedText } from '../support/sse.js';

/**
 * queue-mode.md 13: one server and two workers share one SQLite file; concurrent writes never fail a
 * request (WAL, a busy timeout, short immediate transactions).
 */
describe('SQLite shared by several processes', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 2, database: 'sqlite' });
  });
  afterAll(async () => h?.close());

  it('serves a burst of concurrent JSON and streaming predictions with no failed request', async () => {
    const model = 'fake;tokens=8';
    const plain = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const memory = await createFlow(h, (credential) => conversationFlow({ model, basepath: h.fake.url, credential }));
    const total = 240;
    const concurrency = 40;
    let next = 0;
    const failures: string[] = [];
    const lane = async () => {
      while (next < total) {
        const i = next++;
        const flow = i % 2 === 0 ? plain : memory;
        const question = `q${i}`;
        if (i % 3 === 0) {
          const r = await h.anon.stream('POST', `/api/v1/prediction/${flow}`, { question, chatId: `c${i % 7}`, streaming: true });
          if (r.status !== 200 || streamedText(r.events) !== expectedAnswer(model, question)) failures.push(`${i}: ${r.status} ${r.raw.slice(-200)}`);
        } else {
          const r = await h.anon.post(`/api/v1/prediction/${flow}`, { question, chatId: `c${i % 7}` });
          if (r.status !== 200 || r.body.text !== expectedAnswer(model, question)) failures.push(`${i}: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    expect(failures).toEqual([]);
    const stored = await h.admin.get(`/api/v1/chatmessage/${memory}`);
    expect(stored.body).toHaveLength(total); // 120 memory runs × (question + answer)
    for (const worker of h.workers) expect(worker.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
  });
});
