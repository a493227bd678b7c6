import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import type { FlowJson } from '../fixtures/chatflows.js';
import { PROJECT_ROOT } from '../support/processes.js';

/** The flows in examples/ (used by the README's quick start) import and answer as documented. */
describe('examples', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness();
  });
  afterAll(async () => h?.close());

  it.each(['llm-chain.json', 'conversation-chain.json', 'tool-agent.json'])('%s answers once a credential is bound', async (file) => {
    const flow = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', file), 'utf8')) as FlowJson;
    const id = await createFlow(h, (credential) => {
      for (const node of flow.nodes as Array<{ data: { name: string; credential?: string; inputs: Record<string, unknown> } }>) {
        if (node.data.name !== 'chatOpenAI') continue;
        node.data.credential = credential;
        node.data.inputs.basepath = h.fake.url;
      }
      return flow;
    });
    const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'Hello!' });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toContain('Hello!');
    expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: true });
  });
});
