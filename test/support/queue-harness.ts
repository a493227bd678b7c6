import { inject } from 'vitest';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { ApiClient } from './api-client.js';
import { type ApiHarness, type HarnessFactory, SUITE_ENV } from './api-harness.js';
import { freePort } from './free-port.js';
import { scaled } from './machine.js';
import { type SpawnedProcess, spawnCli } from './processes.js';
import { createTestDatabase } from './test-postgres.js';
import { TEST_ADMIN_KEY, startServer, testEnv } from './test-server.js';

/**
 * Lock and stall times short enough for takeover tests to run in seconds (only those tests use them:
 * a worker must renew its lock within the duration, so everywhere else BullMQ's defaults keep a busy
 * worker on a loaded machine from losing its runs). They grow with the machine's slowness.
 */
export function fastTakeoverEnv(): Record<string, string> {
  return { WORKER_LOCK_DURATION: String(scaled(2000)), WORKER_STALLED_INTERVAL: String(scaled(1000)) };
}

export interface QueueHarness extends ApiHarness {
  workers: SpawnedProcess[];
  /** Starts one more worker process with the harness environment (plus `extra`). */
  addWorker(extra?: Record<string, string>): Promise<SpawnedProcess>;
}

/**
 * Queue mode as users run it: one server (in this process, on a real port) and worker processes
 * (the built CLI), sharing a database and a real redis-server. Each harness gets its own queue name.
 */
export async function startQueueHarness(
  env: Record<string, string> = {},
  options: { workers?: number; database?: 'sqlite' | 'postgres' } = {},
): Promise<QueueHarness> {
  const fake = new FakeLlmServer();
  await fake.start();
  const database: Record<string, string> =
    options.database === 'postgres' ? { DATABASE_TYPE: 'postgres', DATABASE_URL: await createTestDatabase('q') } : {};
  const base = testEnv({
    ...SUITE_ENV,
    MODE: 'queue',
    REDIS_URL: inject('redisUrl'),
    QUEUE_NAME: `q-${Math.random().toString(36).slice(2, 10)}`,
    GRACEFUL_SHUTDOWN_TIMEOUT: String(scaled(5000)),
    ...database,
    ...env,
  });
  const server = await startServer(base);
  const workers: SpawnedProcess[] = [];
  const addWorker = async (extra: Record<string, string> = {}) => {
    const worker = spawnCli('worker', { ...base, WORKER_PORT: String(await freePort()), LOG_LEVEL: 'info', ...extra });
    workers.push(worker);
    await worker.waitFor(/aimicromind worker ready/, 60000);
    return worker;
  };
  await Promise.all(Array.from({ length: options.workers ?? 2 }, () => addWorker()));
  return {
    mode: 'queue',
    url: server.url,
    fake,
    admin: new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` }),
    anon: new ApiClient(server.url),
    repos: server.handle.core.repos,
    env: base,
    workers,
    addWorker,
    async close() {
      fake.gates.openAll();
      await Promise.all(workers.map((w) => w.stop()));
      await server.close();
      await fake.stop();
    },
  };
}

/** One more server replica of a harness: the built CLI with the harness environment, on a free port. */
export async function startReplica(h: QueueHarness, headers: Record<string, string> = {}): Promise<{ process: SpawnedProcess; api: ApiClient }> {
  const port = await freePort();
  const process = spawnCli('start', { ...h.env, PORT: String(port), LOG_LEVEL: 'info' });
  await process.waitFor(/aimicromind server ready/);
  return { process, api: new ApiClient(`http://127.0.0.1:${port}`, headers) };
}

export const queueHarness: HarnessFactory = (env) => startQueueHarness(env);
export const queueHarnessOnPostgres: HarnessFactory = (env) => startQueueHarness(env, { database: 'postgres' });
