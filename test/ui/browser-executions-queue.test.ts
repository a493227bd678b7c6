import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { eventually } from '../support/api-harness.js';
import { freePort } from '../support/free-port.js';
import { type SpawnedProcess, spawnCli } from '../support/processes.js';
import { fastTakeoverEnv } from '../support/queue-harness.js';
import { testEnv } from '../support/test-server.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

/**
 * The executions page in queue mode: a queued run (no worker yet) aborted from its view, and a run
 * whose worker was killed mid-answer shown with its second attempt after another worker finished it.
 */
describe('executions page in queue mode', { timeout: 180_000 }, () => {
  let fake: FakeLlmServer;
  let suite: SignedInSuite;
  let page: Page;
  let flowId = '';
  const workers: SpawnedProcess[] = [];

  async function addWorker(): Promise<SpawnedProcess> {
    const worker = spawnCli('worker', { ...suite.server.env, WORKER_PORT: String(await freePort()), LOG_LEVEL: 'info' });
    workers.push(worker);
    await worker.waitFor(/aimicromind worker ready/, 60000);
    return worker;
  }

  /** The run view's status badge. */
  const status = () => page.locator('.page-head .run-status');

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    suite = await startSignedIn(testEnv({ MODE: 'queue', REDIS_URL: inject('redisUrl'), QUEUE_NAME: `q-${Math.random().toString(36).slice(2, 10)}`, ...fastTakeoverEnv() }));
    page = suite.page;
    const credential = (await suite.admin.post('/api/v1/credentials', { name: 'fake openai', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id;
    const flowData = JSON.stringify(llmChainFlow({ model: 'fake;tokens=5;gate=takeover;gateAt=1', basepath: fake.url, credential }));
    flowId = (await suite.admin.post('/api/v1/chatflows', { name: 'Queued flow', flowData })).body.id;
  });
  afterEach((context) => screenshotIfFailed(page, 'executions-queue', context));
  afterAll(async () => {
    fake?.gates.openAll();
    await Promise.all(workers.map((w) => w.stop()));
    await suite?.close();
    await fake?.stop();
  });

  it('aborts a queued run that no worker took yet', async () => {
    const runId = (await suite.admin.post('/api/v1/runs', { chatflowId: flowId, question: 'waiting in line', chatId: 'queued-chat' })).body.runId as string;
    await page.goto(`${suite.server.url}/executions/${runId}`);
    await status().getByText('queued').waitFor();
    await page.getByRole('button', { name: 'Abort' }).click();
    await status().getByText('aborted').waitFor();
    const error = page.getByRole('region', { name: 'Error' });
    await expect(error.innerText()).resolves.toContain('RUN_ABORTED');
    await expect(page.locator('.run-facts').innerText()).resolves.toMatch(/Attempts\s+0/);
  });

  it("shows a run's second attempt after its worker died mid-answer", async () => {
    const victim = await addWorker();
    const runId = (await suite.admin.post('/api/v1/runs', { chatflowId: flowId, question: 'survive a crash', chatId: 'takeover-chat' })).body.runId as string;
    await fake.gates.reached('takeover');
    await page.goto(`${suite.server.url}/executions/${runId}`);
    await status().getByText('running').waitFor();
    await victim.stop('SIGKILL');
    fake.gates.open('takeover');
    await addWorker();
    // The view reads the run again by itself until it ends.
    await status().getByText('completed').waitFor({ timeout: 90_000 });
    await expect(page.locator('.run-facts').innerText()).resolves.toMatch(/Attempts\s+2 \(restarted by another worker\)/);
    await page.getByText('t1 t2 t3 t4 t5').waitFor();
    const run = await eventually(async () => (await suite.admin.get(`/api/v1/runs/${runId}`)).body as { attempt: number; status: string });
    expect(run).toMatchObject({ attempt: 2, status: 'completed' });
  });
});
