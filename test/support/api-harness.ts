import type { Repositories } from '../../src/storage/repositories.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { type FlowJson, stringify } from '../fixtures/chatflows.js';
import { ApiClient } from './api-client.js';
import { freePort } from './free-port.js';
import { scaled } from './machine.js';
import { type SpawnedProcess, spawnCli } from './processes.js';
import { TEST_ADMIN_KEY, startServer, testEnv } from './test-server.js';

/** A running aimicromind (in either mode) plus a fake LLM, as the shared API suites see it. */
export interface ApiHarness {
  mode: 'main' | 'queue';
  url: string;
  fake: FakeLlmServer;
  /** Client sending the admin key. */
  admin: ApiClient;
  /** Client sending nothing. */
  anon: ApiClient;
  repos: Repositories;
  env: Record<string, string>;
  close(): Promise<void>;
}

export type HarnessFactory = (env?: Record<string, string>) => Promise<ApiHarness>;

/**
 * Settings every API suite runs with: short heartbeats and grace so tests can observe them. A client
 * that reattaches must do so within the grace, so it grows with the machine's slowness.
 */
export const SUITE_ENV = {
  SSE_HEARTBEAT_INTERVAL: '300',
  STREAM_DETACH_GRACE: String(scaled(1500)),
};

export const startMainHarness: HarnessFactory = async (env = {}) => {
  const fake = new FakeLlmServer();
  await fake.start();
  const server = await startServer(testEnv({ ...SUITE_ENV, ...env }));
  return {
    mode: 'main',
    url: server.url,
    fake,
    admin: new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` }),
    anon: new ApiClient(server.url),
    repos: server.handle.core.repos,
    env: server.env,
    async close() {
      fake.gates.openAll();
      await server.close();
      await fake.stop();
    },
  };
};

/** Creates an openAIApi credential and a chatflow from `flow`; returns the chatflow id. */
export async function createFlow(h: ApiHarness, flow: (credentialId: string) => FlowJson, extra: Record<string, unknown> = {}): Promise<string> {
  const credential = await h.admin.post('/api/v1/credentials', {
    name: 'fake openai',
    credentialName: 'openAIApi',
    plainDataObj: { openAIApiKey: 'sk-fake-key' },
  });
  if (credential.status !== 200) throw new Error(`credential: ${credential.status} ${credential.text}`);
  const created = await h.admin.post('/api/v1/chatflows', { name: 'test flow', flowData: stringify(flow(credential.body.id)), ...extra });
  if (created.status !== 200) throw new Error(`chatflow: ${created.status} ${created.text}`);
  return created.body.id as string;
}

/**
 * Polls until `check` returns a value. `timeoutMs` only bounds a failure (the wait ends as soon as the
 * condition holds), so it is generous and grows with the machine's slowness.
 */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Main mode as a real process of the built CLI (for what only a process shows: signals, exit codes,
 * node flags). `repos` is not available across the process boundary.
 */
export async function spawnMainHarness(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ApiHarness & { server: SpawnedProcess }> {
  const fake = new FakeLlmServer();
  await fake.start();
  const port = await freePort();
  const server = spawnCli('start', testEnv({ PORT: String(port), LOG_LEVEL: 'info', ...env }), nodeArgs);
  await server.waitFor(/aimicromind server ready/);
  const url = `http://127.0.0.1:${port}`;
  return {
    mode: 'main',
    url,
    fake,
    server,
    admin: new ApiClient(url, { authorization: `Bearer ${TEST_ADMIN_KEY}` }),
    anon: new ApiClient(url),
    repos: undefined as never,
    env,
    async close() {
      await server.stop('SIGKILL');
      await fake.stop();
    },
  };
}
