import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import { createTestDatabase } from '../support/test-postgres.js';

/** GET /api/v1/runs (the executions page's list) on both database dialects. */
describe.each([
  ['sqlite', () => startMainHarness()],
  ['postgres', async () => startMainHarness({ DATABASE_TYPE: 'postgres', DATABASE_URL: await createTestDatabase('runlist') })],
] as const)('runs list on %s', (_dialect, start) => {
  let h: ApiHarness;
  let okFlow: string;
  let failFlow: string;
  const runs: Record<string, string> = {};
  let between = '';

  const predict = async (flow: string, question: string, chatId: string) => {
    const answer = await h.admin.post(`/api/v1/prediction/${flow}`, { question, chatId, overrideConfig: { sessionId: `session-${chatId}` } });
    return answer.headers.get('x-run-id')!;
  };

  beforeAll(async () => {
    h = await start();
    okFlow = await createFlow(h, (credential) => llmChainFlow({ model: 'fake', basepath: h.fake.url, credential }));
    failFlow = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;error=500', basepath: h.fake.url, credential }));
    await h.admin.put(`/api/v1/chatflows/${failFlow}`, { name: 'failing flow' });
    runs.first = await predict(okFlow, 'first question', 'chat-a');
    runs.second = await predict(okFlow, 'second question', 'chat-b');
    // Dates are stored to the millisecond: the next run starts strictly after this instant.
    between = new Date().toISOString();
    while (new Date().toISOString() === between) await new Promise((resolve) => setImmediate(resolve));
    runs.failed = await predict(failFlow, 'doomed question', 'chat-c');
    runs.third = await predict(okFlow, 'third question', 'chat-a');
  });
  afterAll(async () => h?.close());

  const list = async (query: string) => {
    const response = await h.admin.get(`/api/v1/runs${query}`);
    expect(response.status, response.text).toBe(200);
    return response.body as { data: Array<Record<string, unknown>>; total: number };
  };
  const ids = (page: { data: Array<Record<string, unknown>> }) => page.data.map((run) => run.runId);

  it('lists runs newest first with what the executions page shows', async () => {
    const page = await list('');
    expect(page.total).toBe(4);
    expect(ids(page)).toEqual([runs.third, runs.failed, runs.second, runs.first]);
    const first = page.data[3]!;
    expect(first).toMatchObject({
      runId: runs.first,
      chatflowId: okFlow,
      chatflowName: 'test flow',
      chatId: 'chat-a',
      sessionId: 'session-chat-a',
      question: 'first question',
      status: 'completed',
      attempt: 1,
      error: null,
      errorCode: null,
    });
    expect((first.result as { text: string }).text).toContain('first question');
    expect(Date.parse(first.startedDate as string)).toBeGreaterThanOrEqual(Date.parse(first.createdDate as string));
    expect(first.queueWaitMs).toBe(Date.parse(first.startedDate as string) - Date.parse(first.createdDate as string));
    expect(first.runTimeMs).toBe(Date.parse(first.finishedDate as string) - Date.parse(first.startedDate as string));
    // The same view as GET /api/v1/runs/:runId without the trace, plus the chatflow's name.
    const { trace, ...single } = (await h.admin.get(`/api/v1/runs/${runs.first}`)).body as Record<string, unknown>;
    expect(trace).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'llmChain_0' })]));
    expect({ ...single, chatflowName: 'test flow' }).toEqual(first);
    expect(first).not.toHaveProperty('trace');
  });

  it('keeps a failed run\'s error, its code and the node that raised it', async () => {
    const page = await list('?status=failed');
    expect(page.total).toBe(1);
    expect(page.data[0]).toMatchObject({ runId: runs.failed, chatflowName: 'failing flow', status: 'failed', errorCode: 'LLM_ERROR', errorNodeId: 'chatOpenAI_0' });
    expect(page.data[0]!.error).toMatch(/^LLM call failed: /);
  });

  it('pages in the database: limit and page, total of all matches', async () => {
    const one = await list('?limit=3&page=1');
    const two = await list('?limit=3&page=2');
    expect(one.total).toBe(4);
    expect(two.total).toBe(4);
    expect(ids(one)).toEqual([runs.third, runs.failed, runs.second]);
    expect(ids(two)).toEqual([runs.first]);
    expect((await list('?limit=3&page=3')).data).toEqual([]);
  });

  it('filters by chatflow, status (one or a list), session, chat and dates', async () => {
    expect(ids(await list(`?chatflowId=${okFlow}`))).toEqual([runs.third, runs.second, runs.first]);
    expect(ids(await list('?status=completed,failed&limit=2'))).toEqual([runs.third, runs.failed]);
    expect(ids(await list('?status=running'))).toEqual([]);
    // Repeated parameters (an HTML form's list) are a list too.
    expect(ids(await list('?status=completed&status=failed&limit=2'))).toEqual([runs.third, runs.failed]);
    expect(ids(await list('?sessionId=session-chat-a'))).toEqual([runs.third, runs.first]);
    expect(ids(await list('?chatId=chat-b'))).toEqual([runs.second]);
    expect(ids(await list(`?from=${encodeURIComponent(between)}`))).toEqual([runs.third, runs.failed]);
    expect(ids(await list(`?to=${encodeURIComponent(between)}`))).toEqual([runs.second, runs.first]);
    expect(ids(await list(`?from=${encodeURIComponent(between)}&to=${encodeURIComponent(between)}`))).toEqual([]);
    const filtered = await list(`?chatflowId=${okFlow}&status=completed&from=${encodeURIComponent(between)}`);
    expect(filtered).toMatchObject({ total: 1, data: [{ runId: runs.third }] });
  });

  it('reads a date-only `to` as the end of that UTC day: from=D&to=D is the whole day D', async () => {
    const first = (await h.admin.get(`/api/v1/runs/${runs.first}`)).body as { createdDate: string };
    const day = first.createdDate.slice(0, 10);
    const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 1).toISOString().slice(0, 10);
    expect(ids(await list(`?from=${day}&to=${day}`))).toContain(runs.first);
    expect(ids(await list(`?to=${day}`))).toContain(runs.first);
    expect(ids(await list(`?to=${dayBefore}`))).toEqual([]);
    // With a time, `to` is that instant, as before.
    expect(ids(await list(`?to=${day}T00:00:00Z`))).toEqual([]);
  });

  it.each([
    ['status=done', 'status: must be queued, running, completed, failed or aborted'],
    ['from=yesterday', 'from: must be a date'],
    ['to=2024-13-45', 'to: must be a date'],
    ['limit=0', 'limit: must be at least 1'],
    ['limit=501', 'limit: must be at most 500'],
    ['limit=ten', 'limit: must be a whole number'],
    ['page=0', 'page: must be at least 1'],
    ['page=1.5', 'page: must be a whole number'],
    ['page=18446744073709551', `page: must be at most ${Number.MAX_SAFE_INTEGER}`],
    ['status=failed&status=done', 'status: must be queued'],
    [`sessionId=${'s'.repeat(501)}`, 'sessionId: must be at most 500 characters'],
    ['from=2024-05-02&to=2024-05-01', 'to: must not be before from'],
  ])('refuses ?%s with a 400 naming the parameter', async (query, message) => {
    const response = await h.admin.get(`/api/v1/runs?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.body.message).toContain(message);
  });

  it('is for management callers only', async () => {
    const response = await h.anon.get('/api/v1/runs');
    expect(response.status).toBe(401);
  });
});
