import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type FakeLlmServer, expectedAnswer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { screenshotIfFailed } from './browser-suite.js';
import { type ChatSuite, startChatSuite } from './chat-suite.js';

/**
 * The canvas's test chat in a browser: the conversation survives closing the panel and reloading,
 * Clear ends a running answer before deleting, the typing indicator, and Markdown answers.
 */
describe('test chat in a browser', { timeout: 120_000 }, () => {
  let chat: ChatSuite;
  let fake: FakeLlmServer;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let credential = '';

  /** A saved LLM chain answering as `model` says, open on the canvas with the chat panel shown. */
  const openChat = (model: string) => chat.openChat(`chat ${model}`, JSON.stringify(llmChainFlow({ model, basepath: fake.url, credential })));
  const ask = (question: string) => chat.ask(question);

  const messages = () => page.locator('.chat-panel .message');
  const lastBot = () => page.locator('.message.bot').last();

  beforeAll(async () => {
    chat = await startChatSuite();
    ({ server, page, admin, fake, credential } = chat);
  });
  afterEach((context) => screenshotIfFailed(page, 'chat', context));
  afterAll(async () => chat?.close());

  it('shows a typing indicator until the first token, then the conversation again after closing the panel and reloading', async () => {
    const model = 'fake;gate=typing;tokens=3';
    await openChat(model);
    await ask('hello');
    await fake.gates.reached('typing');
    await lastBot().getByRole('status', { name: 'Typing…' }).waitFor();
    fake.gates.open('typing');
    await lastBot().getByText(expectedAnswer(model, 'hello')).waitFor();
    expect(await lastBot().getByRole('status', { name: 'Typing…' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Send' }).waitFor();

    await page.getByRole('button', { name: 'Close chat' }).click();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect.poll(() => messages().allTextContents()).toEqual(['hello', expectedAnswer(model, 'hello')]);
    await page.reload();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect.poll(() => messages().allTextContents()).toEqual(['hello', expectedAnswer(model, 'hello')]);
  });

  it('Clear during an answer ends the run first, so nothing is stored under the cleared chat', async () => {
    const id = await openChat('fake;tokens=60;delay=40');
    const prediction = page.waitForResponse((r) => r.url().includes(`/api/v1/internal-prediction/${id}`));
    await ask('slow one');
    const runId = (await prediction).headers()['x-run-id'];
    expect(runId).toBeTruthy();
    await lastBot().getByText('t2', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Clear chat' }).click();
    await expect.poll(() => messages().count()).toBe(0);
    // The run's own stream ends once it is over (aborted, or finished had Clear not stopped it).
    const events = await admin.stream('GET', `/api/v1/runs/${runId}/events`);
    expect(events.events.at(-1)?.event).toMatch(/^(abort|end)$/);
    expect(events.events.some((e) => e.event === 'abort')).toBe(true);
    expect((await admin.get(`/api/v1/chatmessage/${id}`)).body).toEqual([]);
  });

  it('renders GFM tables, wraps long words and opens links in a new tab', async () => {
    const long = 'x'.repeat(300);
    const answer = `| name | value |\n| --- | --- |\n| alpha | 1 |\n\n[the site](http://127.0.0.1/docs) ${long}`;
    await openChat(`fake;text=${encodeURIComponent(answer)}`);
    await ask('table please');
    const table = lastBot().locator('table');
    await table.getByRole('cell', { name: 'alpha' }).waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['name', 'value']);
    const link = lastBot().getByRole('link', { name: 'the site' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const bubble = await lastBot().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(bubble.scroll).toBeLessThanOrEqual(bubble.client);
  });

  it('outlines the node an SSE error names (a failed LLM call names the chat model)', async () => {
    await openChat('fake;error=500');
    await ask('fail please');
    await lastBot().getByRole('alert').waitFor();
    const outlined = page.locator('.react-flow__node[data-id="chatOpenAI_0"] .node-card.has-problem');
    await outlined.waitFor();
    expect(await page.locator('.react-flow__node .node-card.has-problem').count()).toBe(1);
  });
});
