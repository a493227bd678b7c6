import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { type FlowJson, llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri } from '../fixtures/documents.js';
import { type FakeLlmServer, expectedAnswer } from '../fixtures/fake-llm-server.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { flowNode, screenshot, textContrast } from './browser-helpers.js';
import { screenshotIfFailed } from './browser-suite.js';
import { type ChatSuite, startChatSuite } from './chat-suite.js';

/** "1.5 s" / "850 ms" as the trace shows it, in ms. */
function shownMs(text: string): number {
  const match = /([\d.]+)\s*(ms|s)\b/.exec(text);
  if (!match) throw new Error(`no duration in ${JSON.stringify(text)}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/**
 * The per-node trace in a browser: under each answer, which nodes ran and how long (the slow one stands
 * out), tool calls with input and output, source documents; the canvas marks the last run's nodes.
 */
describe('per-node trace in a browser', { timeout: 120_000 }, () => {
  let chat: ChatSuite;
  let fake: FakeLlmServer;
  let page: Page;
  let credential = '';

  const openChat = (name: string, flow: FlowJson) => chat.openChat(name, JSON.stringify(flow));
  const ask = (question: string) => chat.ask(question);

  const lastBot = () => page.locator('.message.bot').last();
  /** The trace under the last answer. */
  const lastTrace = () => page.locator('.messages > .run-trace').last();
  /** Opens the trace under the last answer (once the run's stored trace is in). */
  async function openTrace() {
    const summary = lastTrace().locator('summary');
    await summary.filter({ hasText: 'slowest' }).waitFor();
    await summary.click();
    return lastTrace().getByRole('table', { name: 'Nodes of this run' });
  }
  const badge = (nodeId: string) => flowNode(page, nodeId).locator('.run-badge');

  beforeAll(async () => {
    chat = await startChatSuite();
    ({ page, fake, credential } = chat);
  });
  afterEach((context) => screenshotIfFailed(page, 'trace', context));
  afterAll(async () => chat?.close());

  it('shows in the chat panel which node made an answer slow, and marks the nodes of the last run on the canvas', async () => {
    const delay = 1500;
    const model = `fake;tokens=3;first=${delay}`;
    await openChat('slow model', llmChainFlow({ model, basepath: fake.url, credential }));
    await ask('why so slow?');
    await lastBot().getByText(expectedAnswer(model, 'why so slow?')).waitFor();
    const table = await openTrace();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const modelRow = table.locator('tr[data-node-id="chatOpenAI_0"]');
    await expect.poll(() => modelRow.getAttribute('class')).toContain('slowest');
    const modelMs = shownMs((await modelRow.locator('td').nth(2).textContent()) ?? '');
    expect(modelMs).toBeGreaterThanOrEqual(delay - 100);
    for (const nodeId of ['promptTemplate_0', 'llmChain_0']) {
      const row = table.locator(`tr[data-node-id="${nodeId}"]`);
      expect(await row.locator('td').nth(1).textContent()).toBe('Completed');
      expect(shownMs((await row.locator('td').nth(2).textContent()) ?? '')).toBeLessThan(modelMs);
    }
    await expect.poll(() => lastTrace().locator('summary').textContent()).toContain('slowest: ChatOpenAI');
    // The canvas marks each node of the run with its time.
    await expect.poll(() => badge('chatOpenAI_0').textContent()).toMatch(/^ran \d/);
    await expect.poll(() => badge('llmChain_0').getAttribute('data-run-status')).toBe('completed');
    await screenshot(page, 'trace');

    // The next run replaces the marks: running while it goes, then its own times.
    await ask('again');
    await expect.poll(() => badge('chatOpenAI_0').getAttribute('data-run-status')).toBe('running');
    await lastBot().getByText(expectedAnswer(model, 'again')).waitFor();
    await expect.poll(() => badge('chatOpenAI_0').getAttribute('data-run-status')).toBe('completed');
  });

  it("shows the tools an agent called, with each call's input and output", async () => {
    const flow = toolAgentFlow(modelPart('chatOpenAI', { model: 'fake;tool=calculator:{"input":"12*12"}', root: fake.rootUrl, credential }), [toolPart('calculator')]);
    await openChat('agent', flow);
    await ask('what is 12*12?');
    await lastBot().getByText('Tool said: 144').waitFor();
    const table = await openTrace();
    await table.locator('tr[data-node-id="calculator_0"]').waitFor();
    const call = lastTrace().getByRole('group', { name: 'Tool call 1: calculator' });
    await expect.poll(() => call.locator('pre').allTextContents()).toEqual([JSON.stringify({ input: '12*12' }, null, 2), '144']);
    // Readable in the default (light) theme: the dark code box gets its light text, not the page's dark one.
    expect(await page.evaluate('document.documentElement.dataset.theme ?? "light"')).not.toBe('dark');
    for (const pre of await call.locator('pre').all()) expect(await textContrast(pre)).toBeGreaterThanOrEqual(4.5);
    await expect.poll(() => badge('calculator_0').getAttribute('data-run-status')).toBe('completed');

    // After a reload the stored answer's trace is read from its run when opened.
    await page.reload();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await lastBot().getByText('Tool said: 144').waitFor();
    await lastTrace().locator('summary').click();
    const stored = lastTrace().getByRole('group', { name: 'Tool call 1: calculator' });
    await expect.poll(() => stored.locator('pre').allTextContents()).toEqual([JSON.stringify({ input: '12*12' }, null, 2), '144']);
    await lastTrace().getByRole('table', { name: 'Nodes of this run' }).locator('tr[data-node-id="toolAgent_0"]').waitFor();
  });

  it('shows the source documents of a retrieval answer', async () => {
    const text = 'The bakery on Elm Street opens at seven and sells rye bread.';
    const flow = ragFlow({ model: 'fake', basepath: fake.url, embeddingsBasepath: fake.url, credential, store: 'memoryVectorStore', txtFile: dataUri('bakery.txt', 'text/plain', text) });
    await openChat('retrieval', flow);
    await ask('when does the bakery open?');
    await lastTrace().locator('summary').filter({ hasText: '1 source document' }).waitFor();
    await lastTrace().locator('summary').click();
    const documents = lastTrace().getByRole('region', { name: 'Source documents' });
    await documents.getByText(text).waitFor();
    await lastTrace().getByRole('table', { name: 'Nodes of this run' }).locator('tr[data-node-id="openAIEmbeddings_0"]').waitFor();
  });

  it('marks a failed node red with its error, on the canvas and in the trace', async () => {
    await openChat('failing model', llmChainFlow({ model: 'fake;error=401', basepath: fake.url, credential }));
    await ask('fail please');
    await lastBot().getByRole('alert').waitFor();
    await expect.poll(() => badge('chatOpenAI_0').getAttribute('data-run-status')).toBe('failed');
    const label = (await badge('chatOpenAI_0').getAttribute('aria-label')) ?? '';
    expect(label).toContain('LLM call failed');
    // Outlined in the danger colour.
    const outline = await flowNode(page, 'chatOpenAI_0').locator('.node-card').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await lastTrace().locator('summary').click();
    const row = lastTrace().locator('tr[data-node-id="chatOpenAI_0"]');
    await expect.poll(() => row.textContent()).toContain('Failed');
    expect(await row.locator('.trace-error').textContent()).toContain('LLM call failed');
  });
});
