import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { fakeEmbedding } from '../fixtures/fake-llm/embeddings.js';
import { registry } from './engine-harness.js';
import { embedderKeyOf } from '../../src/engine/vectors/embedder.js';

async function build(name: string, inputs: Record<string, unknown>, credential: Record<string, unknown> = {}, maxRetries = 0) {
  const run = { services: { llm: { maxRetries } } } as never;
  return (await registry.get(name)!.build({ nodeId: `${name}_0`, label: name, inputs, credential, outputs: {}, run })) as EmbeddingsInterface;
}

describe('embeddings nodes against the fake provider', () => {
  const fake = new FakeLlmServer();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => fake.stop());

  const close = (actual: number[], expected: number[]) => {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  };

  it('openAIEmbeddings: key, model, dimensions and base options reach the server', async () => {
    const e = await build('openAIEmbeddings', { modelName: 'fake-embed', basepath: fake.url, dimensions: '16', baseOptions: '{"x-team":"docs"}' }, { openAIApiKey: 'sk-1' });
    close(await e.embedQuery('hello world'), fakeEmbedding('hello world', 16));
    const [a, b] = await e.embedDocuments(['one', 'two']);
    close(a!, fakeEmbedding('one', 16));
    close(b!, fakeEmbedding('two', 16));
    const sent = fake.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-1');
    expect(sent.headers['x-team']).toBe('docs');
    expect(sent.body).toMatchObject({ model: 'fake-embed', dimensions: 16 });
    expect(embedderKeyOf(e)).toBe(`openai|${fake.url}|fake-embed|16`);
  });

  it('azureOpenAIEmbeddings: the deployment path and api-key header of Azure', async () => {
    const e = await build(
      'azureOpenAIEmbeddings',
      { basepath: `${fake.rootUrl}/openai/deployments` },
      { azureOpenAIApiKey: 'az-1', azureOpenAIApiDeploymentName: 'embed-dep', azureOpenAIApiVersion: '2024-10-21' },
    );
    close(await e.embedQuery('azure text'), fakeEmbedding('azure text'));
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/openai/deployments/embed-dep/embeddings');
    expect(sent.headers['api-key']).toBe('az-1');
  });

  it('localAIEmbeddings ("Local QnA"): OpenAI-compatible embeddings at its basePath, a key only when a credential gives one', async () => {
    const e = await build('localAIEmbeddings', { basePath: fake.url, modelName: 'fake-embed' });
    close(await e.embedQuery('local words'), fakeEmbedding('local words'));
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', body: { model: 'fake-embed' } });
    expect(embedderKeyOf(e)).toBe(`localai|${fake.url}|fake-embed`);
    const keyed = await build('localAIEmbeddings', { basePath: fake.url, modelName: 'fake-embed' }, { localAIApiKey: 'la-1' });
    await keyed.embedDocuments(['keyed']);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer la-1');
    await expect(build('localAIEmbeddings', { modelName: 'fake-embed' })).rejects.toThrow(/localAIEmbeddings.*basePath/);
  });

  it('ollamaEmbedding: /api/embed with the model', async () => {
    const e = await build('ollamaEmbedding', { baseUrl: fake.rootUrl, modelName: 'nomic-embed-text' });
    close((await e.embedDocuments(['ollama text']))[0]!, fakeEmbedding('ollama text'));
    expect(fake.requests.at(-1)).toMatchObject({ path: '/api/embed', body: { model: 'nomic-embed-text' } });
  });

  it('googleGenerativeAiEmbeddings: batchEmbedContents with the key, newlines kept', async () => {
    const e = await build('googleGenerativeAiEmbeddings', { modelName: 'gemini-embedding-001', baseUrl: fake.rootUrl }, { googleGenerativeAPIKey: 'g-1' });
    close((await e.embedDocuments(['line one\nline two']))[0]!, fakeEmbedding('line one\nline two'));
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toMatch(/models\/gemini-embedding-001:batchEmbedContents$/);
    expect(sent.headers['x-goog-api-key']).toBe('g-1');
    expect(JSON.stringify(sent.body)).toContain('line one\\nline two');
  });

  it('a missing key names the credential to create', async () => {
    await expect(build('openAIEmbeddings', { basepath: fake.url })).rejects.toThrow(/openAIApi credential/);
    await expect(build('googleGenerativeAiEmbeddings', {})).rejects.toThrow(/googleGenerativeAI credential/);
  });

  describe('LLM_MAX_RETRIES: a 429 is retried like a 5xx, as for chat models', () => {
    const nodes: Array<[string, (model: string) => Record<string, unknown>, Record<string, unknown>]> = [
      ['openAIEmbeddings', (model) => ({ modelName: model, basepath: fake.url }), { openAIApiKey: 'sk-1' }],
      ['ollamaEmbedding', (model) => ({ modelName: model, baseUrl: fake.rootUrl }), {}],
      ['googleGenerativeAiEmbeddings', (model) => ({ modelName: model, baseUrl: fake.rootUrl }), { googleGenerativeAPIKey: 'g-1' }],
    ];
    const sent = (model: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(model) || decodeURIComponent(r.path).includes(model)).length;

    it.each(nodes)('%s embeds after a 429 without Retry-After, and gives up on a 400 at once', async (name, inputs, credential) => {
      const retried = `embed-${name}-429;fail=1;error=429`;
      const e = await build(name, inputs(retried), credential, 2);
      close(await e.embedQuery('after a rate limit'), fakeEmbedding('after a rate limit'));
      expect(sent(`embed-${name}-429`)).toBe(2);
      const refused = `embed-${name}-400;fail=1;error=400`;
      // (Ollama's client cannot read the fake's OpenAI-shaped error body, so no status in its message.)
      await expect((await build(name, inputs(refused), credential, 2)).embedQuery('bad')).rejects.toThrow();
      expect(sent(`embed-${name}-400`)).toBe(1);
    });

    it('googleGenerativeAiEmbeddings: a failed batch throws and is retried (LangChain alone answers [] vectors)', async () => {
      const inputs = (model: string) => ({ modelName: model, baseUrl: fake.rootUrl });
      const retried = await build('googleGenerativeAiEmbeddings', inputs('gbatch-500;fail=1;error=500'), { googleGenerativeAPIKey: 'g-1' }, 2);
      const [vector] = await retried.embedDocuments(['after a server error']);
      close(vector!, fakeEmbedding('after a server error'));
      expect(sent('gbatch-500')).toBe(2);
      const failing = await build('googleGenerativeAiEmbeddings', inputs('gbatch-down;error=500'), { googleGenerativeAPIKey: 'g-1' }, 0);
      await expect(failing.embedDocuments(['never stored empty'])).rejects.toThrow(/500/);
    });

    it("waits for the provider's Retry-After", async () => {
      const e = await build('openAIEmbeddings', { modelName: 'embed-after;fail=1;error=429;retryAfter=2', basepath: fake.url }, { openAIApiKey: 'sk-1' }, 2);
      const started = Date.now();
      close(await e.embedQuery('patience'), fakeEmbedding('patience'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(sent('embed-after')).toBe(2);
    });
  });
});
