import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri } from '../fixtures/documents.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { ApiClient } from '../support/api-client.js';
import { type ApiHarness, createFlow, eventually } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { freePort } from '../support/free-port.js';
import { scaled } from '../support/machine.js';
import { type SpawnedProcess, spawnCli } from '../support/processes.js';
import { TEST_ADMIN_KEY, testEnv } from '../support/test-server.js';
import { type Database, openDatabase } from '../../src/storage/database.js';
import { testLogger } from '../support/test-logger.js';

/**
 * Finding 7 (main mode): a server killed with SIGKILL mid-run cannot end its run or its upsert; the
 * server started after it does (the reconciler): the run ends `failed` with a reason once past
 * PREDICTION_TIMEOUT, its stream and abort say so, the running upsert fails once its heartbeat is stale,
 * and an upsert that was still waiting its turn runs.
 */
describe('main-mode server killed mid-run, then restarted', () => {
  const fake = new FakeLlmServer();
  let env: Record<string, string>;
  let api: ApiClient;
  let server: SpawnedProcess | undefined;
  let database: Database | undefined;

  const start = async () => {
    server = spawnCli('start', env);
    await server.waitFor(/aimicromind server ready/);
  };

  beforeAll(async () => {
    await fake.start();
    const port = await freePort();
    env = testEnv({
      PORT: String(port),
      LOG_LEVEL: 'info',
      // Long enough for the run to reach its gate on a slow machine; the test waits for it to pass.
      PREDICTION_TIMEOUT: String(scaled(6000)),
      RECONCILE_INTERVAL: String(scaled(300)),
      UPSERT_CONCURRENCY: '1',
    });
    api = new ApiClient(`http://127.0.0.1:${port}`, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    await start();
  });
  afterAll(async () => {
    fake.gates.openAll();
    await server?.stop('SIGKILL');
    await database?.close();
    await fake.stop();
  });

  it('ends the run failed with a reason, fails the running upsert and runs the waiting one', async () => {
    const h = { admin: api } as ApiHarness;
    const chatflow = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;gate=killed-run', basepath: fake.url, credential }));
    const ragOptions = { model: 'fake', basepath: fake.url, embeddingsBasepath: fake.url, txtFile: dataUri('zoo.txt', 'text/plain', 'The zoo feeds its penguins herring at noon.') };
    const held = await createFlow(h, (credential) => ragFlow({ ...ragOptions, credential, embeddingsModel: 'fake-embed;gate=killed-upsert' }));
    const free = await createFlow(h, (credential) => ragFlow({ ...ragOptions, credential }));

    const run = await api.post('/api/v1/runs', { chatflowId: chatflow, question: 'never answered' });
    expect(run.status).toBe(202);
    const runId = run.body.runId as string;
    const running = await api.post(`/api/v1/vector/upsert/${held}?async=true`, {});
    expect(running.status).toBe(202);
    // UPSERT_CONCURRENCY=1: this one waits behind the held upsert.
    const waiting = await api.post(`/api/v1/vector/upsert/${free}?async=true`, {});
    expect(waiting.status).toBe(202);
    await Promise.all([fake.gates.reached('killed-run'), fake.gates.reached('killed-upsert')]);

    // The executor writes its heartbeat while the upsert runs (what tells a dead process from a slow one).
    database = await openDatabase({ type: 'sqlite', directory: env.DATABASE_PATH!, file: path.join(env.DATABASE_PATH!, 'database.sqlite') }, testLogger);
    const db = database.db;
    await eventually(
      async () => {
        const row = await db.selectFrom('upsert_job').select(['startedDate', 'heartbeatDate']).where('id', '=', running.body.id).executeTakeFirst();
        // The claim writes both at once; a later heartbeat is the executor's own (every 100 ms or more).
        return row?.heartbeatDate && row.startedDate && Date.parse(row.heartbeatDate) >= Date.parse(row.startedDate) + 50 ? true : undefined;
      },
      20000,
      'a heartbeat after the claim',
    );

    server!.child.kill('SIGKILL');
    await exitOf(server!.child);
    expect((await db.selectFrom('run').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status).toBe('running');
    await start();

    // A reader of the run on the new server gets its end as soon as the reconciler ended it.
    const stream = await api.openStream('GET', `/api/v1/runs/${runId}/events`);
    const events = await stream.untilEnd();
    expect(events.map((e) => e.event)).toEqual(['error', 'end']);
    expect(events[0]!.data).toMatch(/the process running it stopped/);

    const view = (await api.get(`/api/v1/runs/${runId}`)).body;
    expect(view).toMatchObject({ status: 'failed', error: expect.stringMatching(/The run did not finish: the process running it stopped/) });
    expect(view.finishedDate).toEqual(expect.any(String));
    // Nothing runs it any more: an abort answers that it has already ended.
    const abort = await api.post(`/api/v1/runs/${runId}/abort`);
    expect(abort.status).toBe(200);
    expect(abort.body).toEqual({ runId, aborted: false });

    const failed = await eventually(
      async () => {
        const job = (await api.get(`/api/v1/vector/upsert-jobs/${running.body.id}`)).body;
        return job.status === 'failed' ? job : undefined;
      },
      30000,
      'the interrupted upsert to fail',
    );
    expect(failed).toMatchObject({ error: expect.stringMatching(/The upsert did not finish: the process running it stopped/), code: 'INTERNAL' });
    const completed = await eventually(
      async () => {
        const job = (await api.get(`/api/v1/vector/upsert-jobs/${waiting.body.id}`)).body;
        if (job.status === 'failed') throw new Error(`the waiting upsert failed: ${job.error}`);
        return job.status === 'completed' ? job : undefined;
      },
      30000,
      'the waiting upsert to run on the new server',
    );
    expect(completed.result).toEqual({ numAdded: 1, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
    expect(server!.output()).toMatch(/reconciled interrupted work/);
  });
});
