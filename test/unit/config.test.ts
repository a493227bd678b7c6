import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aim-config-'));

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ env: {}, ignoreDotEnv: true, cwd: tmp() });
    expect(config).toMatchObject({
      mode: 'main',
      logLevel: 'info',
      server: { port: 3000, host: '0.0.0.0', bodyLimitBytes: 50 * 1024 * 1024, numberOfProxies: 0 },
      database: { type: 'sqlite', directory: path.join(os.homedir(), '.aimicromind'), file: path.join(os.homedir(), '.aimicromind', 'database.sqlite') },
      secrets: { keyDirectory: path.join(os.homedir(), '.aimicromind') },
      runs: { predictionTimeoutMs: 300000, streamDetachGraceMs: 30000, eventsTtlSeconds: 3600 },
      queue: {
        name: 'aimicromind-queue',
        eventStreamMaxLen: 10000,
        workerConcurrency: 10000,
        tokenBatchMs: 5,
        removeOnAgeSeconds: 86400,
        removeOnCount: 10000,
        dashboard: true,
        gracefulShutdownTimeoutMs: 60000,
        lockDurationMs: 30000,
        stalledIntervalMs: 30000,
        maxStalledCount: 1,
        workerPort: 5566,
      },
      redis: { host: 'localhost', port: 6379, tls: false, keepAliveMs: 10000 },
      reconcileIntervalMs: 30000,
      chatflowVersionsMax: 50,
    });
  });

  it('reads .env, lets the real environment win, and treats empty values as unset', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=4000\nMODE=queue\nQUEUE_NAME=from-file\nREDIS_PASSWORD=\n');
    const config = loadConfig({ env: { PORT: '5000', REDIS_HOST: '' }, cwd: dir });
    expect(config.server.port).toBe(5000);
    expect(config.mode).toBe('queue');
    expect(config.queue.name).toBe('from-file');
    expect(config.redis.password).toBeUndefined();
    expect(config.redis.host).toBe('localhost');
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        env: {
          PORT: 'eighty',
          MODE: 'turbo',
          BODY_LIMIT: 'huge',
          DATABASE_TYPE: 'mysql',
          REDIS_TLS: 'maybe',
          REDIS_URL: 'http://x',
          WORKER_CONCURRENCY: '0',
          WORKER_TOKEN_BATCH_MS: '500',
          AIMICROMIND_USERNAME: 'admin',
          NUMBER_OF_PROXIES: '-1',
          RECONCILE_INTERVAL: '50',
        },
        ignoreDotEnv: true,
        cwd: tmp(),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'MODE', 'BODY_LIMIT', 'DATABASE_TYPE', 'REDIS_TLS', 'REDIS_URL', 'WORKER_CONCURRENCY', 'WORKER_TOKEN_BATCH_MS', 'AIMICROMIND_PASSWORD', 'NUMBER_OF_PROXIES', 'RECONCILE_INTERVAL']) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(10);
  });

  it('parses sizes, directories and PostgreSQL settings', () => {
    const dir = tmp();
    const config = loadConfig({
      env: { BODY_LIMIT: '512kb', DATABASE_PATH: 'data', DATABASE_TYPE: 'postgres', DATABASE_URL: 'postgres://u@h/db', DATABASE_SSL: 'true' },
      ignoreDotEnv: true,
      cwd: dir,
    });
    expect(config.server.bodyLimitBytes).toBe(512 * 1024);
    expect(config.database).toMatchObject({ type: 'postgres', url: 'postgres://u@h/db', ssl: true });
    expect(loadConfig({ env: { BODY_LIMIT: '1048576' }, ignoreDotEnv: true, cwd: dir }).server.bodyLimitBytes).toBe(1048576);
    expect(loadConfig({ env: { DATABASE_PATH: 'data' }, ignoreDotEnv: true, cwd: dir }).database).toMatchObject({ directory: path.join(dir, 'data') });
  });

  it('reads Redis TLS material from a file or from base64 PEM', () => {
    const dir = tmp();
    const pem = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
    fs.writeFileSync(path.join(dir, 'ca.pem'), pem);
    const config = loadConfig({
      env: { REDIS_CA: 'ca.pem', REDIS_CERT: Buffer.from(pem).toString('base64') },
      ignoreDotEnv: true,
      cwd: dir,
    });
    expect(config.redis.ca).toBe(pem);
    expect(config.redis.cert).toBe(pem);
    expect(() => loadConfig({ env: { REDIS_KEY: 'not-a-file-nor-pem' }, ignoreDotEnv: true, cwd: dir })).toThrow(/REDIS_KEY/);
  });

  it('reads the search and moderation API hosts, defaulting to the public ones, and refuses non-URLs', () => {
    const defaults = loadConfig({ env: {}, ignoreDotEnv: true, cwd: tmp() });
    expect(defaults.endpoints).toEqual({
      serpApi: 'https://serpapi.com',
      serper: 'https://google.serper.dev',
      googleCustomSearch: 'https://www.googleapis.com/customsearch/v1',
      openAIModeration: 'https://api.openai.com/v1',
    });
    const set = loadConfig({ env: { SERPAPI_BASE_URL: 'http://127.0.0.1:9000/', OPENAI_MODERATION_BASE_URL: 'http://127.0.0.1:9001/v1' }, ignoreDotEnv: true, cwd: tmp() });
    expect(set.endpoints).toMatchObject({ serpApi: 'http://127.0.0.1:9000', openAIModeration: 'http://127.0.0.1:9001/v1' });
    expect(() => loadConfig({ env: { SERPER_BASE_URL: 'google.serper.dev' }, ignoreDotEnv: true, cwd: tmp() })).toThrow(
      /SERPER_BASE_URL: must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});
