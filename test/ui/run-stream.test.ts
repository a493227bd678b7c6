import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunEvent, answerText, streamPrediction } from '../../ui/src/flow/run-stream.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';

/**
 * The test chat's stream reader against a real server: a connection that drops mid-answer reattaches
 * with Last-Event-ID and the answer arrives whole, each token once.
 */
describe('test chat stream', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness();
  });
  afterAll(() => h?.close());

  /** A response whose body breaks after `keep` chunks, as a dropped connection does. */
  function dropsAfter(response: Response, keep: number, upstream: AbortController): Response {
    const reader = response.body!.getReader();
    let seen = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        seen += 1;
        if (seen >= keep) {
          upstream.abort();
          controller.error(new TypeError('network error'));
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  }

  /** A streamed prediction asking "hi" whose connection drops after `keep` chunks. */
  async function predictionDroppingAfter(id: string, keep: number, signal: AbortSignal): Promise<Response> {
    const upstream = new AbortController();
    signal.addEventListener('abort', () => upstream.abort());
    const response = await fetch(`${h.url}/api/v1/prediction/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'hi', streaming: true }),
      signal: upstream.signal,
    });
    return dropsAfter(response, keep, upstream);
  }

  it('reattaches after a dropped connection and loses no token', async () => {
    const model = 'fake;tokens=40;delay=15';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const events: RunEvent[] = [];
    const requests: Array<{ runId?: string; lastEventId?: string }> = [];
    const result = await streamPrediction(
      async ({ runId, lastEventId, signal }) => {
        requests.push({ runId, lastEventId });
        if (!runId) {
          return predictionDroppingAfter(id, 5, signal);
        }
        return fetch(`${h.url}/api/v1/runs/${runId}/events`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal });
      },
      (event) => events.push(event),
      new AbortController().signal,
    );
    expect(result.ended).toBe(true);
    expect(result.reattached).toBeGreaterThanOrEqual(1);
    expect(requests[1]).toMatchObject({ runId: result.runId, lastEventId: expect.stringMatching(/^\d+$/) });
    const text = events.filter((e) => e.event === 'token').map((e) => e.data).join('');
    expect(text).toBe(expectedAnswer(model, 'hi'));
    expect(events.filter((e) => e.event === 'start')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ event: 'end', data: '[DONE]' });
  });

  it('keeps reattaching with backoff while the server is unreachable, saying so, until the run answers', async () => {
    const model = 'fake;tokens=30;delay=15';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const events: RunEvent[] = [];
    const waits: number[] = [];
    const reconnecting: boolean[] = [];
    let refused = 0;
    const result = await streamPrediction(
      async ({ runId, lastEventId, signal }) => {
        if (!runId) {
          return predictionDroppingAfter(id, 3, signal);
        }
        // The server "restarting": the first three reattach attempts get no answer at all.
        if (refused < 3) {
          refused += 1;
          throw new TypeError('Failed to fetch');
        }
        return fetch(`${h.url}/api/v1/runs/${runId}/events`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal });
      },
      (event) => events.push(event),
      new AbortController().signal,
      { backoff: [5, 10, 20, 40], wait: async (ms) => void waits.push(ms), onReconnecting: (on) => reconnecting.push(on) },
    );
    expect(result.ended).toBe(true);
    expect(waits).toEqual([5, 10, 20]);
    expect(reconnecting).toContain(true);
    expect(reconnecting.at(-1)).toBe(false);
    expect(events.filter((e) => e.event === 'token').map((e) => e.data).join('')).toBe(expectedAnswer(model, 'hi'));
  });

  it('gives up once the backoff is spent, naming the cause', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=30;delay=15', basepath: h.fake.url, credential }));
    const attempt = streamPrediction(
      async ({ runId, signal }) => {
        if (runId) throw new TypeError('Failed to fetch');
        return predictionDroppingAfter(id, 3, signal);
      },
      () => undefined,
      new AbortController().signal,
      { backoff: [1, 1], wait: async () => undefined },
    );
    await expect(attempt).rejects.toThrow(/could not be reached again.*Failed to fetch/);
  });

  it("shows an output parser's json answer as a formatted JSON block", () => {
    expect(answerText({ text: 'plain' })).toBe('plain');
    expect(answerText({ json: { answer: 42, why: 'asked' } })).toBe('```json\n{\n  "answer": 42,\n  "why": "asked"\n}\n```');
  });
});
