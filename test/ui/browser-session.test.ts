import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/api-client.js';
import { type TestBrowser, launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, type RunningServer, startServer, testEnv } from '../support/test-server.js';
import { flowNode, screenshot, signIn } from './browser-helpers.js';

/**
 * Signing in and the session in a browser: the form offers only configured methods, the expired-session
 * dialog can be closed, and copying a new API key says "Copied" only once the clipboard has it.
 */
describe('sign-in and session in a browser', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  beforeAll(async () => {
    // No admin API key: the form must not offer one.
    server = await startServer(testEnv({ AIMICROMIND_API_KEY: '' }));
    admin = new ApiClient(server.url, { authorization: `Basic ${Buffer.from(`${TEST_BASIC_USER}:${TEST_BASIC_PASSWORD}`).toString('base64')}` });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await screenshot(page, `failed-session-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('offers no "Admin API key" sign-in when the server has no admin key', async () => {
    expect(TEST_ADMIN_KEY).toBeTruthy();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => page.title()).toMatch(/Sign in/);
    expect(await page.getByRole('tab', { name: 'Admin API key' }).count()).toBe(0);
    await signIn(page, TEST_BASIC_USER, TEST_BASIC_PASSWORD);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
  });

  it('Copy of a new API key says "Copied" once the clipboard holds the key', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(`${server.url}/apikeys`);
    await page.getByRole('heading', { name: 'API Keys' }).waitFor();
    await page.getByRole('button', { name: 'Create Key' }).click();
    await page.getByLabel('Key name').fill('copied key');
    await page.getByRole('dialog', { name: 'Create API key' }).getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Your new API key' });
    await expect.poll(() => shown.getByLabel('New API key').inputValue()).not.toBe('');
    const key = await shown.getByLabel('New API key').inputValue();
    expect(key).not.toBe('');
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await shown.getByRole('button', { name: 'Close' }).click();
  });

  it('closing the "Session expired" dialog keeps the canvas and says the save failed', async () => {
    const flowData = JSON.stringify({ nodes: [{ id: 'llmChain_0', type: 'customNode', position: { x: 0, y: 0 }, data: { name: 'llmChain', label: 'llmChain', inputs: {} } }], edges: [] });
    const { id } = (await admin.post('/api/v1/chatflows', { name: 'expiring', flowData })).body as { id: string };
    await page.goto(`${server.url}/canvas/${id}`);
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('not lost');
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'aimicromind_session')!;
    expect((await new ApiClient(server.url).post('/api/v1/auth/logout', undefined, { cookie: `${cookie.name}=${cookie.value}`, 'x-request-from': 'internal' })).status).toBe(200);
    await page.keyboard.press('Control+s');
    const dialog = page.getByRole('dialog', { name: 'Session expired: sign in again' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('alert').filter({ hasText: 'You are signed out' }).waitFor();
    expect(await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).inputValue()).toBe('not lost');
    // Escape closes it as well, the next time a call finds the session gone.
    await page.keyboard.press('Control+s');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).inputValue()).toBe('not lost');
  });
});
