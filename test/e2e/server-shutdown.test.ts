import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { ApiClient } from '../support/api-client.js';
import { type ApiHarness, createFlow, eventually, spawnMainHarness } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { freePort } from '../support/free-port.js';
import { type SpawnedProcess, spawnCli } from '../support/processes.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { streamedText } from '../support/sse.js';

/** SIGTERM on a main-mode server: no new connections, in-flight runs finish, then exit 0. */
describe('main-mode server shutdown', () => {
  let h: ApiHarness & { server: SpawnedProcess };
  beforeAll(async () => {
    // Far longer than the test: the stream finishes when the test releases its answer, on any machine.
    h = await spawnMainHarness({ GRACEFUL_SHUTDOWN_TIMEOUT: '600000' });
  });
  afterAll(async () => h?.close());

  it('lets in-flight streams finish, refuses new connections, and exits 0', async () => {
    const model = 'fake;tokens=10;gate=main-drain;gateAt=2';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'finish me', streaming: true });
    await stream.until((events) => events.some((e) => e.event === 'token'));
    h.server.child.kill('SIGTERM');
    await h.server.waitFor(/shutting down/);
    // The listener closes a moment after the signal; the stream stays held meanwhile.
    await eventually(() => fetch(`${h.url}/api/v1/ping`).then(() => false, () => true), undefined, 'new connections to be refused');
    h.fake.gates.open('main-drain');
    const events = await stream.untilEnd();
    expect(streamedText(events)).toBe(expectedAnswer(model, 'finish me'));
    expect(events.at(-1)!.event).toBe('end');
    expect(await exitOf(h.server.child)).toBe(0);
  });
});

describe('queue-mode server shutdown', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
  });
  afterAll(async () => h?.close());

  it('relays in-flight streams to their end before exiting 0', async () => {
    const port = await freePort();
    const server = spawnCli('start', { ...h.env, PORT: String(port), LOG_LEVEL: 'info', GRACEFUL_SHUTDOWN_TIMEOUT: '600000' });
    await server.waitFor(/aimicromind server ready/);
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    const model = 'fake;tokens=10;gate=queue-drain;gateAt=2';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const stream = await api.openStream('POST', `/api/v1/prediction/${id}`, { question: 'drain me', streaming: true });
    await stream.until((events) => events.some((e) => e.event === 'token'));
    server.child.kill('SIGTERM');
    await server.waitFor(/shutting down/);
    h.fake.gates.open('queue-drain');
    const events = await stream.untilEnd();
    expect(streamedText(events)).toBe(expectedAnswer(model, 'drain me'));
    expect(await exitOf(server.child)).toBe(0);
  });
});
