import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunEvent, streamPrediction } from '../../ui/src/flow/run-stream.js';
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

  it('reattaches after a dropped connection and loses no token', async () => {
    const model = 'fake;tokens=40;delay=15';
    const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    const events: RunEvent[] = [];
    const requests: Array<{ runId?: string; lastEventId?: string }> = [];
    const result = await streamPrediction(
      async ({ runId, lastEventId, signal }) => {
        requests.push({ runId, lastEventId });
        if (!runId) {
          const upstream = new AbortController();
          signal.addEventListener('abort', () => upstream.abort());
          const response = await fetch(`${h.url}/api/v1/prediction/${id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ question: 'hi', streaming: true }),
            signal: upstream.signal,
          });
          return dropsAfter(response, 5, upstream);
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
});
