import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { createFlow } from '../support/api-harness.js';
import { type QueueHarness, startQueueHarness } from '../support/queue-harness.js';
import { RedisServer } from '../support/redis-server.js';
import { streamedText } from '../support/sse.js';
import { type TestCertificates, makeTestCertificates } from '../support/test-certificates.js';

/**
 * REDIS_TLS with REDIS_CA / REDIS_CERT / REDIS_KEY against a TLS-only redis-server that requires client
 * certificates: the CA given as a file path, the client certificate and key as base64 PEM.
 */
describe('Redis over TLS', () => {
  let certs: TestCertificates;
  let redis: RedisServer;
  let h: QueueHarness;
  beforeAll(async () => {
    certs = makeTestCertificates();
    redis = await RedisServer.start({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } });
    const base64 = (file: string) => fs.readFileSync(file).toString('base64');
    h = await startQueueHarness(
      {
        REDIS_URL: '',
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        REDIS_TLS: 'true',
        REDIS_CA: certs.ca,
        REDIS_CERT: base64(certs.clientCert),
        REDIS_KEY: base64(certs.clientKey),
      },
      { workers: 1 },
    );
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
    if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
  });

  it('runs JSON and streaming predictions through a TLS-only Redis', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=4', basepath: h.fake.url, credential }));
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'tls' })).body.text).toBe('t1 t2 t3 t4');
    const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'tls', streaming: true });
    expect(streamedText(stream.events)).toBe('t1 t2 t3 t4');
    expect((await h.anon.get('/readyz')).body.checks.redis).toBe('ok');
  });
});
