import { spawn } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUnreadBodyDrain } from '../../src/server/plugins/unread-body.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import { PROJECT_ROOT } from '../support/processes.js';

interface RawAnswer {
  status?: number;
  body?: string;
  /** The request failed (broken pipe, reset) before an answer was read. */
  error?: string;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * POSTs a JSON body of `mebibytes` with Node's http.request, writing all of it without waiting for
 * 100 Continue (as most scripts do). With `stallAfter`, it writes that many bytes and then neither
 * sends more nor ends the request.
 */
function postWithNode(url: string, mebibytes: number, stallAfter?: number): Promise<RawAnswer> {
  const size = mebibytes * 1024 * 1024;
  const prefix = Buffer.from('{"question":"');
  const suffix = Buffer.from('"}');
  return new Promise((resolve) => {
    const answer: RawAnswer = { closed: false };
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': prefix.length + size + suffix.length },
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        answer.status = response.statusCode;
        answer.body = text;
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      answer.error = error.code ?? error.message;
    });
    request.on('close', () => {
      answer.closed = true;
      resolve(answer);
    });
    if (stallAfter !== undefined) {
      request.write(Buffer.alloc(stallAfter, 'a'));
      return;
    }
    request.write(prefix);
    // In 1 MiB pieces, as a client streaming a file would.
    const piece = Buffer.alloc(1024 * 1024, 'a');
    let written = 0;
    const writeMore = () => {
      while (written < size) {
        written += piece.length;
        if (!request.write(piece)) return void request.once('drain', writeMore);
      }
      request.end(suffix);
    };
    writeMore();
  });
}

/** The same with Python's http.client (test/fixtures/clients/post_json.py). */
function postWithPython(url: string, mebibytes: number): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(PROJECT_ROOT, 'test/fixtures/clients/post_json.py'), url, String(mebibytes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`python3 exited with ${code}: ${err}`));
      resolve(JSON.parse(out) as { status?: number; body?: string; error?: string });
    });
  });
}

describe('a body over BODY_LIMIT from a client that does not wait for 100 Continue', () => {
  let h: ApiHarness;
  let id: string;
  beforeAll(async () => {
    h = await startMainHarness({ BODY_LIMIT: '50mb' });
    id = await createFlow(h, (credential) => llmChainFlow({ model: 'fake;tokens=2', basepath: h.fake.url, credential }));
  });
  afterAll(async () => h?.close());

  it('gets 413 PAYLOAD_TOO_LARGE with Node http.request (60 MB), and the server goes on serving', async () => {
    const answer = await postWithNode(`${h.url}/api/v1/prediction/${id}`, 60);
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body!)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await h.repos.runs.countForChatflow(id)).toBe(0);
    expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'small' })).body.text).toBe('t1 t2');
  });

  it('gets 413 PAYLOAD_TOO_LARGE with Python http.client (60 MB)', async () => {
    const answer = await postWithPython(`${h.url}/api/v1/prediction/${id}`, 60);
    expect(answer.error).toBeUndefined();
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body!)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

interface RawExchange {
  /** What the server sent. */
  response: string;
  /** Bytes of the body this client managed to write before the server hung up or it stopped. */
  written: number;
  /** How the connection ended: the server's FIN ('end'), or an error code (a reset). */
  ending: string;
  /** Milliseconds from the first byte of the answer to the end of the connection. */
  lingeredMs: number;
}

/**
 * A POST over a bare socket, to see exactly what the server does: it announces `contentLength` body
 * bytes and writes `send` of them (1 MiB at a time, as fast as the server reads), then waits until the
 * server ends the connection. With `thenSmallPost`, a small valid POST follows on the same connection
 * (with `Connection: close`, so the server ends the connection after answering it).
 */
function rawPost(port: number, contentLength: number, send: number, thenSmallPost = false, connection = 'keep-alive'): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const exchange: RawExchange = { response: '', written: 0, ending: '', lingeredMs: 0 };
    let answeredAt = 0;
    const finish = (ending: string) => {
      if (exchange.ending) return;
      exchange.ending = ending;
      exchange.lingeredMs = answeredAt ? performance.now() - answeredAt : 0;
      socket.destroy();
      resolve(exchange);
    };
    socket.on('data', (chunk: Buffer) => {
      if (!answeredAt) answeredAt = performance.now();
      exchange.response += chunk.toString('latin1');
    });
    socket.on('end', () => finish('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish('close'));
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: ${connection}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`,
    );
    const piece = Buffer.alloc(1024 * 1024, 'a');
    const writeMore = () => {
      while (exchange.written < send && !exchange.ending) {
        const size = Math.min(piece.length, send - exchange.written);
        exchange.written += size;
        if (!socket.write(piece.subarray(0, size))) return void socket.once('drain', writeMore);
      }
      if (thenSmallPost && !exchange.ending) {
        socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      }
    };
    writeMore();
  });
}

describe('reading the rest of a refused body is bounded', () => {
  const limits = { maxBytes: 4 * 1024 * 1024, deadlineMs: 300 };
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = Fastify({ bodyLimit: 1024 });
    registerUnreadBodyDrain(app, limits);
    app.post('/', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => app?.close());

  it('reads and discards a rest within the bound, answers 413, and keeps the connection usable', async () => {
    const size = 2 * 1024 * 1024;
    const exchange = await rawPost(port, size, size, true);
    const [refused, next] = exchange.response.split(/(?=HTTP\/1\.1 )/);
    expect(refused).toMatch(/^HTTP\/1\.1 413 /);
    expect(refused).not.toMatch(/connection: close/i);
    expect(exchange.written).toBe(size);
    // The next request on the same connection is answered.
    expect(next).toMatch(/^HTTP\/1\.1 200 OK[^]*\{"ok":true\}$/);
  });

  it('closes the connection after the body when the client asked for it', async () => {
    const size = 2 * 1024 * 1024;
    const exchange = await rawPost(port, size, size, false, 'close');
    expect(exchange.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.written).toBe(size);
    expect(exchange.ending).toBe('end');
  });

  it('hangs up once the rest goes past the bound', async () => {
    const size = 256 * 1024 * 1024;
    const exchange = await rawPost(port, size, size);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 413 /);
    // Cut well before the whole body (what is in flight in socket buffers comes on top of the bound).
    expect(exchange.written).toBeLessThan(size / 2);
    expect(exchange.written).toBeGreaterThan(limits.maxBytes);
  });

  it('hangs up at the deadline when the client stops sending', async () => {
    // 64 KiB of a 1 MiB body, then nothing: the answer comes, the server waits its deadline, then hangs up.
    const exchange = await rawPost(port, 1024 * 1024, 64 * 1024);
    expect(exchange.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.ending).not.toBe('');
    // Not at once: it gave the client the deadline (timers may round by a millisecond).
    expect(exchange.lingeredMs).toBeGreaterThanOrEqual(limits.deadlineMs - 5);
  });
});
