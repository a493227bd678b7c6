import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { fakeEmbedding } from '../fixtures/fake-llm/embeddings.js';
import { registry } from './engine-harness.js';
import { embedderKeyOf } from '../../src/engine/vectors/embedder.js';

async function build(name: string, inputs: Record<string, unknown>, credential: Record<string, unknown> = {}) {
  const run = { services: { llm: { maxRetries: 0 } } } as never;
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
});
