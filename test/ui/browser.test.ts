import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeLlmServer, expectedAnswer } from '../fixtures/fake-llm-server.js';
import { ApiClient } from '../support/api-client.js';
import { eventually } from '../support/api-harness.js';
import { type TestBrowser, launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, type RunningServer, startServer, testEnv } from '../support/test-server.js';
import { addByPalette, canvasShortcut, dragFromPalette, dragHandle, flowNode, handle, screenshot, signIn } from './browser-helpers.js';

const OPENAI_OUT = 'chatOpenAI_0-output-chatOpenAI-ChatOpenAI|BaseChatModel|BaseLanguageModel|Runnable';
const PROMPT_OUT = 'promptTemplate_0-output-promptTemplate-PromptTemplate|BaseStringPromptTemplate|BasePromptTemplate|Runnable';
const CHAIN_MODEL = 'llmChain_0-input-model-BaseLanguageModel';
const CHAIN_PROMPT = 'llmChain_0-input-prompt-BasePromptTemplate';

/**
 * The web UI in Debian's Chromium against a real server and the fake LLM: what a user does from signing
 * in to chatting with a flow built on an empty canvas. The tests run in order on one page.
 */
describe('web UI in a browser', { timeout: 120_000 }, () => {
  let fake: FakeLlmServer;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  let chatflowId = '';

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    server = await startServer(testEnv());
    admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => console.error('page error:', error.message, error.stack));
    page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text().slice(0, 800)));
  });
  // A failing step leaves a picture of the page next to the others.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.stop();
  });

  /** Types a model name into the chat model node and saves with Ctrl+S. */
  async function useModel(model: string) {
    await flowNode(page, 'chatOpenAI_0').getByLabel('Model Name', { exact: true }).fill(model);
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  }

  const lastBotMessage = () => page.locator('.message.bot').last();

  it('signs in with the admin username and password', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, TEST_BASIC_USER, 'wrong password');
    await page.getByRole('alert').filter({ hasText: 'Wrong username' }).waitFor();
    await signIn(page, TEST_BASIC_USER, TEST_BASIC_PASSWORD);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
  });

  it('builds the LLM chain on an empty canvas by palette and by dragging handles, with a new credential', async () => {
    await page.getByRole('button', { name: 'Add New' }).click();
    await page.getByRole('button', { name: 'Add node' }).click();
    await addByPalette(page, 'openai', 'chatOpenAI_0');
    await addByPalette(page, 'prompt template', 'promptTemplate_0');
    await dragFromPalette(page, 'chain prompt model', 'llmChain', 'llmChain_0');
    await page.getByRole('button', { name: 'Close palette' }).click();
    await page.locator('.react-flow__controls-fitview').click();

    // A model cannot plug into the prompt input: the connection is refused.
    await dragHandle(page, handle(page, OPENAI_OUT), handle(page, CHAIN_PROMPT));
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    await dragHandle(page, handle(page, OPENAI_OUT), handle(page, CHAIN_MODEL));
    await dragHandle(page, handle(page, PROMPT_OUT), handle(page, CHAIN_PROMPT));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    const openai = flowNode(page, 'chatOpenAI_0');
    await openai.getByRole('combobox', { name: 'Connect Credential' }).selectOption('__new__');
    const dialog = page.getByRole('dialog', { name: 'Create credential' });
    await dialog.getByLabel('Credential name').fill('fake openai');
    await dialog.getByLabel('OpenAI API Key').fill('sk-fake');
    await dialog.getByRole('button', { name: 'Add credential' }).click();
    await expect.poll(() => openai.getByRole('combobox', { name: 'Connect Credential' }).evaluate((s) => (s as unknown as { selectedOptions: Array<{ text: string }> }).selectedOptions[0]?.text)).toBe('fake openai');

    await openai.getByRole('button', { name: 'Additional Parameters' }).click();
    const extra = page.getByRole('dialog', { name: 'OpenAI: Additional Parameters' });
    await extra.getByLabel('Base Path', { exact: true }).fill(fake.url);
    await extra.getByRole('button', { name: 'Close' }).click();
    await flowNode(page, 'promptTemplate_0').getByLabel('Template', { exact: true }).fill('{question}');
    await flowNode(page, 'chatOpenAI_0').getByLabel('Model Name', { exact: true }).fill('fake;tokens=20;delay=40');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Unsaved changes');
    await screenshot(page, 'canvas');
  });

  it('saves with Ctrl+S in Flowise shape, and the flow is there after a reload', async () => {
    await page.getByLabel('Chatflow name').fill('Browser chain');
    await page.keyboard.press('Control+s');
    await page.waitForURL(/\/canvas\/[0-9a-f-]{36}$/);
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    chatflowId = page.url().split('/').pop()!;
    const stored = JSON.parse((await admin.get(`/api/v1/chatflows/${chatflowId}`)).body.flowData);
    expect(stored.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['chatOpenAI_0', 'llmChain_0', 'promptTemplate_0']);
    expect(stored.nodes[0]).toMatchObject({ type: 'customNode', width: expect.any(Number), height: expect.any(Number), positionAbsolute: expect.any(Object) });
    expect(stored.edges.map((e: { targetHandle: string }) => e.targetHandle).sort()).toEqual([CHAIN_MODEL, CHAIN_PROMPT]);
    expect(stored.nodes.find((n: { id: string }) => n.id === 'llmChain_0').data.inputs).toMatchObject({ model: '{{chatOpenAI_0.data.instance}}', prompt: '{{promptTemplate_0.data.instance}}' });

    await page.reload();
    await flowNode(page, 'llmChain_0').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    expect(await flowNode(page, 'chatOpenAI_0').getByLabel('Model Name', { exact: true }).inputValue()).toBe('fake;tokens=20;delay=40');
  });

  it('chats with a streamed answer, renders markdown and shows errors inline', async () => {
    await admin.put(`/api/v1/chatflows/${chatflowId}`, { chatbotConfig: { starterPrompts: { 0: { prompt: 'Say something' } } } });
    await page.reload();
    await page.getByRole('button', { name: 'Chat' }).click();
    // Streaming: the answer is seen while it is still growing, then whole. A DOM observer records every
    // render. (Page-side code as text: the test's TypeScript has no DOM types. page.evaluate, not
    // waitForFunction: the app's Content-Security-Policy forbids the eval that waitForFunction uses.)
    await page.evaluate(`(() => {
      window.aimSawPartial = false;
      new MutationObserver(() => {
        const text = document.querySelector('.message.bot')?.textContent ?? '';
        if (text.includes('t3') && !text.includes('t20')) window.aimSawPartial = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByRole('button', { name: 'Say something' }).click();
    await expect.poll(() => lastBotMessage().textContent(), { timeout: 30_000 }).toBe(expectedAnswer('fake;tokens=20', 'Say something'));
    expect(await page.evaluate('window.aimSawPartial')).toBe(true);
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
    await screenshot(page, 'chat');

    await useModel('fake;text=**bold**%20answer');
    await page.getByLabel('Type your question').fill('markdown please');
    await page.getByRole('button', { name: 'Send' }).click();
    await lastBotMessage().locator('strong', { hasText: 'bold' }).waitFor();

    await useModel('fake;error=500');
    await page.getByLabel('Type your question').fill('fail please');
    await page.getByRole('button', { name: 'Send' }).click();
    await lastBotMessage().getByRole('alert').waitFor();
  });

  it('stops a slow answer, and Clear deletes the chat', async () => {
    // The answer is held after three tokens (a fake-LLM gate that never opens): only Stop can end it.
    await useModel('fake;tokens=10;gate=ui-stop;gateAt=3');
    await page.getByLabel('Type your question').fill('a long story');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.bot').nth(3).filter({ hasText: 't2' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await lastBotMessage().getByText('Stopped').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    expect(await lastBotMessage().textContent()).not.toContain('t10');
    await eventually(() => fake.requests.at(-1)!.aborted, 10000, 'the LLM call to be aborted');

    expect((await admin.get(`/api/v1/chatmessage/${chatflowId}`)).body.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Clear chat' }).click();
    await expect.poll(() => page.locator('.message').count()).toBe(0);
    expect((await admin.get(`/api/v1/chatmessage/${chatflowId}`)).body).toEqual([]);
    await page.getByRole('button', { name: 'Close chat' }).click();
  });

  it('outlines the node a server error names', async () => {
    await useModel('fake;tokens=3');
    await page.locator('[data-edge-id^="chatOpenAI_0-"]').click();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await page.getByRole('button', { name: 'Chat' }).click();
    await page.getByLabel('Type your question').fill('hello');
    await page.getByRole('button', { name: 'Send' }).click();
    const outlined = page.locator('.react-flow__node .node-card.has-problem');
    await outlined.getByRole('alert').filter({ hasText: /missing required input|must be connected/ }).waitFor();
    expect(await outlined.count()).toBe(1);
    await screenshot(page, 'validation');
    await page.getByRole('button', { name: 'Close chat' }).click();
  });

  it('undoes and redoes deletes, connections and param edits', async () => {
    const edges = () => page.locator('.react-flow__edge').count();
    await expect.poll(edges).toBe(1);
    await canvasShortcut(page, 'Control+z'); // the edge deletion
    await expect.poll(edges).toBe(2);
    await canvasShortcut(page, 'Control+Shift+z');
    await expect.poll(edges).toBe(1);
    await canvasShortcut(page, 'Control+z');
    await expect.poll(edges).toBe(2);

    await flowNode(page, 'promptTemplate_0').getByRole('button', { name: 'Delete Prompt Template' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
    await canvasShortcut(page, 'Control+z');
    await flowNode(page, 'promptTemplate_0').waitFor();
    await expect.poll(edges).toBe(2);

    const chainName = flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true });
    await chainName.fill('first');
    await chainName.fill('second');
    await canvasShortcut(page, 'Control+z');
    await expect.poll(() => chainName.inputValue()).toBe('');
    await canvasShortcut(page, 'Control+Shift+z');
    await expect.poll(() => chainName.inputValue()).toBe('second');
  });

  it('copies and pastes a selection into the canvas with new ids', async () => {
    await flowNode(page, 'chatOpenAI_0').locator('.node-title').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await flowNode(page, 'chatOpenAI_1').waitFor();
    expect(await flowNode(page, 'chatOpenAI_0').count()).toBe(1);
    await handle(page, 'chatOpenAI_1-output-chatOpenAI-ChatOpenAI|BaseChatModel|BaseLanguageModel|Runnable').waitFor();
    await canvasShortcut(page, 'Control+z');
    await expect.poll(() => flowNode(page, 'chatOpenAI_1').count()).toBe(0);
  });

  it('shows the conflict dialog for a stale save; Overwrite keeps the canvas', async () => {
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await admin.put(`/api/v1/chatflows/${chatflowId}`, { name: 'changed elsewhere' });
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('mine');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = page.getByRole('dialog', { name: 'This chatflow changed since you opened it' });
    await conflict.waitFor();
    await screenshot(page, 'conflict');
    await conflict.getByRole('button', { name: 'Overwrite' }).click();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const stored = (await admin.get(`/api/v1/chatflows/${chatflowId}`)).body;
    expect(stored.name).toBe('Browser chain');
    expect(JSON.parse(stored.flowData).nodes.find((n: { id: string }) => n.id === 'llmChain_0').data.inputs.chainName).toBe('mine');
  });

  it('exports the Flowise JSON and imports it back as a new chatflow', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe('Browser chain Chatflow.json');
    const file = (await download.path())!;
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(exported.nodes).toHaveLength(3);
    expect(exported.nodes.every((n: { data: Record<string, unknown> }) => !('credential' in n.data))).toBe(true);

    await page.getByRole('link', { name: 'Back to chatflows' }).click();
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    await screenshot(page, 'chatflows');
    await page.getByRole('button', { name: 'Import' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a Flowise chatflow' });
    await dialog.getByLabel('Flowise JSON file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: fs.readFileSync(file) });
    await expect.poll(() => dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('Browser chain');
    await dialog.getByLabel('Name', { exact: true }).fill('Imported chain');
    await dialog.getByRole('button', { name: 'Import chatflow' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/canvas/') && !url.pathname.endsWith(chatflowId));
    await flowNode(page, 'llmChain_0').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    const flows = (await admin.get('/api/v1/chatflows')).body as Array<{ name: string }>;
    expect(flows.map((f) => f.name)).toContain('Imported chain');
  });

  it('gives embed and API snippets, binds an API key, and the embed script loads from this server', async () => {
    await admin.post('/api/v1/apikey', { keyName: 'site key' });
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await page.getByRole('button', { name: 'API Endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'API Endpoint' });
    const snippet = await dialog.getByLabel('Embed snippet').textContent();
    expect(snippet).toContain(`import Chatbot from "${server.url}/embed/web.js"`);
    expect(snippet).toContain(`chatflowid: "${chatflowId}"`);
    await dialog.getByRole('tab', { name: 'cURL' }).click();
    const siteKey = ((await admin.get('/api/v1/apikey')).body as Array<{ keyName: string; keyPrefix: string }>).find((k) => k.keyName === 'site key')!;
    await dialog.getByLabel('Chatflow API key').selectOption({ label: `site key (${siteKey.keyPrefix}…)` });
    await dialog.getByLabel('cURL snippet').filter({ hasText: 'Authorization: Bearer YOUR_API_KEY' }).waitFor();
    await screenshot(page, 'api-endpoint');
    await expect.poll(async () => (await admin.get(`/api/v1/chatflows/${chatflowId}`)).body.apikeyid).toBeTruthy();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The popup snippet, pasted into another page, loads the widget from this server.
    const site = await browser.context.newPage();
    await site.goto(`${server.url}/api/v1/ping`);
    await site.setContent(`<html><body>${snippet}</body></html>`);
    await site.waitForFunction(`customElements.get('flowise-chatbot') !== undefined`);
    await site.close();
  });

  it('credentials and API keys pages list, add and show secrets masked', async () => {
    await page.goto(`${server.url}/credentials`);
    await page.getByRole('cell', { name: 'fake openai', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit fake openai' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit credential' });
    await expect.poll(() => dialog.getByLabel('OpenAI API Key').inputValue()).toBe('_AIMICROMIND_REDACTED_');
    await screenshot(page, 'credentials');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('link', { name: 'API Keys' }).click();
    await page.getByRole('button', { name: 'Create Key' }).click();
    await page.getByLabel('Key name', { exact: true }).fill('browser key');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = await page.getByLabel('New API key', { exact: true }).inputValue();
    expect(shown.length).toBeGreaterThan(30);
    await page.getByRole('dialog', { name: 'Your new API key' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('cell', { name: 'browser key', exact: true }).waitFor();
    expect(await page.locator('table').textContent()).not.toContain(shown);
    await page.getByRole('row', { name: /site key/ }).getByText('Browser chain').waitFor();
    await screenshot(page, 'api-keys');
  });

  it('asks to sign in again when the session ends, keeping the unsaved canvas', async () => {
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('kept across sign-in');
    await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor();
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'aimicromind_session')!;
    const out = await new ApiClient(server.url).post('/api/v1/auth/logout', undefined, { cookie: `${cookie.name}=${cookie.value}`, 'x-request-from': 'internal' });
    expect(out.status).toBe(200);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Session expired: sign in again' });
    await dialog.getByRole('tab', { name: 'Admin API key' }).click();
    await dialog.getByLabel('API key').fill(TEST_ADMIN_KEY);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const chainName = async () => JSON.parse((await admin.get(`/api/v1/chatflows/${chatflowId}`)).body.flowData).nodes.find((n: { id: string }) => n.id === 'llmChain_0').data.inputs.chainName;
    await expect.poll(chainName).toBe('kept across sign-in');
  });

  it('guards unsaved work on leaving and restores the local draft after a reload', async () => {
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('draft only');
    await expect.poll(() => page.evaluate(`Object.keys(localStorage).some((k) => k.startsWith('aimicromind:draft:${chatflowId}:') && localStorage.getItem(k).includes('draft only'))`), { timeout: 30_000 }).toBe(true);
    const asked: string[] = [];
    const answer = (dialog: import('playwright-core').Dialog) => (asked.push(dialog.type()), void dialog.accept());
    page.on('dialog', answer);
    await page.reload();
    expect(asked).toContain('beforeunload');
    const restore = page.getByRole('dialog', { name: 'Restore unsaved changes?' });
    await restore.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).inputValue()).toBe('draft only');
    await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor();
    await page.getByRole('link', { name: 'Back to chatflows' }).click();
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    expect(asked).toContain('confirm');
    page.off('dialog', answer);
  });

  it('adds, saves and deletes a sticky note, which the engine ignores', async () => {
    await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('aimicromind:draft:')).forEach((k) => localStorage.removeItem(k))`);
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await flowNode(page, 'llmChain_0').waitFor();
    await addByPalette(page, 'sticky note', 'stickyNote_0');
    await flowNode(page, 'stickyNote_0').getByLabel('Sticky note', { exact: true }).fill('Explain the flow here');
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const stored = JSON.parse((await admin.get(`/api/v1/chatflows/${chatflowId}`)).body.flowData);
    expect(stored.nodes.find((n: { id: string }) => n.id === 'stickyNote_0')).toMatchObject({ type: 'stickyNote', data: { name: 'stickyNote', inputs: { note: 'Explain the flow here' } } });
    await flowNode(page, 'stickyNote_0').getByRole('button', { name: 'Delete sticky note' }).click();
    await expect.poll(() => flowNode(page, 'stickyNote_0').count()).toBe(0);
  });

  it('signs out', async () => {
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await page.request.get(`${server.url}/api/v1/chatflows`, { headers: { 'x-request-from': 'internal' } })).status()).toBe(401);
  });
});
