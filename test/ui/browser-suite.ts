import type { Page } from 'playwright-core';
import { ApiClient } from '../support/api-client.js';
import { type TestBrowser, launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, type RunningServer, startServer, testEnv } from '../support/test-server.js';
import { screenshot, signIn } from './browser-helpers.js';

/** A server, a Chromium signed in to it on the chatflows page, and an admin API client. */
export interface SignedInSuite {
  server: RunningServer;
  browser: TestBrowser;
  page: Page;
  admin: ApiClient;
  close(): Promise<void>;
}

export async function startSignedIn(env: Record<string, string> = testEnv()): Promise<SignedInSuite> {
  const server = await startServer(env);
  const admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(server.url);
  await signIn(page, TEST_BASIC_USER, TEST_BASIC_PASSWORD);
  await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
  return {
    server,
    browser,
    page,
    admin,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Leaves a picture of the page when a test failed (vitest `afterEach` context). */
export async function screenshotIfFailed(page: Page | undefined, prefix: string, context: { task: { name: string; result?: { state?: string } } }): Promise<void> {
  if (page && context.task.result?.state === 'fail') await screenshot(page, `failed-${prefix}-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
}

/** flowData of the given nodes (name, inputs, credential, position; left to right by default); the UI fills the rest from the catalogue. */
export function flowOf(nodes: Array<{ id: string; name: string; x?: number; y?: number; inputs?: Record<string, unknown>; credential?: string }>): string {
  return JSON.stringify({
    nodes: nodes.map((n, i) => ({
      id: n.id,
      type: 'customNode',
      position: { x: n.x ?? i * 360, y: n.y ?? 0 },
      data: { name: n.name, label: n.name, inputs: n.inputs ?? {}, ...(n.credential ? { credential: n.credential } : {}) },
    })),
    edges: [],
  });
}

/** Creates a chatflow through the API and opens it on the canvas; resolves with its id once a node shows. */
export async function openFlow(suite: Pick<SignedInSuite, 'admin' | 'server'>, page: Page, name: string, flowData: string): Promise<string> {
  const { id } = (await suite.admin.post('/api/v1/chatflows', { name, flowData })).body as { id: string };
  await page.goto(`${suite.server.url}/canvas/${id}`);
  await page.locator('.react-flow__node').first().waitFor();
  return id;
}
