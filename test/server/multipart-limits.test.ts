import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

const BOUNDARY = 'aimicromind-test-boundary';

function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * POSTs a multipart body, with its Content-Length, or `chunked` (no length: the server can only count
 * what arrives).
 */
function postMultipart(url: string, parts: Part[], chunked = false): Promise<{ status: number; body: any }> {
  const body = multipart(parts);
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length }),
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    // In 16 KiB pieces, so a chunked body really arrives in chunks.
    for (let offset = 0; offset < body.length; offset += 16 * 1024) request.write(body.subarray(offset, offset + 16 * 1024));
    request.end();
  });
}

const file = (name: string, kib: number): Part => ({ name: 'files', value: Buffer.alloc(kib * 1024, 'f'), filename: name });

describe('multipart predictions obey BODY_LIMIT as a whole', () => {
  let h: ApiHarness;
  let url: string;
  beforeAll(async () => {
    h = await startMainHarness({ BODY_LIMIT: '64kb' });
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'echo', basepath: h.fake.url, credential }));
    url = `${h.url}/api/v1/prediction/${id}`;
  });
  afterAll(async () => h?.close());

  const expectTooLarge = (response: { status: number; body: any }, mentions = 'BODY_LIMIT') => {
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, success: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(response.body.message).toContain(mentions);
  };

  it('answers a form within the limit', async () => {
    // (A file would need a chatflow that takes uploads; the limits below are checked before that.)
    const question = `small form ${'q'.repeat(10 * 1024)}`;
    const response = await postMultipart(url, [{ name: 'question', value: question }, { name: 'chatId', value: 'form-1' }]);
    expect(response.status).toBe(200);
    expect(response.body.text).toBe(`You said: Answer this: ${question}`);
  });

  it('refuses five 50 KB files against 64 KB, with or without a Content-Length', async () => {
    const parts = [{ name: 'question', value: 'five files' }, ...[1, 2, 3, 4, 5].map((i) => file(`f${i}.txt`, 50))];
    expectTooLarge(await postMultipart(url, parts));
    expectTooLarge(await postMultipart(url, parts, true));
  });

  it('refuses one file over the limit with 413 PAYLOAD_TOO_LARGE, not 400', async () => {
    expectTooLarge(await postMultipart(url, [{ name: 'question', value: 'big file' }, file('big.bin', 100)], true));
  });

  it('refuses a text field over the limit instead of cutting it', async () => {
    const response = await postMultipart(url, [{ name: 'question', value: 'q'.repeat(100 * 1024) }], true);
    expectTooLarge(response, 'question');
  });

  it('keeps serving after a refused form', async () => {
    expect((await h.anon.post(url.slice(h.url.length), { question: 'after' })).body.text).toBe('You said: Answer this: after');
  });
});

describe('multipart text fields are never cut short', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness({ BODY_LIMIT: '8mb' });
  });
  afterAll(async () => h?.close());

  it('passes a 2 MiB question to the model and stores it whole', async () => {
    const id = await createFlow(h, (credential) => llmChainFlow({ model: 'echo', basepath: h.fake.url, credential }));
    const question = 'x'.repeat(2 * 1024 * 1024);
    h.fake.reset();
    const response = await postMultipart(`${h.url}/api/v1/prediction/${id}`, [
      { name: 'question', value: question },
      { name: 'chatId', value: 'long-form' },
    ]);
    expect(response.status).toBe(200);
    const sent = h.fake.requests.at(-1)!.body.messages as Array<{ content: string }>;
    expect(sent.at(-1)!.content).toBe(`Answer this: ${question}`);
    const stored = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=long-form`);
    expect(stored.body[0].content).toHaveLength(question.length);
  });
});
