import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { createFlow } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { clientNames, dumpKeys, inspectRedis } from '../support/redis-inspect.js';
import { streamedText } from '../support/sse.js';

const SECRET_QUESTION = 'my-private-question-7f3a';
const CREDENTIAL_SECRET = 'sk-credential-secret-91ab';

/** queue-mode.md 5, 7 and 9: many concurrent runs, bounded Redis, a constant number of connections, no secrets in Redis. */
describe('resources and data in Redis', () => {
  let h: QueueHarness;
  const redis = () => inspectRedis(h.env.REDIS_URL!);
  beforeAll(async () => {
    h = await startQueueHarness({ REMOVE_ON_COUNT: '5', QUEUE_REDIS_EVENT_STREAM_MAX_LEN: '50', RUN_EVENTS_TTL: '120' });
  });
  afterAll(async () => h?.close());

  it('streams many concurrent runs without losing or mixing a token, with a constant number of connections', async () => {
    const inspector = redis();
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'echo', basepath: h.fake.url, credential }));
    const wave = (n: number, tag: string) =>
      Promise.all(
        Array.from({ length: n }, (_, i) => {
          const question = `${tag} question ${i}`;
          return h.anon
            .stream('POST', `/api/v1/prediction/${id}`, { question, chatId: `${tag}-${i % 3}`, streaming: true })
            .then((r) => ({ r, question }));
        }),
      );
    // Connections of this deployment only (other test files share the Redis): our named ones by pid,
    // and BullMQ's blocking connections, which it names after the queue.
    const pids = new Set([process.pid, ...h.workers.map((w) => w.child.pid)].map(String));
    const bullName = `bull:${Buffer.from(h.env.QUEUE_NAME!).toString('base64')}`;
    const ours = async () =>
      (await clientNames(inspector)).filter((name) => name === bullName || pids.has(/^aimicromind:[^:]+:(\d+)$/.exec(name)?.[1] ?? ''));
    await wave(5, 'warm');
    const before = await ours();
    const results = await wave(80, 'load');
    for (const { r, question } of results) {
      expect(r.events.filter((e) => e.event === 'end')).toHaveLength(1);
      expect(r.events[0]!.event).toBe('start');
      expect(streamedText(r.events)).toBe(`You said: Answer this: ${question}`);
    }
    const after = await ours();
    expect(after.sort()).toEqual(before.sort());
    // One server (2) and two workers (3 each): a handful of connections, however many runs.
    expect(after.length).toBeLessThanOrEqual(8);
    await inspector.quit();
  });

  it('keeps Redis bounded: job retention, trimmed queue events, expiring run streams', async () => {
    const inspector = redis();
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=5', basepath: h.fake.url, credential }));
    for (let i = 0; i < 30; i += 1) await h.anon.post(`/api/v1/prediction/${id}`, { question: `retention ${i}` });
    const queue = h.env.QUEUE_NAME!;
    expect(await inspector.zcard(`bull:${queue}:completed`)).toBeLessThanOrEqual(6);
    expect(await inspector.xlen(`bull:${queue}:events`)).toBeLessThan(200);
    const streams = (await dumpKeys(inspector, `aimicromind:${queue}:run:*:events`)).size;
    expect(streams).toBeGreaterThan(0);
    let cursor = '0';
    do {
      const [next, keys] = await inspector.scan(cursor, 'MATCH', `aimicromind:${queue}:run:*:events`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const ttl = await inspector.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(120_000);
      }
    } while (cursor !== '0');
    await inspector.quit();
  });

  it('stores no question, API key or credential in Redis', async () => {
    const inspector = redis();
    const credential = await h.admin.post('/api/v1/credentials', {
      name: 'secret',
      credentialName: 'openAIApi',
      plainDataObj: { openAIApiKey: CREDENTIAL_SECRET },
    });
    const key = await h.admin.post('/api/v1/apikey', { keyName: 'scan' });
    const model = 'fake;tokens=6';
    const id = await createFlow(h, () => conversationFlow({ model, basepath: h.fake.url, credential: credential.body.id }));
    await h.admin.put(`/api/v1/chatflows/${id}`, { apikeyid: key.body.id });
    const auth = { authorization: `Bearer ${key.body.apiKey}` };
    const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: SECRET_QUESTION, chatId: 'scan-1' }, auth);
    expect(json.body.text).toBe(expectedAnswer(model, SECRET_QUESTION));
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: SECRET_QUESTION, chatId: 'scan-1', streaming: true }, auth);
    expect(stream.events.find((e) => e.event === 'metadata')!.data).toMatchObject({ question: SECRET_QUESTION });
    await h.anon.post('/api/v1/runs', { chatflowId: id, question: SECRET_QUESTION }, auth);

    const dump = await dumpKeys(inspector, '*');
    expect(dump.size).toBeGreaterThan(0);
    for (const [name, content] of dump) {
      for (const secret of [SECRET_QUESTION, CREDENTIAL_SECRET, key.body.apiKey as string, h.env.AIMICROMIND_API_KEY!, h.env.SECRET_KEY!]) {
        expect(`${name} ${content}`.includes(secret), `${name} holds a secret`).toBe(false);
      }
    }
    await inspector.quit();
  });
});
