import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow } from '../support/api-harness.js';
import { type TestBrowser, launchBrowser } from '../support/browser.js';
import { expectedAnswer } from '../fixtures/fake-llm-server.js';
import { type QueueHarness, fastTakeoverEnv, startQueueHarness } from '../support/queue-harness.js';
import { TEST_BASIC_PASSWORD, TEST_BASIC_USER } from '../support/test-server.js';
import { screenshot, signIn } from './browser-helpers.js';
import { screenshotIfFailed } from './browser-suite.js';

/**
 * The Queue page in queue mode, against a real worker process and Redis: the connected worker, a run it
 * holds (at a fake-LLM gate) shown as running with its chatflow and worker, then the completed count rising,
 * all without reloading the page. The canvas chat when a worker dies mid-answer and another takes the run over.
 */
describe('queue page in a browser', { timeout: 180_000 }, () => {
  let h: QueueHarness;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    // Short worker locks: the takeover test waits for one to expire.
    h = await startQueueHarness(fastTakeoverEnv(), { workers: 1 });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(h.url);
    await signIn(page, TEST_BASIC_USER, TEST_BASIC_PASSWORD);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
  });
  afterEach((context) => screenshotIfFailed(page, 'queue', context));
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const countCell = (queue: string, count: string) => page.getByRole('table', { name: 'Job counts' }).getByRole('row', { name: new RegExp(`^${queue}`) }).locator(`[data-count="${count}"]`);

  it('shows the connected worker, the run it holds, then the completed count rising', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    expect(await page.getByRole('link', { name: /Job dashboard/ }).getAttribute('href')).toBe('/admin/queues');
    const workerPid = h.workers[0]!.child.pid!;
    await page.getByRole('table', { name: 'Workers' }).getByRole('cell', { name: new RegExp(`:${workerPid}$`) }).first().waitFor();
    await expect.poll(() => countCell('Predictions', 'completed').textContent(), { timeout: 10_000 }).toBe('0');

    const chatflowId = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;gate=queued;tokens=3', basepath: h.fake.url, credential, streaming: false }));
    await h.admin.put(`/api/v1/chatflows/${chatflowId}`, { name: 'gated flow' });
    const prediction = h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hold on' });
    await h.fake.gates.reached('queued');

    const running = page.getByRole('table', { name: 'Running now' });
    const row = running.getByRole('row', { name: /gated flow/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(4).textContent()).toMatch(new RegExp(`:${workerPid}$`));
    expect(await countCell('Predictions', 'active').textContent()).toBe('1');
    const status = (await h.admin.get('/api/v1/queue/status')).body;
    const runId = status.queues[0].active[0].id;
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(runId);
    await screenshot(page, 'queue');

    h.fake.gates.open('queued');
    expect((await prediction).status).toBe(200);
    await expect.poll(() => countCell('Predictions', 'completed').textContent(), { timeout: 30_000 }).toBe('1');
    await page.getByText('Nothing is running.').waitFor();
  });

  it("shows a document store's insert as the store's, linked to its page", async () => {
    const base = '/api/v1/document-store';
    const credential = (await h.admin.post('/api/v1/credentials', { name: 'queue page fake', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id as string;
    const storeId = (await h.admin.post(`${base}/store`, { name: 'Held store' })).body.id as string;
    const loader = { storeId, loaderId: 'plainText', loaderName: 'Plain Text', loaderConfig: { text: 'Held at the gate.' } };
    const saved = await h.admin.post(`${base}/loader/save`, loader);
    expect((await h.admin.post(`${base}/loader/process/${saved.body.id}`, { ...loader, id: saved.body.id })).status).toBe(200);
    const vectors = { storeId, embeddingName: 'openAIEmbeddings', embeddingConfig: { modelName: 'fake-embed;gate=store', basepath: h.fake.url, credential }, vectorStoreName: 'faiss' };
    expect((await h.admin.post(`${base}/vectorstore/insert?async=true`, vectors)).status).toBe(202);
    await h.fake.gates.reached('store');
    await page.goto(`${h.url}/queue`);
    const link = page.getByRole('table', { name: 'Running now' }).getByRole('link', { name: 'Document store Held store' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/document-stores/${storeId}`);
    h.fake.gates.open('store');
    await page.getByText('Nothing is running.').waitFor();
  });

  it('marks a running job whose worker is gone, until its lock expires', async () => {
    const chatflowId = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;gate=orphan;tokens=3', basepath: h.fake.url, credential, streaming: false }));
    await h.admin.put(`/api/v1/chatflows/${chatflowId}`, { name: 'orphaned flow' });
    void h.anon.post(`/api/v1/prediction/${chatflowId}`, { question: 'hold on' }).catch(() => undefined);
    await h.fake.gates.reached('orphan');
    const row = page.getByRole('table', { name: 'Running now' }).getByRole('row', { name: /orphaned flow/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(4).textContent()).not.toContain('worker gone');
    await h.workers[0]!.stop('SIGKILL');
    await page.getByText(/No worker is connected/).waitFor();
    await row.getByRole('cell').nth(4).getByText(/worker gone: the job is retried on a connected worker once its lock expires/).waitFor();
    // No worker takes it any more; the next test starts its own.
    h.fake.gates.open('orphan');
  });

  it('canvas chat: a worker killed mid-answer, the answer restarts with a note instead of showing the text twice', async () => {
    const model = 'fake;tokens=10;gate=chat-kill;gateAt=3';
    const chatflowId = await createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential }));
    await Promise.all(h.workers.map((w) => w.stop()));
    const victim = await h.addWorker();
    await page.goto(`${h.url}/canvas/${chatflowId}`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByLabel('Type your question').fill('kill the worker');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.message.bot').last();
    // The first attempt's words are on screen, its run held at the gate on the only worker.
    await answer.getByText('t1 t2 t3').waitFor();
    await h.fake.gates.reached('chat-kill');
    await page.locator('.messages > .run-trace').last().locator('summary').filter({ hasText: /\d node/ }).waitFor();
    await victim.stop('SIGKILL');
    h.fake.gates.open('chat-kill');
    await h.addWorker();
    // The takeover: the partial text goes, a note says so, and the new attempt's answer is shown once.
    await answer.getByRole('note').filter({ hasText: 'Worker restarted (attempt 2)' }).waitFor({ timeout: 60_000 });
    const expected = expectedAnswer(model, 'kill the worker');
    await expect.poll(() => answer.locator('p').first().textContent(), { timeout: 30_000 }).toBe(expected);
    // The trace under it is the new attempt's (its stored trace once the run ended), each node once.
    const summary = page.locator('.messages > .run-trace').last().locator('summary');
    await summary.filter({ hasText: 'slowest' }).waitFor();
    expect(await answer.locator('p').first().textContent()).toBe(expected);
    await summary.click();
    const nodes = page.locator('.messages > .run-trace').last().getByRole('table', { name: 'Nodes of this run' }).locator('tbody tr');
    const ids = await nodes.evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { nodeId?: string } }).dataset.nodeId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
