import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { type RunningServer, startServer, testEnv } from '../support/test-server.js';

/** With no admin credentials and no API key, management answers loopback only, and only on a loopback HOST. */
describe('management access with nothing configured', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const bare = (host: string) => testEnv({ HOST: host, AIMICROMIND_API_KEY: '', AIMICROMIND_USERNAME: '', AIMICROMIND_PASSWORD: '' });

  it('lets loopback callers in until the first API key exists', async () => {
    server = await startServer(bare('127.0.0.1'));
    const api = new ApiClient(server.url);
    expect((await api.get('/api/v1/chatflows')).status).toBe(200);
    const key = await api.post('/api/v1/apikey', { keyName: 'first' });
    expect(key.status).toBe(200);
    expect((await api.get('/api/v1/chatflows')).status).toBe(401);
    expect((await api.get('/api/v1/chatflows', { authorization: `Bearer ${key.body.apiKey}` })).status).toBe(200);
  });

  it('locks management entirely when HOST is not loopback', async () => {
    server = await startServer(bare('0.0.0.0'));
    const api = new ApiClient(server.url);
    expect((await api.get('/api/v1/chatflows')).status).toBe(401);
    expect((await api.get('/api/v1/ping')).status).toBe(200);
  });
});
