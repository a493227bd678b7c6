import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowJson, chatOpenAINode, llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import { freePort } from '../support/free-port.js';
import { scaled } from '../support/machine.js';

/** Bad input gets a precise 4xx in the one error shape, loses nothing and writes nothing half-way. */
export function badInputSuite(factory: HarnessFactory): void {
  describe('bad input and upstream failures', () => {
    let h: ApiHarness;
    // Short enough to test, long enough for every ordinary prediction of this suite on a slow machine.
    const predictionTimeout = scaled(2500);
    beforeAll(async () => {
      h = await factory({ BODY_LIMIT: '1mb', PREDICTION_TIMEOUT: String(predictionTimeout) });
    });
    afterAll(async () => h?.close());

    const goodFlow = (model = 'fake;tokens=3') => (credential: string) => llmChainFlow({ model, basepath: h.fake.url, credential });

    async function expectError(response: { status: number; body: any }, status: number, code: string, mentions: string[] = []) {
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ statusCode: status, success: false, code });
      // No `error` field: flowise-embed would show it instead of the message (api-contract §8.4).
      expect(response.body).not.toHaveProperty('error');
      expect(typeof response.body.message).toBe('string');
      expect(response.body.text).toBeUndefined();
      for (const word of mentions) expect(response.body.message).toContain(word);
    }

    it('rejects malformed JSON and non-object bodies without creating a run', async () => {
      const id = await createFlow(h, goodFlow());
      const malformed = await h.anon.request('POST', `/api/v1/prediction/${id}`, {
        rawBody: '{"question": "oops",',
        headers: { 'content-type': 'application/json' },
      });
      await expectError(malformed, 400, 'INVALID_JSON', ['JSON']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, ['not', 'an', 'object']), 400, 'VALIDATION_FAILED');
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, 'just a string'), 400, 'VALIDATION_FAILED');
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`), 400, 'VALIDATION_FAILED');
      const wrongType = await h.anon.request('POST', `/api/v1/prediction/${id}`, { rawBody: 'question=hi', headers: { 'content-type': 'text/xml' } });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await h.repos.runs.countForChatflow(id)).toBe(0);
    });

    it('names each field of the wrong type', async () => {
      const id = await createFlow(h, goodFlow());
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { question: 42 }), 400, 'VALIDATION_FAILED', ['question']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', streaming: 'yes' }), 400, 'VALIDATION_FAILED', ['streaming']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', history: 'none' }), 400, 'VALIDATION_FAILED', ['history']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', history: [{ role: 'robot', content: 'x' }] }), 400, 'VALIDATION_FAILED', ['history']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', overrideConfig: [1] }), 400, 'VALIDATION_FAILED', ['overrideConfig']);
      await expectError(await h.anon.post(`/api/v1/prediction/${id}`, { chatId: 'no question' }), 400, 'VALIDATION_FAILED', ['question']);
      expect(await h.repos.runs.countForChatflow(id)).toBe(0);
    });

    it('answers 404 for an unknown chatflow, before any SSE', async () => {
      await expectError(await h.anon.post('/api/v1/prediction/does-not-exist', { question: 'q' }), 404, 'CHATFLOW_NOT_FOUND', ['does-not-exist']);
      const streaming = await h.anon.stream('POST', '/api/v1/prediction/does-not-exist', { question: 'q', streaming: true });
      expect(streaming.status).toBe(404);
      expect(streaming.headers.get('content-type')).toContain('application/json');
      expect((await h.anon.get('/api/v1/chatflows-streaming/does-not-exist')).status).toBe(404);
    });

    it('answers 413 for a body over BODY_LIMIT and keeps serving', async () => {
      const id = await createFlow(h, goodFlow());
      const huge = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'x'.repeat(2 * 1024 * 1024) });
      await expectError(huge, 413, 'PAYLOAD_TOO_LARGE', ['BODY_LIMIT']);
      expect(await h.repos.runs.countForChatflow(id)).toBe(0);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'small' })).status).toBe(200);
    });

    describe('invalid graphs answer 400 naming the node', () => {
      const cases: Array<[string, (f: FlowJson) => void, string[], string]> = [
        [
          'unknown node type',
          (f) => {
            f.nodes.push({ id: 'mystery_0', type: 'customNode', data: { id: 'mystery_0', name: 'mysteryNode', inputs: {} } });
          },
          ['mystery_0', 'mysteryNode'],
          'mystery_0',
        ],
        [
          'missing required input',
          (f) => {
            ((f.nodes[1] as { data: { inputs: Record<string, unknown> } }).data.inputs).template = '';
          },
          ['promptTemplate_0', 'template'],
          'promptTemplate_0',
        ],
        [
          'dangling reference',
          (f) => {
            ((f.nodes[2] as { data: { inputs: Record<string, unknown> } }).data.inputs).model = '{{ghost_0.data.instance}}';
          },
          ['llmChain_0', 'ghost_0'],
          'llmChain_0',
        ],
        [
          'reference without an edge',
          (f) => {
            f.edges.splice(0, 1);
          },
          ['llmChain_0', 'chatOpenAI_0'],
          'llmChain_0',
        ],
        [
          'cycle',
          (f) => {
            f.edges.push({ id: 'back', source: 'llmChain_0', target: 'promptTemplate_0', sourceHandle: 'x', targetHandle: 'y', type: 'buttonedge' });
          },
          ['cycle', 'llmChain_0', 'promptTemplate_0'],
          'llmChain_0',
        ],
        [
          'no ending node',
          (f) => {
            f.nodes.splice(1);
            f.edges.length = 0;
          },
          ['Ending node', 'chatOpenAI_0'],
          'chatOpenAI_0',
        ],
        [
          'anchor fed by the wrong kind of node',
          (f) => {
            f.nodes.push(chatOpenAINode({ model: 'x', basepath: 'http://127.0.0.1:1', credential: 'c' }, 'chatOpenAI_1'));
            ((f.nodes[2] as { data: { inputs: Record<string, unknown> } }).data.inputs).prompt = '{{chatOpenAI_1.data.instance}}';
            f.edges.push({ id: 'wrong', source: 'chatOpenAI_1', target: 'llmChain_0', sourceHandle: 'a', targetHandle: 'b', type: 'buttonedge' });
          },
          ['llmChain_0', 'prompt', 'chatOpenAI_1'],
          'llmChain_0',
        ],
        [
          'invalid baseOptions JSON',
          (f) => {
            ((f.nodes[0] as { data: { inputs: Record<string, unknown> } }).data.inputs).baseOptions = '{"X-Team": ';
          },
          ['chatOpenAI_0', 'baseOptions', 'not valid JSON'],
          'chatOpenAI_0',
        ],
        [
          'model without a credential',
          (f) => {
            (f.nodes[0] as { data: { credential?: string } }).data.credential = '';
          },
          ['chatOpenAI_0', 'credential'],
          'chatOpenAI_0',
        ],
      ];

      it.each(cases)('%s', async (_name, breakIt, mentions, nodeId) => {
        const id = await createFlow(h, (credential) => {
          const f = llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential });
          breakIt(f);
          return f;
        });
        const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q' });
        await expectError(json, 400, 'INVALID_FLOW', mentions);
        // The node the error is about, for a UI to point at.
        expect(json.body.nodeId).toBe(nodeId);
        const streaming = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true });
        expect(streaming.status).toBe(400);
        expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: false });
        expect(await h.repos.runs.countForChatflow(id)).toBe(0);
      });
    });

    it('a credential that is gone or of the wrong type answers 400 naming the node before any stream opens', async () => {
      const gone = await createFlow(h, () => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential: 'no-such-credential' }));
      const other = await h.admin.post('/api/v1/credentials', { name: 'anthropic', credentialName: 'anthropicApi', plainDataObj: { anthropicApiKey: 'k' } });
      const wrongType = await createFlow(h, () => llmChainFlow({ model: 'fake;tokens=3', basepath: h.fake.url, credential: other.body.id }));
      const cases: Array<[string, string[]]> = [
        [gone, ['chatOpenAI_0', 'no-such-credential', 'not found']],
        [wrongType, ['chatOpenAI_0', other.body.id, 'anthropicApi', 'openAIApi']],
      ];
      for (const [id, mentions] of cases) {
        const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q' });
        await expectError(json, 400, 'INVALID_FLOW', mentions);
        expect(json.body.nodeId).toBe('chatOpenAI_0');
        // The same answer to a streaming request: no stream is opened for a flow that cannot run.
        const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true });
        expect(stream.status).toBe(400);
        expect(stream.headers.get('content-type')).toContain('application/json');
        expect(JSON.parse(stream.raw)).toMatchObject({ code: 'INVALID_FLOW', nodeId: 'chatOpenAI_0', message: json.body.message });
        expect(await h.repos.runs.countForChatflow(id)).toBe(0);
      }
    });

    it('a credential deleted after the flow last ran is found before the next prediction streams', async () => {
      const id = await createFlow(h, goodFlow());
      const flow = (await h.admin.get(`/api/v1/chatflows/${id}`)).body;
      const credentialId = JSON.parse(flow.flowData).nodes[0].data.credential as string;
      expect((await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true })).status).toBe(200);
      expect((await h.admin.delete(`/api/v1/credentials/${credentialId}`)).status).toBe(200);
      // Within the short time a process trusts what it checked or decrypted (2 s) the run may still go
      // ahead; after it, the request is refused before the stream.
      const refused = await eventually(async () => {
        const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true });
        return stream.status === 200 ? undefined : stream;
      }, 20000, 'the deleted credential refused before streaming');
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.raw)).toMatchObject({ code: 'INVALID_FLOW', nodeId: 'chatOpenAI_0' });
    });

    describe('upstream LLM failures become a clear error, for the client and in the run', () => {
      const failures: Array<[string, (port: number) => Parameters<typeof llmChainFlow>[0] | Promise<Parameters<typeof llmChainFlow>[0]>, string[]]> = [
        ['bad API key (401)', () => ({ model: 'fake;error=401', basepath: h.fake.url }), ['401']],
        ['rate limit (429)', () => ({ model: 'fake;error=429', basepath: h.fake.url }), ['429']],
        ['server error (500)', () => ({ model: 'fake;error=500', basepath: h.fake.url }), ['500']],
        ['timeout', () => ({ model: 'fake;hang', basepath: h.fake.url, timeout: 300 }) as never, ['timed out']],
        ['connection refused', async () => ({ model: 'fake', basepath: `http://127.0.0.1:${await freePort()}/v1` }), ['Connection']],
      ];

      it.each(failures)('%s', async (_name, options, mentions) => {
        const spec = await options(0);
        const id = await createFlow(h, (credential) => {
          const f = llmChainFlow({ ...spec, credential });
          const timeout = (spec as { timeout?: number }).timeout;
          if (timeout) ((f.nodes[0] as { data: { inputs: Record<string, unknown> } }).data.inputs).timeout = timeout;
          return f;
        });
        const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'q', chatId: 'fail-json' });
        await expectError(json, 502, 'LLM_ERROR', mentions);
        // The failed call is the chat model node's, so a UI can point at it.
        expect(json.body.nodeId).toBe('chatOpenAI_0');
        // The provider's status is said once ("LLM call failed: 500 …", never "500 500 …").
        expect(json.body.message).toMatch(/^LLM call failed: /);
        expect(json.body.message).not.toMatch(/\b(\d{3}) \1\b/);
        const runId = json.headers.get('x-run-id')!;
        const run = (await h.anon.get(`/api/v1/runs/${runId}`)).body;
        expect(run.status).toBe('failed');
        expect(run.error).toBe(json.body.message);

        const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', chatId: 'fail-sse', streaming: true });
        expect(stream.status).toBe(200);
        const names = stream.events.map((e) => e.event);
        expect(names.slice(-2)).toEqual(['error', 'end']);
        const error = stream.events.at(-2)!;
        expect(typeof error.data).toBe('string');
        for (const word of mentions) expect(error.data).toContain(word);
        // The envelope names the node; data stays the message (api-contract §5 rule 7).
        expect(error.envelope).toMatchObject({ event: 'error', code: 'LLM_ERROR', nodeId: 'chatOpenAI_0' });
        expect((await h.admin.get(`/api/v1/chatmessage/${id}`)).body).toEqual([]);
      });

      it('a stream cut mid-answer ends with error then end', async () => {
        const id = await createFlow(h, goodFlow('fake;tokens=10;delay=20;cut=4'));
        const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'q', streaming: true });
        const names = stream.events.map((e) => e.event);
        expect(names.filter((n) => n === 'token').length).toBeGreaterThan(0);
        expect(names.slice(-2)).toEqual(['error', 'end']);
        expect((await h.anon.get(`/api/v1/runs/${stream.headers.get('x-run-id')}`)).body.status).toBe('failed');
      });

      it('PREDICTION_TIMEOUT ends a run that takes too long, for the client and in the database', async () => {
        // The model never answers: only the timeout can end these requests (a hang fails the test).
        const id = await createFlow(h, goodFlow('fake;hang'));
        const started = Date.now();
        const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'forever' });
        await expectError(json, 504, 'PREDICTION_TIMEOUT', ['timed out']);
        // Not before the configured timeout (timers may round by a millisecond).
        expect(Date.now() - started).toBeGreaterThanOrEqual(predictionTimeout - 5);
        const run = (await h.anon.get(`/api/v1/runs/${json.headers.get('x-run-id')}`)).body;
        expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('timed out') });
        expect(json.body).not.toHaveProperty('nodeId');
        const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'forever', streaming: true });
        expect(stream.events.slice(-2).map((e) => e.event)).toEqual(['error', 'end']);
        expect(stream.events.at(-2)!.data).toContain('timed out');
        // The run's deadline is no node's fault.
        expect(stream.events.at(-2)!.envelope).not.toHaveProperty('nodeId');
      });
    });
  });
}
