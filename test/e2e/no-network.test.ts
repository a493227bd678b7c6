import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { type ApiHarness, createFlow, spawnMainHarness } from '../support/api-harness.js';
import { PROJECT_ROOT, type SpawnedProcess } from '../support/processes.js';
import { streamedText } from '../support/sse.js';

/**
 * The product must never need the internet beyond the LLM endpoint a flow names: LangChain would try
 * to download tokenizer files. The server runs with every non-loopback connection and DNS lookup
 * refused and reported; predictions must complete quickly and nothing may even try.
 */
let h: ApiHarness & { server: SpawnedProcess };

beforeAll(async () => {
  h = await spawnMainHarness({}, ['--import', path.join(PROJECT_ROOT, 'test/support/deny-network.mjs')]);
});
afterAll(async () => h?.close());

it('completes streaming and JSON predictions with no network, and never tries to reach it', async () => {
  const model = 'fake;tokens=20';
  const id = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
  const memoryId = await createFlow(h, (credential) => conversationFlow({ model, basepath: h.fake.url, credential }));
  const json = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'offline' });
  expect(json.body.text).toBe(expectedAnswer(model, 'offline'));
  const stream = await h.anon.stream('POST', `/api/v1/prediction/${memoryId}`, { question: 'offline', chatId: 'net-1', streaming: true });
  expect(streamedText(stream.events)).toBe(expectedAnswer(model, 'offline'));
  const second = await h.anon.stream('POST', `/api/v1/prediction/${memoryId}`, { question: 'again', chatId: 'net-1', streaming: true });
  expect(streamedText(second.events)).toBe(expectedAnswer(model, 'again'));
  // Nothing even tried (a tokenizer download would be reported here, whatever the machine's speed).
  expect(h.server.output()).not.toContain('NETWORK-BLOCKED');
});

it('is really offline: a flow naming a remote endpoint fails fast with a clear error', async () => {
  const id = await createFlow(h, (credential) => llmChainFlow({ model: 'gpt-4o-mini', basepath: 'http://api.example.invalid/v1', credential }));
  const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'remote' });
  expect(response.status).toBe(502);
  expect(response.body.code).toBe('LLM_ERROR');
  // Fast: one attempt (LLM_MAX_RETRIES=0 in tests), no retries with back-off.
  const attempts = h.server.output().split('\n').filter((line) => line === 'NETWORK-BLOCKED dns api.example.invalid');
  expect(attempts).toHaveLength(1);
});
