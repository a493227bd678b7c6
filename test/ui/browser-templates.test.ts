import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import { PROJECT_ROOT } from '../support/processes.js';
import type { RunningServer } from '../support/test-server.js';
import { flowNode, screenshot } from './browser-helpers.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

type ExampleNode = { data: { name: string; credential?: string; inputs: Record<string, unknown> } };

const example = (file: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', file), 'utf8')) as { templateName: string; description: string; nodes: ExampleNode[]; edges: unknown[] };

/**
 * The "New from template" gallery (the shipped examples as cards; one becomes a chatflow that answers)
 * and a chatflow's upsert history dialog on the canvas (an upsert made through the API, filtered by
 * date and deleted).
 */
describe('templates and upsert history in a browser', { timeout: 180_000 }, () => {
  let suite: SignedInSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let fake: FakeLlmServer;
  let credential: string;

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    suite = await startSignedIn();
    ({ server, page, admin } = suite);
    credential = (await admin.post('/api/v1/credentials', { name: 'fake openai', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id as string;
  });
  afterEach((context) => screenshotIfFailed(page, 'templates', context));
  afterAll(async () => {
    await suite?.close();
    await fake?.stop();
  });

  it('shows every shipped example as a card and creates a chatflow from one that answers in the chat', async () => {
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'New from template' }).click();
    const gallery = page.getByRole('dialog', { name: 'New from template' });
    const cards = gallery.getByRole('list', { name: 'Templates' }).getByRole('listitem');
    const files = fs.readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    await expect.poll(() => cards.count()).toBe(files.length);
    for (const file of files) {
      const { templateName, description } = example(file);
      const card = cards.filter({ has: page.getByRole('heading', { name: templateName, exact: true }) });
      await card.getByText(description).waitFor();
    }
    const llmChain = cards.filter({ has: page.getByRole('heading', { name: 'LLM Chain', exact: true }) });
    expect(await llmChain.getByLabel('Nodes').innerText()).toBe('ChatOpenAI · Prompt Template · LLM Chain');
    await screenshot(page, 'templates');

    await llmChain.getByRole('button', { name: 'Use LLM Chain' }).click();
    const naming = page.getByRole('dialog', { name: 'New from "LLM Chain"' });
    await naming.getByLabel('Chatflow name').fill('Chain from a template');
    await naming.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/canvas\/[\w-]+$/);
    await flowNode(page, 'llmChain_0').waitFor();
    expect(await page.getByLabel('Chatflow name').inputValue()).toBe('Chain from a template');
    const id = page.url().split('/').pop()!;
    const stored = (await admin.get(`/api/v1/chatflows/${id}`)).body as { name: string; flowData: string };
    expect(stored.name).toBe('Chain from a template');
    const flow = JSON.parse(stored.flowData) as Record<string, unknown>;
    // The chatflow is the flow alone: the gallery's fields stay in the template.
    expect(Object.keys(flow).sort()).toEqual(['edges', 'nodes', 'viewport']);
    expect((flow.nodes as ExampleNode[]).map((n) => n.data.name)).toEqual(example('llm-chain.json').nodes.map((n) => n.data.name));

    // Bind a credential and point the model at the fake LLM as a user would, save, and chat.
    const model = flowNode(page, 'chatOpenAI_0');
    await model.getByRole('combobox', { name: 'Connect Credential' }).selectOption({ label: 'fake openai' });
    await model.getByRole('button', { name: 'Additional Parameters' }).click();
    const extra = page.getByRole('dialog', { name: /Additional Parameters/ });
    await extra.getByLabel('Base Path', { exact: true }).fill(fake.url);
    await extra.getByRole('button', { name: 'Close' }).click();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByLabel('Type your question').fill('Hello from the gallery!');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.bot').last().getByText('Hello from the gallery!').waitFor();
  });

  it('lists an upsert made through the API in the canvas upsert history, filters it by date and deletes it', async () => {
    const flow = example('conversational-retrieval-qa.json');
    for (const node of flow.nodes) {
      if (node.data.name === 'chatOpenAI' || node.data.name === 'openAIEmbeddings') node.data.credential = credential;
      if (node.data.name === 'openAIEmbeddings') Object.assign(node.data.inputs, { modelName: 'fake-embed', basepath: fake.url });
    }
    const { id } = (await admin.post('/api/v1/chatflows', { name: 'upserted flow', flowData: JSON.stringify({ nodes: flow.nodes, edges: flow.edges }) })).body as { id: string };
    const upsert = await admin.post(`/api/v1/vector/upsert/${id}`, {});
    expect(upsert.status, upsert.text).toBe(200);
    const added = upsert.body.numAdded as number;
    expect(added).toBeGreaterThan(0);

    // On a window too narrow for every button the bar stays one row and the history is under More.
    await page.setViewportSize({ width: 1300, height: 900 });
    try {
      await page.goto(`${server.url}/canvas/${id}`);
      await flowNode(page, 'memoryVectorStore_0').waitFor();
      const save = (await page.getByRole('button', { name: 'Save', exact: true }).boundingBox())!;
      expect(save.x + save.width).toBeLessThanOrEqual(1300);
      await page.getByRole('button', { name: 'More', exact: true }).click();
      await page.getByRole('button', { name: 'Upsert history' }).click();
      await page.getByRole('dialog', { name: 'Upsert history' }).waitFor();
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    const dialog = page.getByRole('dialog', { name: 'Upsert history' });
    const rows = dialog.getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    const cells = await rows.nth(1).getByRole('cell').allInnerTexts();
    expect(cells.slice(2, 6)).toEqual([String(added), '0', '0', '0']);
    // The nodes the upsert built, with their params (the text it loaded among them).
    await rows.nth(1).getByRole('button', { name: /^Params of the upsert of / }).click();
    await rows.nth(2).getByText('Chunk Size').waitFor();
    await rows.nth(2).getByText('fake-embed', { exact: true }).waitFor();
    await screenshot(page, 'upsert-history');

    // A date range after today lists nothing; today lists it again.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('From').fill(tomorrow);
    await dialog.getByText('No upserts in these dates').waitFor();
    await dialog.getByLabel('From').fill(today);
    await expect.poll(() => rows.count()).toBe(2);

    await rows.nth(1).getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Delete selected' }).click();
    await dialog.getByText('No upserts in these dates').waitFor();
    expect((await admin.get(`/api/v1/upsert-history/${id}`)).body).toEqual([]);
  });
});
