import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { screenshot } from './browser-helpers.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

/**
 * The chatflow Configuration dialog in a browser: what the user sets there (allowed domains, a rate
 * limit, the inputs API callers may override, starter prompts, feedback) is stored in Flowise's shapes and
 * enforced by the server on predictions; bad input is refused in the dialog, server errors are shown.
 */
describe('chatflow configuration in a browser', { timeout: 120_000 }, () => {
  let fake: FakeLlmServer;
  let suite: SignedInSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let chatflowId = '';
  const FOLLOW_UPS = ['Tell me more?', 'Why?'];
  const followUpModel = `fake;text=${encodeURIComponent(JSON.stringify({ questions: FOLLOW_UPS }))}`;

  const dialog = () => page.getByRole('dialog', { name: 'Configuration' });
  const predict = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/v1/prediction/${chatflowId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    suite = await startSignedIn();
    ({ server, page, admin } = suite);
    const credential = (await admin.post('/api/v1/credentials', { name: 'fake openai', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id;
    const flowData = JSON.stringify(llmChainFlow({ model: 'fake;text=plain', basepath: fake.url, credential, streaming: false }));
    chatflowId = (await admin.post('/api/v1/chatflows', { name: 'configured flow', flowData })).body.id;
    await admin.post('/api/v1/variables', { name: 'tone', value: 'dry', type: 'static' });
  });
  afterEach((context) => screenshotIfFailed(page, 'config', context));
  afterAll(async () => {
    await suite?.close();
    await fake?.stop();
  });

  it('refuses bad domains and limits in the dialog, then saves them in Flowise shapes', async () => {
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Configuration' }).click();
    await dialog().getByLabel('Starter prompts (one per line)').fill('What can you do?\nTell me a joke');
    await dialog().getByLabel('Chat feedback (thumbs up and down in the embedded chat)').check();
    await dialog().getByLabel('Follow-up prompts').check();
    await dialog().getByLabel('Follow-up provider').selectOption('chatOpenAI');
    await dialog().getByLabel('Follow-up credential').selectOption({ label: 'fake openai' });
    await dialog().getByLabel('Follow-up model').fill(followUpModel);
    await dialog().getByLabel('Follow-up base URL (optional)').fill('ftp://nowhere');
    await dialog().getByLabel(/^Allowed domains/).fill('https://allowed.example\nnot a domain!');
    await dialog().getByLabel('Error message for other domains').fill('Only allowed.example may chat here');
    await dialog().getByLabel('Limit predictions per client address').check();
    await dialog().getByLabel('Message limit per duration').fill('0');
    await dialog().getByLabel('Duration in seconds').fill('600');
    await dialog().getByLabel('Limit message').fill('Slow down please');
    await dialog().getByLabel(/Let API callers override/).check();
    await dialog().getByRole('group', { name: 'Prompt Template' }).getByRole('checkbox', { name: /^Template/ }).check();
    await dialog().getByRole('group', { name: 'Variables' }).getByRole('checkbox', { name: 'tone' }).check();
    await dialog().getByRole('button', { name: 'Save configuration' }).click();

    await dialog().getByRole('alert').filter({ hasText: 'Not a domain or origin: not a domain!' }).waitFor();
    await dialog().getByRole('alert').filter({ hasText: 'The message limit must be a whole number above 0' }).waitFor();
    await dialog().getByRole('alert').filter({ hasText: 'The base URL must start with http:// or https://' }).waitFor();
    expect(JSON.parse((await admin.get(`/api/v1/chatflows/${chatflowId}`)).body.chatbotConfig ?? '{}').allowedOrigins).toBeUndefined();

    await dialog().getByLabel(/^Allowed domains/).fill('https://allowed.example');
    await dialog().getByLabel('Message limit per duration').fill('3');
    await dialog().getByLabel('Follow-up base URL (optional)').fill(fake.url);
    await page.evaluate(`document.querySelector('dialog[open]').scrollTop = 0`);
    await screenshot(page, 'configuration');
    await dialog().getByRole('button', { name: 'Save configuration' }).click();
    await dialog().waitFor({ state: 'hidden' });

    const stored = (await admin.get(`/api/v1/chatflows/${chatflowId}`)).body;
    expect(JSON.parse(stored.chatbotConfig)).toMatchObject({
      starterPrompts: { 0: { prompt: 'What can you do?' }, 1: { prompt: 'Tell me a joke' } },
      chatFeedback: { status: true },
      allowedOrigins: ['https://allowed.example'],
      allowedOriginsError: 'Only allowed.example may chat here',
    });
    const apiConfig = JSON.parse(stored.apiConfig);
    expect(apiConfig.rateLimit).toEqual({ status: true, limitMax: 3, limitDuration: 600, limitMsg: 'Slow down please' });
    expect(apiConfig.overrideConfig.status).toBe(true);
    expect(apiConfig.overrideConfig.nodes['Prompt Template']).toContainEqual(expect.objectContaining({ name: 'template', enabled: true }));
    expect(apiConfig.overrideConfig.nodes.ChatOpenAI).toContainEqual(expect.objectContaining({ name: 'modelName', enabled: false }));
    expect(JSON.parse(stored.followUpPrompts)).toMatchObject({ status: true, selectedProvider: 'chatOpenAI', chatOpenAI: { modelName: followUpModel, baseUrl: fake.url, credentialId: expect.any(String) } });
    expect(apiConfig.overrideConfig.variables).toEqual([expect.objectContaining({ name: 'tone', enabled: true })]);

    // The canvas keeps its version in step: saving the flow now is no conflict.
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await expect(page.getByRole('dialog', { name: /changed since you opened it/ }).isVisible()).resolves.toBe(false);
  });

  it('the server enforces them: foreign origins refused with the message, overrides only where ticked, the (N+1)th prediction gets 429', async () => {
    // What the embed reads (Flowise: it shows starter prompts and feedback thumbs from here); never the allow-list.
    const visible = (await admin.get(`/api/v1/public-chatbotConfig/${chatflowId}`)).body;
    expect(visible).toMatchObject({ starterPrompts: { 0: { prompt: 'What can you do?' } }, chatFeedback: { status: true }, followUpPrompts: { status: true } });
    expect(visible.allowedOrigins).toBeUndefined();

    const foreign = await predict({ question: 'hi' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toBe('Only allowed.example may chat here');

    const overridden = await predict({ question: 'hi', overrideConfig: { template: 'Overridden: {question}', modelName: 'fake;text=hijacked' } }, { origin: 'https://allowed.example' });
    expect(overridden.status).toBe(200);
    // The ticked template was overridden, the unticked model name was not.
    expect(fake.requests.some((r) => r.body.model === 'fake;text=plain' && JSON.stringify(r.body.messages).includes('Overridden: hi'))).toBe(true);
    expect(fake.requests.some((r) => r.body.model === 'fake;text=hijacked')).toBe(false);
    // Follow-up prompts, generated by the model chosen in the dialog.
    expect(JSON.parse(((await overridden.json()) as { followUpPrompts: string }).followUpPrompts)).toEqual(FOLLOW_UPS);

    expect((await predict({ question: 'third' })).status).toBe(200);
    const limited = await predict({ question: 'fourth' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { message: string }).message).toBe('Slow down please');
  });

  it("the builder's canvas chat still answers: allowed domains and the spent rate limit apply to the embed and API only", async () => {
    // This page's origin is not on the list, and this address has used its 3 predictions.
    await page.goto(`${server.url}/canvas/${chatflowId}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    for (const question of ['builder one', 'builder two']) {
      await page.getByLabel('Type your question').fill(question);
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('.message.user').filter({ hasText: question }).waitFor();
      await page.getByRole('button', { name: 'Send' }).waitFor();
    }
    await expect.poll(() => page.locator('.message.bot').filter({ hasText: 'plain' }).count()).toBe(2);
    expect(await page.locator('.message.bot').filter({ hasText: /Slow down please|Only allowed\.example/ }).count()).toBe(0);
    expect((await predict({ question: 'still limited' })).status).toBe(429);
  });

  it('the test chat offers the follow-up prompts of an answer, and one click asks it', async () => {
    const credential = (await admin.get('/api/v1/credentials')).body[0].id as string;
    const flowData = JSON.stringify(llmChainFlow({ model: 'fake;text=Chat%20answer', basepath: fake.url, credential }));
    const followUpPrompts = { status: true, selectedProvider: 'chatOpenAI', chatOpenAI: { credentialId: credential, modelName: followUpModel, baseUrl: fake.url, prompt: 'Next after {history}' } };
    const id = (await admin.post('/api/v1/chatflows', { name: 'follow-ups', flowData, followUpPrompts })).body.id;
    await page.goto(`${server.url}/canvas/${id}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByLabel('Type your question').fill('hello');
    await page.getByRole('button', { name: 'Send' }).click();
    const offered = page.getByRole('group', { name: 'Follow-up prompts' });
    await offered.getByRole('button', { name: FOLLOW_UPS[0] }).waitFor();
    expect(await offered.getByRole('button').allTextContents()).toEqual(FOLLOW_UPS);
    await offered.getByRole('button', { name: FOLLOW_UPS[1] }).click();
    await page.locator('.message.user').filter({ hasText: FOLLOW_UPS[1] }).waitFor();
    await offered.getByRole('button', { name: FOLLOW_UPS[0] }).waitFor();
    expect(await page.locator('.message.bot').count()).toBe(2);
  });

  it('opens from the chatflows list with the saved values, and shows the server error when saving fails', async () => {
    await page.goto(`${server.url}/chatflows`);
    // By keyboard: Escape gives the focus back to the button that opened the dialog, not to the page top.
    await page.getByRole('button', { name: 'Configuration of configured flow' }).focus();
    await page.keyboard.press('Enter');
    await dialog().getByLabel(/^Allowed domains/).waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Configuration of configured flow');
    await page.getByRole('button', { name: 'Configuration of configured flow' }).click();
    expect(await dialog().getByLabel(/^Allowed domains/).inputValue()).toBe('https://allowed.example');
    expect(await dialog().getByLabel('Message limit per duration').inputValue()).toBe('3');
    expect(await dialog().getByRole('group', { name: 'Prompt Template' }).getByRole('checkbox', { name: /^Template/ }).isChecked()).toBe(true);

    await admin.delete(`/api/v1/chatflows/${chatflowId}`);
    await dialog().getByLabel('Chat feedback (thumbs up and down in the embedded chat)').uncheck();
    await dialog().getByRole('button', { name: 'Save configuration' }).click();
    await dialog().getByRole('alert').filter({ hasText: chatflowId }).waitFor();
  });
});
