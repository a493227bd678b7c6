import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { ApiClient } from '../support/api-client.js';
import { createFlow, eventually } from '../support/api-harness.js';
import { exitOf } from '../support/child-process.js';
import { freePort } from '../support/free-port.js';
import { spawnCli } from '../support/processes.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { TEST_ADMIN_KEY, TEST_BASIC_PASSWORD, TEST_BASIC_USER, startServer } from '../support/test-server.js';

const basic = `Basic ${Buffer.from(`${TEST_BASIC_USER}:${TEST_BASIC_PASSWORD}`).toString('base64')}`;

/** queue-mode.md 10 and 11: the dashboard is admin-only; health and metrics mean something. */
describe('queue dashboard, health and metrics', () => {
  let h: QueueHarness;
  beforeAll(async () => {
    h = await startQueueHarness({}, { workers: 1 });
  });
  afterAll(async () => h?.close());

  it('serves /admin/queues to admins only, on every sub-path', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    const done = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'show me' });
    const apiKey = (await h.admin.post('/api/v1/apikey', { keyName: 'not admin' })).body.apiKey as string;

    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/js/main.js', '/admin/queues/anything/else']) {
      const attempts: Array<Record<string, string>> = [{}, { authorization: `Bearer ${apiKey}` }, { authorization: 'Bearer wrong' }, { authorization: 'Basic YWRtaW46bm9wZQ==' }];
      for (const headers of attempts) {
        const response = await h.anon.get(path, headers);
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
    }
    const page = await h.anon.get('/admin/queues', { authorization: basic });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await h.admin.get('/admin/queues')).status).toBe(200);

    const api = await h.admin.get(`/admin/queues/api/queues?activeQueue=${h.env.QUEUE_NAME}&status=completed&page=1`);
    expect(api.status).toBe(200);
    const queue = (api.body.queues as Array<{ name: string; jobs: Array<{ id: string; data: unknown; returnValue: unknown }> }>).find(
      (q) => q.name === h.env.QUEUE_NAME,
    )!;
    const job = queue.jobs.find((j) => j.id === done.body.runId)!;
    expect(job.data).toEqual({ v: 1, runId: done.body.runId });
    expect(job.returnValue).toEqual({ runId: done.body.runId, status: 'completed' });
  });

  it('lists the upsertion queue too, and serves its page without external fonts', async () => {
    const api = await h.admin.get('/admin/queues/api/queues');
    const names = (api.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(names).toEqual([h.env.QUEUE_NAME, `${h.env.QUEUE_NAME}-upsertion`].sort());
    const page = await h.admin.get('/admin/queues');
    expect(page.text).toContain('<div id="root">');
    expect(page.text).not.toMatch(/fonts\.googleapis|fonts\.gstatic|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('refuses state-changing dashboard requests by session cookie from another origin (another port of this host too)', async () => {
    const login = await h.anon.post('/api/v1/auth/login', { apiKey: TEST_ADMIN_KEY });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('aimicromind_session='))!.split(';')[0]!;
    const clean = `/admin/queues/api/queues/${h.env.QUEUE_NAME}-upsertion/clean/completed`;
    const self = new URL(h.url).origin;
    const otherPort = `http://127.0.0.1:${Number(new URL(h.url).port) + 1}`;
    const put = (headers: Record<string, string>) => h.anon.request('PUT', clean, { headers });

    const attempts: Array<Record<string, string>> = [{ cookie }, { cookie, origin: otherPort }, { cookie, origin: 'null' }, { cookie, referer: `${otherPort}/page` }];
    for (const headers of attempts) {
      const refused = await put(headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, success: false, code: 'FORBIDDEN' });
    }
    expect((await put({ cookie, origin: self })).status).toBe(200);
    expect((await put({ cookie, referer: `${self}/admin/queues/queue/x` })).status).toBe(200);
    // Reading needs no Origin (a browser's navigation sends none); credentials in a header are not sent by other sites.
    expect((await h.anon.get('/admin/queues/api/queues', { cookie })).status).toBe(200);
    expect((await h.anon.request('PUT', clean, { headers: { authorization: basic } })).status).toBe(200);
  });

  it('reports queue depth, run latency and active streams on the server /metrics', async () => {
    const metrics = await h.admin.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/aimicromind_queue_jobs\{[^}]*state="waiting"[^}]*\} \d+/);
    expect(metrics.text).toMatch(/aimicromind_queue_jobs\{[^}]*state="completed"[^}]*\} \d+/);
    expect(metrics.text).toMatch(/aimicromind_queue_jobs\{[^}]*role="server"[^}]*\}/);
    expect(metrics.text).toContain('aimicromind_active_streams');
    const ready = await h.anon.get('/readyz');
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });

  it('gives each worker /healthz, /readyz and /metrics on WORKER_PORT', async () => {
    const port = await freePort();
    const worker = await h.addWorker({ WORKER_PORT: String(port) });
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok', worker: 'ok' } });
    expect((await api.get('/metrics')).status).toBe(401);
    // Which worker takes a queued job is up to Redis and timing (one worker may take every job of a
    // sequence): the worker under test runs them alone, so its run metrics must show.
    await Promise.all(h.workers.filter((w) => w !== worker).map((w) => w.stop()));
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    for (let i = 0; i < 6; i += 1) expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: `m${i}` })).status).toBe(200);
    const metrics = await api.get('/metrics', { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('aimicromind_run_duration_seconds_bucket');
    expect(metrics.text).toContain('aimicromind_run_latency_seconds_bucket');
    expect(metrics.text).toContain('aimicromind_run_retries_total');
    expect(metrics.text).toContain('role="worker"');
    await worker.stop();
  });

  it("listens on HOST only, like the server (127.0.0.2: another loopback address)", async () => {
    const port = await freePort();
    const worker = await h.addWorker({ HOST: '127.0.0.2', WORKER_PORT: String(port) });
    expect((await new ApiClient(`http://127.0.0.2:${port}`).get('/healthz')).body).toEqual({ status: 'ok' });
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(worker.output()).toMatch(/"host":"127\.0\.0\.2".*worker health server listening/);
    await worker.stop();
  });

  it('warns and keeps consuming when WORKER_PORT is busy; workers never bind PORT', async () => {
    const busy = Number(new URL(h.url).port);
    const worker = await h.addWorker({ WORKER_PORT: String(busy), PORT: String(busy) });
    await worker.waitFor(/WORKER_PORT is not available/);
    const others = h.workers.filter((w) => w !== worker);
    await Promise.all(others.map((w) => w.stop()));
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'busy port' })).body.text).toBe('t1 t2');
  });

  it('a worker started in main mode refuses with a clear message', async () => {
    const worker = spawnCli('worker', { ...h.env, MODE: 'main' });
    expect(await exitOf(worker.child)).toBe(1);
    expect(worker.output()).toContain('needs MODE=queue');
  });

  it('mounts no dashboard when ENABLE_BULLMQ_DASHBOARD=false', async () => {
    const server = await startServer({ ...h.env, ENABLE_BULLMQ_DASHBOARD: 'false', PORT: '0' });
    try {
      const response = await new ApiClient(server.url).get('/admin/queues', { authorization: `Bearer ${TEST_ADMIN_KEY}` });
      expect(response.status).toBe(404);
      await eventually(async () => (await new ApiClient(server.url).get('/readyz')).status === 200);
    } finally {
      await server.close();
    }
  });
});
