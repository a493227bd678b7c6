import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { freePort } from '../support/free-port.js';
import { type SpawnedProcess, spawnCli } from '../support/processes.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { inspectRedis } from '../support/redis-inspect.js';
import { streamedText } from '../support/sse.js';

/**
 * Waiting for runs does not make every server replica read every run: a server subscribes only to the
 * runs it relays (no pattern subscription), and lets go of them when they end.
 */
describe('server replicas read only their own runs', () => {
  let h: QueueHarness;
  let replica: SpawnedProcess;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
    replica = spawnCli('start', { ...h.env, PORT: String(await freePort()), LOG_LEVEL: 'info' });
    await replica.waitFor(/aimicromind server ready/);
  });
  afterAll(async () => {
    await replica?.stop();
    await h?.close();
  });

  it('keeps the other replica unsubscribed while this one relays runs', async () => {
    const inspector = inspectRedis(h.env.REDIS_URL!);
    const subscriptions = async (pid: number) => {
      const line = ((await inspector.client('LIST')) as string).split('\n').find((l) => l.includes(`name=aimicromind:server-events:${pid} `));
      return { sub: Number(/ sub=(\d+)/.exec(line ?? '')?.[1] ?? -1), psub: Number(/ psub=(\d+)/.exec(line ?? '')?.[1] ?? -1) };
    };
    // Every run is held after its first token until all ten are being relayed.
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=20;gate=isolation;gateAt=1', basepath: h.fake.url, credential }));
    const streams = Array.from({ length: 10 }, (_, i) =>
      h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: `iso ${i}`, streaming: true }),
    );
    await h.fake.gates.reached('isolation', 10);
    const during = await eventually(async () => {
      const mine = await subscriptions(process.pid);
      return mine.sub >= 10 ? mine : undefined;
    });
    expect(during.psub).toBe(0);
    expect(await subscriptions(replica.child.pid!)).toEqual({ sub: 0, psub: 0 });
    h.fake.gates.open('isolation');
    for (const stream of await Promise.all(streams)) expect(streamedText(stream.events)).toMatch(/^t1 .* t20$/);
    // Ended runs are unsubscribed in a batch shortly after.
    await eventually(async () => (await subscriptions(process.pid)).sub === 0, undefined, 'subscriptions released');
    expect(await subscriptions(replica.child.pid!)).toEqual({ sub: 0, psub: 0 });
    await inspector.quit();
  });
});
