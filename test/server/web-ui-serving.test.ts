import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { PROJECT_ROOT } from '../support/processes.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** The built app on the server's port (`npm test` builds it first, as `npm ci` does). */
describe('serving the web UI', () => {
  let server: RunningServer;
  let api: ApiClient;
  const assets = fs.readdirSync(path.join(PROJECT_ROOT, 'dist/ui/assets'));

  beforeAll(async () => {
    server = await startServer(testEnv());
    api = new ApiClient(server.url);
  });
  afterAll(() => server?.close());

  it('serves index.html at / and on client routes, revalidated on every load', async () => {
    for (const route of ['/', '/chatflows', '/canvas/abc-123', '/credentials?x=1']) {
      const response = await api.get(route, HTML);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.text).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year, immutable; nothing is loaded from another origin', async () => {
    const index = (await api.get('/', HTML)).text;
    const scripts = [...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => u !== 'data:,');
    expect(scripts.length).toBeGreaterThan(0);
    for (const url of scripts) expect(url.startsWith('/assets/'), url).toBe(true);
    const js = assets.find((f) => f.endsWith('.js'))!;
    const response = await api.get(`/assets/${js}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const file of assets) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, 'dist/ui/assets', file), 'utf8');
      expect(text, file).not.toMatch(/https?:\/\/(fonts\.googleapis|cdn\.jsdelivr|unpkg)\./);
    }
  });

  it('keeps JSON 404s for unknown API paths, missing assets and non-GET requests', async () => {
    for (const route of ['/api/v1/nope', '/api/nope', '/api', '/admin/nope', '/metricsx']) {
      const response = await api.get(route, HTML);
      expect(response.status, route).toBe(404);
      expect(response.headers.get('content-type'), route).toContain('application/json');
    }
    expect((await api.get('/assets/missing-123.js', HTML)).status).toBe(404);
    expect((await api.get('/chatflows', { accept: 'application/json' })).status).toBe(404);
    expect((await api.post('/chatflows', {})).status).toBe(404);
  });

  it("serves flowise-embed's web.js from the installed package at /embed/web.js", async () => {
    const response = await api.get('/embed/web.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    const installed = fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/flowise-embed/dist/web.js'), 'utf8');
    expect(response.text).toBe(installed);
  });
});

describe('chatflow saves with If-Match', () => {
  let server: RunningServer;
  let admin: ApiClient;
  beforeAll(async () => {
    server = await startServer(testEnv());
    admin = new ApiClient(server.url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
  });
  afterAll(() => server?.close());

  it('answers 409 to a save based on a stale version, and saves on the current one', async () => {
    const created = await admin.post('/api/v1/chatflows', { name: 'f', flowData: '{"nodes":[],"edges":[]}' });
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.id as string;
    const first = await admin.put(`/api/v1/chatflows/${id}`, { name: 'tab A' }, { 'if-match': '"1"' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(first.headers.get('etag')).toBe('"2"');
    const stale = await admin.put(`/api/v1/chatflows/${id}`, { name: 'tab B' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed since version 1 \(now version 2\)/);
    expect((await admin.get(`/api/v1/chatflows/${id}`)).body.name).toBe('tab A');
    // Without If-Match (Flowise clients, "overwrite"), PUT merges as before.
    expect((await admin.put(`/api/v1/chatflows/${id}`, { name: 'tab B' })).body).toMatchObject({ name: 'tab B', version: 3 });
    expect((await admin.put(`/api/v1/chatflows/${id}`, { name: 'x' }, { 'if-match': 'yesterday' })).status).toBe(400);
    expect((await admin.put('/api/v1/chatflows/missing', { name: 'x' }, { 'if-match': '"1"' })).status).toBe(404);
  });
});
