import net from 'node:net';
import { errorCodes } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapFastifyError } from '../../src/server/plugins/fastify-errors.js';
import { llmChainFlow, stringify } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';

/** Sends raw bytes and reads until the server closes the connection. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: any } {
  const [head, body] = answer.split('\r\n\r\n', 2) as [string, string];
  return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) };
}

/** Fastify's and its plugins' own refusals (FST_* codes, the router, Node's HTTP parser) come in our error shape. */
describe('Fastify errors in the one error shape', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness();
  });
  afterAll(async () => h?.close());

  function expectShape(response: { status: number; body: any }, status: number, code: string, mentions: string[] = []) {
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ statusCode: status, success: false, code, message: expect.any(String) });
    for (const word of mentions) expect(response.body.message).toContain(word);
  }

  it('maps every error code Fastify exports to our shape, keeping 4xx statuses and never leaking an FST_ code', () => {
    const codes = Object.entries(errorCodes);
    expect(codes.length).toBeGreaterThan(50);
    for (const [name, ErrorType] of codes) {
      const error = new (ErrorType as new (...args: string[]) => Error & { statusCode?: number })('a', 'b', 'c');
      const mapped = mapFastifyError(error);
      expect(mapped, name).toBeDefined();
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) expect(mapped!.status, name).toBe(status);
      else expect(mapped, name).toEqual({ status: 500, code: 'INTERNAL', message: 'Internal server error' });
      expect(mapped!.code, name).not.toMatch(/^FST_/);
      expect(mapped!.message, name).not.toMatch(/FST_/);
    }
  });

  it('answers a URL parameter over 500 characters with 414 URI_TOO_LONG, and serves chatflow ids up to 200', async () => {
    expectShape(await h.admin.get(`/api/v1/chatflows/${'x'.repeat(5000)}`), 414, 'URI_TOO_LONG', ['500 characters']);
    expectShape(await h.anon.post(`/api/v1/prediction/${'x'.repeat(501)}`, { question: 'q' }), 414, 'URI_TOO_LONG');
    const longId = 'l'.repeat(200);
    const credential = await h.admin.post('/api/v1/credentials', { name: 'c', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk' } });
    const flowData = stringify(llmChainFlow({ model: 'fake;tokens=1', basepath: h.fake.url, credential: credential.body.id }));
    expect((await h.admin.post('/api/v1/chatflows', { id: longId, name: 'long id', flowData })).status).toBe(200);
    expect((await h.admin.get(`/api/v1/chatflows/${longId}`)).body.id).toBe(longId);
    expect((await h.anon.post(`/api/v1/prediction/${longId}`, { question: 'q' })).status).toBe(200);
  });

  it('answers a malformed percent-encoding in the path with 400 BAD_REQUEST naming it', async () => {
    expectShape(await h.admin.get('/api/v1/chatflows/%E0%A4%A'), 400, 'BAD_REQUEST', ['/api/v1/chatflows/%E0%A4%A', '%']);
  });

  it('names the Content-Type it does not accept', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=1', basepath: h.fake.url, credential }));
    const response = await h.anon.request('POST', `/api/v1/prediction/${id}`, { rawBody: '<q/>', headers: { 'content-type': 'text/xml' } });
    expectShape(response, 415, 'UNSUPPORTED_MEDIA_TYPE', ['"text/xml"', 'application/json']);
  });

  it('refuses form fields named like object properties in our shape (multipart)', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=1', basepath: h.fake.url, credential }));
    const form = new FormData();
    form.append('question', 'q');
    form.append('constructor', 'x');
    const response = await fetch(`${h.url}/api/v1/prediction/${id}`, { method: 'POST', body: form });
    expectShape({ status: response.status, body: await response.json() }, 400, 'BAD_REQUEST', ['__proto__, constructor']);
    expect(await h.repos.runs.countForChatflow(id)).toBe(0);
  });

  it("answers what Node's HTTP parser refuses (malformed request, headers too large) in our shape", async () => {
    const malformed = parseRaw(await rawExchange(h.url, 'NOT HTTP AT ALL\r\n\r\n'));
    expectShape(malformed, 400, 'BAD_REQUEST', ['HTTP']);
    expect(malformed.headers).toMatch(/content-type: application\/json/i);
    const huge = parseRaw(await rawExchange(h.url, `GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`));
    expectShape(huge, 431, 'HEADERS_TOO_LARGE', ['headers']);
    // The server goes on serving.
    expect((await h.anon.get('/api/v1/ping')).status).toBe(200);
  });
});
