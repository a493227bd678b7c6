import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import type { FlowJson } from '../fixtures/chatflows.js';
import { PROJECT_ROOT } from '../support/processes.js';

type ExampleNode = { data: { name: string; credential?: string; inputs: Record<string, unknown> } };

const readExample = (file: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', file), 'utf8')) as FlowJson;

/** The flows in examples/ (used by the README's quick start and the template gallery) import and answer as documented. */
describe('examples', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness();
  });
  afterAll(async () => h?.close());

  /** The example with its chat models bound to a credential and pointed at the fake LLM. */
  const bound = (file: string, also: (node: ExampleNode, credential: string) => void = () => undefined) => (credential: string) => {
    const flow = readExample(file);
    for (const node of flow.nodes as ExampleNode[]) {
      also(node, credential);
      if (node.data.name !== 'chatOpenAI') continue;
      node.data.credential = credential;
      node.data.inputs.basepath = h.fake.url;
    }
    return flow;
  };

  it.each(['llm-chain.json', 'conversation-chain.json', 'tool-agent.json'])('%s answers once a credential is bound', async (file) => {
    const id = await createFlow(h, bound(file));
    const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'Hello!' });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toContain('Hello!');
    expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: true });
  });

  it('conversational-retrieval-qa.json answers from its text with the in-app vector store, citing the chunks', async () => {
    const id = await createFlow(h, bound('conversational-retrieval-qa.json', (node, credential) => {
      if (node.data.name !== 'openAIEmbeddings') return;
      node.data.credential = credential;
      Object.assign(node.data.inputs, { modelName: 'fake-embed', basepath: h.fake.url });
    }));
    const answer = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'Where are document stores filled?' });
    expect(answer.status, answer.text).toBe(200);
    const sources = (answer.body.sourceDocuments as Array<{ pageContent: string }>).map((d) => d.pageContent);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toBe('Document stores are filled once on the Document Stores page and read by any number of chatflows.');
  });

  it('serves every example as a marketplace template (Flowise field names) with its description', async () => {
    const files = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    const response = await h.admin.get('/api/v1/marketplaces/templates');
    expect(response.status).toBe(200);
    const templates = response.body as Array<Record<string, unknown>>;
    expect(templates.map((t) => t.id).sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
    for (const template of templates) {
      const file = readExample(`${template.id as string}.json`) as FlowJson & { templateName: string; description: string };
      expect(template).toEqual({
        id: template.id,
        templateName: file.templateName,
        flowData: fs.readFileSync(path.join(PROJECT_ROOT, 'examples', `${template.id as string}.json`), 'utf8'),
        badge: '',
        framework: ['Langchain'],
        usecases: expect.any(Array),
        categories: [...new Set(file.nodes.map((n) => (n.data as { category: string }).category))],
        type: 'Chatflow',
        description: file.description,
      });
      expect(file.description.length, `${template.id as string} needs a description`).toBeGreaterThan(20);
    }
    // Sorted by name, as Flowise sorts them.
    const names = templates.map((t) => t.templateName as string);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    // A management route: the public (no key) cannot list them.
    expect((await h.anon.get('/api/v1/marketplaces/templates')).status).toBe(401);
  });
});
