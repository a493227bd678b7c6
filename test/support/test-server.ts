import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ServerHandle, composeServer } from '../../src/cli/compose-server.js';
import { loadConfig } from '../../src/config/load-config.js';
import { testLogger } from './test-logger.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
export const TEST_SECRET_KEY = 'test-secret-key';
export const TEST_BASIC_USER = 'admin';
export const TEST_BASIC_PASSWORD = 'test-basic-password';

/** Environment for a server under test: a temp SQLite dir, port 0, quiet logs, fast detach. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-test-'));
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: dir,
    SECRETKEY_PATH: dir,
    SECRET_KEY: TEST_SECRET_KEY,
    AIMICROMIND_API_KEY: TEST_ADMIN_KEY,
    AIMICROMIND_USERNAME: TEST_BASIC_USER,
    AIMICROMIND_PASSWORD: TEST_BASIC_PASSWORD,
    LOG_LEVEL: 'silent',
    LLM_MAX_RETRIES: '0',
    ...overrides,
  };
}

export interface RunningServer {
  url: string;
  handle: ServerHandle;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts a server in this process on a real port, composed exactly as `aimicromind start` does. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig({ env, ignoreDotEnv: true, cwd: env.DATABASE_PATH });
  const handle = await composeServer(config, testLogger);
  const url = await handle.listen();
  return { url, handle, env, close: () => handle.close() };
}
