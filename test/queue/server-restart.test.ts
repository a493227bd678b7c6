import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import { createFlow, eventually } from '../support/api-harness.js';
import type { SpawnedProcess } from '../support/processes.js';
import { type QueueHarness, startQueueHarness, startReplica } from '../support/queue-harness.js';
import { hasWords, streamedText } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

/** queue-mode.md 4: a server dies with runs in flight; workers finish them; clients resume elsewhere. */
describe('server restarted while runs are in flight', () => {
  let h: QueueHarness;
  let replica: SpawnedProcess;
  let replicaApi: ApiClient;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
    ({ process: replica, api: replicaApi } = await startReplica(h, { authorization: `Bearer ${TEST_ADMIN_KEY}` }));
  });
  afterAll(async () => {
    await replica?.stop('SIGKILL');
    await h?.close();
  });

  it('the run completes, its result is fetchable and its stream resumes on another replica, exactly', async () => {
    // Held after three tokens until the replica is dead, so the run is in flight when it dies.
    const model = 'fake;tokens=10;gate=replica-dies;gateAt=3';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    // The client streams from the replica process, which then dies without a word.
    const stream = await replicaApi.openStream('POST', `/api/v1/prediction/${id}`, { question: 'keep it', chatId: 'crash-1', streaming: true });
    const seen = await stream.until((events) => hasWords(events, 3));
    const runId = stream.headers.get('x-run-id')!;
    const lastSeen = seen.at(-1)!.id!;
    const copy = seen.map((e) => ({ id: e.id, event: e.event, data: e.data }));
    await replica.stop('SIGKILL');
    h.fake.gates.open('replica-dies');

    // Another server picks up where the client left off: exactly the missed events.
    const rest = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`, undefined, { 'last-event-id': lastSeen });
    expect(rest.events[0]!.id).toBe(String(Number(lastSeen) + 1));
    const all = [...copy, ...rest.events.map((e) => ({ id: e.id, event: e.event, data: e.data }))];
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.at(-1)!.event).toBe('end');
    expect(streamedText(all as never)).toBe(expectedAnswer(model, 'keep it'));

    const run = await eventually(async () => {
      const body = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
      return body.status === 'completed' ? body : undefined;
    });
    expect(run.result).toMatchObject({ text: expectedAnswer(model, 'keep it'), chatId: 'crash-1' });
    // The replay from the start matches too, on any replica.
    const replay = await h.anon.stream('GET', `/api/v1/runs/${runId}/events`);
    expect(replay.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
  });
});
