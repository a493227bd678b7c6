import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri } from '../fixtures/documents.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import type { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { screenshot, textContrast, toolbarControl } from './browser-helpers.js';
import { screenshotIfFailed } from './browser-suite.js';
import { type ChatSuite, startChatSuite } from './chat-suite.js';

/**
 * The messages viewer of a chatflow in a browser: its sessions, a session's messages with their
 * feedback, and deleting a session (gone from the list and from the server), opened from the chatflows
 * list and from the canvas toolbar.
 */
describe('messages viewer in a browser', { timeout: 120_000 }, () => {
  let fake: FakeLlmServer;
  let suite: ChatSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let flowId = '';
  let ratedMessage = '';
  let ratedAnswer = '';
  let credential = '';

  async function ask(question: string, chatId: string): Promise<{ id: string; text: string }> {
    const answer = await admin.post(`/api/v1/prediction/${flowId}`, { question, chatId });
    expect(answer.status, answer.text).toBe(200);
    return { id: answer.body.chatMessageId as string, text: answer.body.text as string };
  }

  beforeAll(async () => {
    suite = await startChatSuite();
    ({ server, page, admin, fake, credential } = suite);
    const flowData = JSON.stringify(llmChainFlow({ model: 'fake', basepath: fake.url, credential }));
    flowId = (await admin.post('/api/v1/chatflows', { name: 'Helpdesk', flowData })).body.id;
    await ask('how do I reset my password?', 'chat-one');
    ({ id: ratedMessage, text: ratedAnswer } = await ask('and my username?', 'chat-one'));
    const liked = (await ask('what are your opening hours?', 'chat-two')).id;
    await admin.post(`/api/v1/feedback/${flowId}`, { chatId: 'chat-one', messageId: ratedMessage, rating: 'THUMBS_DOWN', content: 'too vague' });
    await admin.post(`/api/v1/feedback/${flowId}`, { chatId: 'chat-two', messageId: liked, rating: 'THUMBS_UP' });
  });
  afterEach((context) => screenshotIfFailed(page, 'messages', context));
  afterAll(async () => suite?.close());

  const dialog = () => page.getByRole('dialog', { name: 'Messages of Helpdesk' });
  const sessions = () => dialog().getByRole('navigation', { name: 'Sessions' }).getByRole('button');

  it("filters the sessions by their feedback and by where the chat came from (Flowise's feedbackType and chatType)", async () => {
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Messages of Helpdesk' }).click();
    await expect.poll(() => sessions().count()).toBe(2);
    const filters = dialog().getByRole('form', { name: 'Filter sessions' });
    await filters.getByLabel('Feedback').selectOption('THUMBS_DOWN');
    await expect.poll(() => sessions().allInnerTexts()).toEqual([expect.stringContaining('chat-one')]);
    await filters.getByLabel('Feedback').selectOption('THUMBS_UP');
    await expect.poll(() => sessions().allInnerTexts()).toEqual([expect.stringContaining('chat-two')]);
    await filters.getByLabel('Feedback').selectOption('');
    // Predictions through the API are EXTERNAL; the canvas's test chat stores INTERNAL ones.
    await filters.getByLabel('Source').selectOption('INTERNAL');
    await dialog().getByText('No session matches.').waitFor();
    await filters.getByLabel('Source').selectOption('EXTERNAL');
    await expect.poll(() => sessions().count()).toBe(2);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
  });

  it('shows the sessions, their messages and feedback, and deletes a session for real', async () => {
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Messages of Helpdesk' }).click();
    await expect.poll(() => sessions().count()).toBe(2);
    // Newest activity first, each with its first question and message count.
    await expect(sessions().nth(0).innerText()).resolves.toMatch(/what are your opening hours\?[\s\S]*2 messages[\s\S]*chat-two/);
    await expect(sessions().nth(1).innerText()).resolves.toMatch(/how do I reset my password\?[\s\S]*4 messages[\s\S]*chat-one/);

    await sessions().nth(1).click();
    const conversation = dialog().getByRole('region', { name: 'Conversation' });
    await conversation.getByRole('article', { name: 'User message' }).nth(1).getByText('and my username?').waitFor();
    const answers = conversation.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => answers.count()).toBe(2);
    await answers.nth(1).getByText(ratedAnswer).waitFor();
    await expect(answers.nth(1).getByLabel('Feedback').innerText()).resolves.toBe('Thumbs down: “too vague”');
    expect(await answers.nth(0).getByLabel('Feedback').count()).toBe(0);
    await screenshot(page, 'messages');

    await conversation.getByRole('button', { name: 'Delete session' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete session' });
    await confirm.getByText('Delete the 4 messages of chat chat-one?').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => sessions().count()).toBe(1);
    await expect(sessions().nth(0).innerText()).resolves.toContain('chat-two');
    // The other session is shown, with its own feedback.
    await conversation.getByLabel('Feedback').getByText('Thumbs up').waitFor();

    const left = (await admin.get(`/api/v1/chatmessage/${flowId}?chatId=chat-one`)).body as unknown[];
    expect(left).toEqual([]);
    const feedback = (await admin.get(`/api/v1/feedback/${flowId}`)).body as Array<{ chatId: string }>;
    expect(feedback.map((f) => f.chatId)).toEqual(['chat-two']);
    expect(((await admin.get(`/api/v1/chatmessage/${flowId}?chatId=chat-two`)).body as unknown[]).length).toBe(2);
  });

  it("shows the tools an agent's answer used, with their input and output", async () => {
    const model = modelPart('chatOpenAI', { model: 'fake;tool=calculator:{"input":"12*12"}', root: fake.rootUrl, credential });
    const flowData = JSON.stringify(toolAgentFlow(model, [toolPart('calculator')]));
    const agent = (await admin.post('/api/v1/chatflows', { name: 'Calculator agent', flowData })).body.id as string;
    const prediction = await admin.post(`/api/v1/prediction/${agent}`, { question: 'what is 12*12?', chatId: 'agent-chat' });
    expect(prediction.status).toBe(200);
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Messages of Calculator agent' }).click();
    const answer = page.getByRole('dialog', { name: 'Messages of Calculator agent' }).getByRole('article', { name: 'Assistant message' });
    await answer.getByText('Tool said: 144').waitFor();
    await answer.getByText('Used tools (1)').click();
    await answer.getByText('calculator').waitFor();
    await expect(answer.locator('pre').allInnerTexts()).resolves.toEqual([JSON.stringify({ input: '12*12' }, null, 2), '144']);
    // Readable in the default (light) theme: the dark code box gets its light text, not the page's dark one.
    for (const pre of await answer.locator('pre').all()) expect(await textContrast(pre)).toBeGreaterThanOrEqual(4.5);
    await page.keyboard.press('Escape');

    // The run view shows the same tool call, as readable.
    await page.goto(`${server.url}/executions/${prediction.headers.get('x-run-id')}`);
    const call = page.getByRole('table', { name: 'Node trace' }).locator('details').filter({ hasText: 'Tool calculator' });
    await call.locator('summary').click();
    await expect(call.locator('pre').allInnerTexts()).resolves.toEqual([JSON.stringify({ input: '12*12' }, null, 2), '144']);
    for (const pre of await call.locator('pre').all()) expect(await textContrast(pre)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows the source documents an answer cited', async () => {
    const bakery = 'The bakery opens at seven and sells rye bread.';
    const flow = ragFlow({ model: 'fake', basepath: fake.url, embeddingsBasepath: fake.url, credential, store: 'memoryVectorStore', topK: '1', txtFile: dataUri('bakery.txt', 'text/plain', bakery) });
    const rag = (await admin.post('/api/v1/chatflows', { name: 'Bakery docs', flowData: JSON.stringify(flow) })).body.id as string;
    const answer = await admin.post(`/api/v1/prediction/${rag}`, { question: 'when does the bakery open?', chatId: 'rag-chat' });
    expect(answer.body.sourceDocuments, answer.text).toHaveLength(1);
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Messages of Bakery docs' }).click();
    const reply = page.getByRole('dialog', { name: 'Messages of Bakery docs' }).getByRole('article', { name: 'Assistant message' });
    await reply.getByText('Source documents (1)').click();
    await reply.locator('pre').getByText(bakery).waitFor();
    await page.keyboard.press('Escape');
  });

  it('opens from the canvas toolbar', async () => {
    await page.goto(`${server.url}/canvas/${flowId}`);
    await page.locator('.react-flow__node').first().waitFor();
    await (await toolbarControl(page, 'Messages')).click();
    await expect.poll(() => sessions().count()).toBe(1);
    await dialog().getByRole('article', { name: 'User message' }).getByText('what are your opening hours?').waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
  });
});
