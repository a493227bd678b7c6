import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { llmChainFlow } from '../fixtures/chatflows.js';
import type { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { screenshot } from './browser-helpers.js';
import { screenshotIfFailed } from './browser-suite.js';
import { type ChatSuite, startChatSuite } from './chat-suite.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A date as the page's date inputs take it (the browser and this process share the time zone). */
const localDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/**
 * The executions page in a browser: yesterday's failed run found by status and date with its error,
 * filters and paging, the list refreshing while runs are in progress, and aborting a running run.
 */
describe('executions page in a browser', { timeout: 180_000 }, () => {
  let fake: FakeLlmServer;
  let suite: ChatSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;
  let credential = '';

  async function createFlow(name: string, model: string): Promise<string> {
    const flowData = JSON.stringify(llmChainFlow({ model, basepath: fake.url, credential }));
    return (await admin.post('/api/v1/chatflows', { name, flowData })).body.id as string;
  }

  async function predict(flowId: string, question: string, chatId: string): Promise<string> {
    const answer = await admin.post(`/api/v1/prediction/${flowId}`, { question, chatId });
    return answer.headers.get('x-run-id')!;
  }

  /** Moves a finished run's dates back by `ms`, as if it had run then. */
  async function backdate(runId: string, ms: number): Promise<void> {
    const db = server.handle.core.database.db;
    const run = await db.selectFrom('run').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    const earlier = (date: string | null) => (date ? new Date(Date.parse(date) - ms).toISOString() : null);
    await db
      .updateTable('run')
      .set({ createdDate: earlier(run.createdDate)!, startedDate: earlier(run.startedDate), finishedDate: earlier(run.finishedDate) })
      .where('id', '=', runId)
      .execute();
  }

  const rows = () => page.locator('table.runs tbody tr');
  const row = (runId: string) => page.locator(`table.runs tr[data-run-id="${runId}"]`);

  async function openExecutions(query = ''): Promise<void> {
    await page.goto(`${server.url}/executions${query}`);
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
  }

  beforeAll(async () => {
    suite = await startChatSuite();
    ({ server, page, admin, fake, credential } = suite);
  });
  afterEach((context) => screenshotIfFailed(page, 'executions', context));
  afterAll(async () => suite?.close());

  it("finds yesterday's failed run by status and date, with its error and trace", async () => {
    const failing = await createFlow('Support bot', 'fake;error=500');
    const working = await createFlow('FAQ bot', 'fake');
    const yesterdays = await predict(failing, 'why did my order fail?', 'customer-1');
    const todays = await predict(failing, 'still failing today', 'customer-2');
    await predict(working, 'what are your hours?', 'customer-3');
    await backdate(yesterdays, DAY_MS);

    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Executions' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await row(todays).waitFor();
    await screenshot(page, 'executions');

    const filters = page.getByRole('form', { name: 'Filter runs' });
    await filters.getByLabel('Status').selectOption('failed');
    const yesterday = localDay(Date.now() - DAY_MS);
    await filters.getByLabel('From').fill(yesterday);
    await filters.getByLabel('To').fill(yesterday);
    await expect.poll(() => rows().count()).toBe(1);
    await row(yesterdays).waitFor();
    await expect(row(yesterdays).innerText()).resolves.toContain('Support bot');
    await expect(row(yesterdays).innerText()).resolves.toContain('failed');
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');

    await row(yesterdays).getByRole('link', { name: 'why did my order fail?' }).click();
    const error = page.getByRole('region', { name: 'Error' });
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/LLM call failed: /);
    await expect(error.innerText()).resolves.toContain('LLM_ERROR');
    await expect(error.innerText()).resolves.toContain('chatOpenAI_0');
    await expect(page.locator('.run-facts').innerText()).resolves.toContain('customer-1');
    await page.locator('.run-facts').getByRole('link', { name: 'Support bot' }).waitFor();
    await page.getByText('why did my order fail?').waitFor();
    // The node trace: every node that ran, the failed chat model with its error.
    const trace = page.getByRole('table', { name: 'Node trace' });
    const run = (await admin.get(`/api/v1/runs/${yesterdays}`)).body as { trace: Array<{ nodeId: string }> };
    expect(run.trace.length).toBeGreaterThan(0);
    for (const entry of run.trace) await trace.locator(`tr[data-node-id="${entry.nodeId}"]`).waitFor();
    const failedNode = trace.locator('tr[data-node-id="chatOpenAI_0"]');
    await expect(failedNode.innerText()).resolves.toMatch(/failed[\s\S]*LLM call failed/);
    await screenshot(page, 'execution-run');

    // Back to the list with the same filters.
    await page.getByRole('link', { name: 'Back to executions' }).click();
    await row(yesterdays).waitFor();
    await expect(page.getByRole('form', { name: 'Filter runs' }).getByLabel('Status').inputValue()).resolves.toBe('failed');
  });

  it('filters by chatflow and session, and pages through the runs', async () => {
    const flow = await createFlow('Paged flow', 'fake');
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(await predict(flow, `question ${i}`, `paged-${i}`));
    await openExecutions();
    const filters = page.getByRole('form', { name: 'Filter runs' });
    await filters.getByLabel('Chatflow').selectOption({ label: 'Paged flow' });
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await pager.getByText('Page 1 of 2 · 23 runs').waitFor();
    await expect.poll(() => rows().count()).toBe(20);
    // Newest first.
    await expect(rows().first().getAttribute('data-run-id')).resolves.toBe(ids[22]);
    expect(await pager.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2 of 2 · 23 runs').waitFor();
    await expect.poll(() => rows().count()).toBe(3);
    await expect(rows().last().getAttribute('data-run-id')).resolves.toBe(ids[0]);
    expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    await pager.getByLabel('Per page').selectOption('50');
    await pager.getByText('Page 1 of 1 · 23 runs').waitFor();
    await expect.poll(() => rows().count()).toBe(23);

    // A run started after the page was read shows on Refresh.
    const later = await predict(flow, 'a later question', 'paged-later');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await pager.getByText('Page 1 of 1 · 24 runs').waitFor();
    await expect(rows().first().getAttribute('data-run-id')).resolves.toBe(later);

    await filters.getByLabel('Session').fill('paged-7');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await pager.getByText('Page 1 of 1 · 1 run').waitFor();
    await row(ids[7]!).waitFor();
  });

  it('a link with filters the page cannot use: drops and names them, never hangs on Loading, and Clear filters resets', async () => {
    await predict(await createFlow('Link flow', 'fake'), 'a linked question', 'link-chat');
    await openExecutions('?status=bogus&from=notadate&limit=7');
    await page.getByRole('note').getByText('Ignored from the link: status "bogus" (not a run status), from "notadate" (not a date).').waitFor();
    await rows().first().waitFor();
    const url = new URL(page.url());
    expect([url.searchParams.get('status'), url.searchParams.get('from')]).toEqual([null, null]);
    const filters = page.getByRole('form', { name: 'Filter runs' });
    await expect(filters.getByLabel('Status').inputValue()).resolves.toBe('');

    // A value only the server rejects: its message, no endless "Loading…", and a way out.
    await openExecutions(`?sessionId=${'s'.repeat(501)}&status=failed`);
    await page.getByText(/sessionId/).first().waitFor();
    await expect(page.getByText('Loading…').count()).resolves.toBe(0);
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await rows().first().waitFor();
    expect(new URL(page.url()).search).toBe('');
    await expect(filters.getByLabel('Status').inputValue()).resolves.toBe('');
    await expect(filters.getByLabel('Session').inputValue()).resolves.toBe('');
    await filters.getByRole('button', { name: 'Clear filters' }).waitFor({ state: 'detached' });
  });

  it('refreshes runs in progress, and aborts a running run from its view', async () => {
    const flow = await createFlow('Held flow', 'fake;gate=held;gateAt=1;tokens=5');
    const started = await admin.post('/api/v1/runs', { chatflowId: flow, question: 'a long answer', chatId: 'held-chat', streaming: true });
    const runId = started.body.runId as string;
    const other = (await admin.post('/api/v1/runs', { chatflowId: flow, question: 'another long answer', chatId: 'held-chat-2' })).body.runId as string;
    await fake.gates.reached('held', 2);

    await openExecutions(`?chatflowId=${flow}`);
    await row(runId).getByText('running').waitFor();
    await page.getByRole('status').getByText('Refreshing while runs are in progress').waitFor();
    // The list reads the runs again by itself: one ended elsewhere shows as ended without a reload.
    expect((await admin.post(`/api/v1/runs/${other}/abort`)).body.aborted).toBe(true);
    await row(other).getByText('aborted').waitFor();
    // A run that does not stream reports its nodes only when it ends: its view says so while it runs.
    const quiet = (await admin.post('/api/v1/runs', { chatflowId: flow, question: 'a quiet answer', chatId: 'held-chat-3' })).body.runId as string;
    await fake.gates.reached('held', 3);
    await page.goto(`${server.url}/executions/${quiet}`);
    await page.locator('.page-head .run-status', { hasText: 'running' }).waitFor();
    await page.getByText(/The trace appears when the run ends/).waitFor();
    expect((await admin.post(`/api/v1/runs/${quiet}/abort`)).body.aborted).toBe(true);
    await page.locator('.page-head .run-status', { hasText: 'aborted' }).waitFor();
    await openExecutions(`?chatflowId=${flow}`);

    await row(runId).getByRole('link', { name: 'a long answer' }).click();
    await page.getByRole('heading', { name: 'Run' }).waitFor();
    await page.locator('.page-head .run-status', { hasText: 'running' }).waitFor();
    // While it runs, the node trace is live (the streamed run's node events), not "No trace recorded":
    // the chat model holding the run shows as running.
    await page.getByRole('note').getByText(/Live: /).waitFor();
    const live = page.getByRole('table', { name: 'Node trace' });
    await live.locator('tr[data-node-id="chatOpenAI_0"]').getByText('running').waitFor();
    expect(await page.getByText('No trace recorded').count()).toBe(0);
    await page.getByRole('button', { name: 'Abort' }).click();
    await page.locator('.page-head .run-status', { hasText: 'aborted' }).waitFor();
    await page.getByRole('button', { name: 'Abort' }).waitFor({ state: 'detached' });
    expect((await admin.get(`/api/v1/runs/${runId}`)).body.status).toBe('aborted');
    await expect(page.locator('.run-facts').innerText()).resolves.toMatch(/Finished\s+\S/);
    // Ended: the stored trace replaces the live one.
    await page.getByRole('note').getByText(/Live:/).waitFor({ state: 'detached' });
    await live.locator('tr[data-node-id="chatOpenAI_0"]').getByText('aborted').waitFor();
  });
});
