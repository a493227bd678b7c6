import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { PROJECT_ROOT } from '../support/processes.js';
import { TEST_ADMIN_KEY, type RunningServer, startServer, testEnv } from '../support/test-server.js';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A GET with node:http, which (unlike fetch) neither asks for nor undoes compression: the bytes as sent. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

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
    const scripts = [...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:')); // inline (the favicon): no origin at all
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

  it('sends the app\'s scripts and styles and the embed script brotli- or gzip-compressed to clients that accept it', async () => {
    const files = [...assets.filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`), 'embed/web.js'];
    for (const file of files) {
      const original = fs.readFileSync(path.join(PROJECT_ROOT, 'dist/ui', file));
      const br = await rawGet(`${server.url}/${file}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding'], file).toBe('br');
      expect(br.headers.vary, file).toMatch(/accept-encoding/i);
      expect(br.headers['content-type'], file).toMatch(/javascript|css/);
      expect(zlib.brotliDecompressSync(br.body).equals(original), file).toBe(true);
      const gzip = await rawGet(`${server.url}/${file}`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding'], file).toBe('gzip');
      expect(zlib.gunzipSync(gzip.body).equals(original), file).toBe(true);
      const plain = await rawGet(`${server.url}/${file}`);
      expect(plain.headers['content-encoding'], file).toBeUndefined();
      expect(plain.body.equals(original), file).toBe(true);
    }
  });

  it('lets browsers cache /embed/web.js and revalidate it (ETag, Last-Modified, 304)', async () => {
    const first = await rawGet(`${server.url}/embed/web.js`, { 'accept-encoding': 'br' });
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['last-modified']).toBeTruthy();
    const again = await rawGet(`${server.url}/embed/web.js`, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const since = await rawGet(`${server.url}/embed/web.js`, { 'accept-encoding': 'br', 'if-modified-since': first.headers['last-modified']! });
    expect(since.status).toBe(304);
  });

  it('never compresses the API', async () => {
    const encodings = { 'accept-encoding': 'gzip, deflate, br' };
    for (const route of ['/api/v1/ping', '/api/v1/version', '/api/v1/nodes', '/healthz']) {
      const response = await rawGet(`${server.url}${route}`, { ...encodings, authorization: `Bearer ${TEST_ADMIN_KEY}` });
      expect(response.status, route).toBe(200);
      expect(response.headers['content-encoding'], route).toBeUndefined();
    }
  });

  it('gives the app page a same-origin Content-Security-Policy, nosniff, no framing by others and a same-origin referrer', async () => {
    for (const route of ['/', '/chatflows', '/canvas/abc']) {
      const page = await rawGet(`${server.url}${route}`, { ...HTML, 'accept-encoding': 'gzip, br' });
      expect(page.status, route).toBe(200);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      const csp = page.headers['content-security-policy']!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      // Nothing from another origin is allowed anywhere.
      expect(csp).not.toMatch(/https?:|\*/);
    }
    const script = await rawGet(`${server.url}/assets/${assets.find((f) => f.endsWith('.js'))}`);
    expect(script.headers['x-content-type-options']).toBe('nosniff');
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
    expect(stale.body.message).toMatch(/changed since revision 1 \(now revision 2;/);
    expect((await admin.get(`/api/v1/chatflows/${id}`)).body.name).toBe('tab A');
    // Without If-Match (Flowise clients, "overwrite"), PUT merges as before.
    expect((await admin.put(`/api/v1/chatflows/${id}`, { name: 'tab B' })).body).toMatchObject({ name: 'tab B', version: 3 });
    expect((await admin.put(`/api/v1/chatflows/${id}`, { name: 'x' }, { 'if-match': 'yesterday' })).status).toBe(400);
    expect((await admin.put('/api/v1/chatflows/missing', { name: 'x' }, { 'if-match': '"1"' })).status).toBe(404);
  });
});
