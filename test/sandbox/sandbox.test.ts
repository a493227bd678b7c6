import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxConfig, SandboxError, type SandboxTask } from '../../src/sandbox/code-sandbox.js';
import { SandboxPool } from '../../src/sandbox/sandbox-pool.js';
import type { OutboundPolicyConfig } from '../../src/security/outbound-policy.js';
import { HttpTarget } from '../support/http-target.js';
import { scaled } from '../support/machine.js';
import { rejectionOf } from '../support/rejection.js';

const target = new HttpTarget();
const LIMITS: SandboxConfig = { timeoutMs: 20000, memoryLimitBytes: 32 * 1024 * 1024, stackLimitBytes: 512 * 1024, poolSize: 2 };
const OUTBOUND: OutboundPolicyConfig = { allowList: [], denyList: [], maxResponseBytes: 1024 * 1024, timeoutMs: 10000, maxRedirects: 5 };

let pool: SandboxPool;
/** A pool whose fetch may reach the local target (127.0.0.1 is allowed). */
let allowing: SandboxPool;

const task = (code: string, globals: Record<string, unknown> = {}): SandboxTask => ({ code, globals });

const failure = (promise: Promise<unknown>) => rejectionOf(promise, SandboxError);

beforeAll(async () => {
  await target.start();
  target.route('/json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"temp": 21, "city": "Paris"}'));
  target.route('/echo', (req, res) =>
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body: req.body, type: req.headers['content-type'], url: req.url })),
  );
  target.route('/teapot', (_req, res) => res.writeHead(418).end('short and stout'));
  pool = new SandboxPool(LIMITS, OUTBOUND);
  allowing = new SandboxPool(LIMITS, { ...OUTBOUND, allowList: ['127.0.0.1'] });
});
afterAll(async () => {
  await Promise.all([pool.close(), allowing.close(), target.stop()]);
});

describe('sandbox: running code', () => {
  it('returns strings as they are, other values as JSON, undefined as undefined', async () => {
    expect(await pool.run(task('return "hi " + $name', { $name: 'Ada' }))).toEqual({ kind: 'string', text: 'hi Ada' });
    expect(await pool.run(task('return { sum: $a + $b, list: [1, 2] }', { $a: 2, $b: 3 }))).toEqual({ kind: 'json', text: '{"sum":5,"list":[1,2]}' });
    expect(await pool.run(task('return 42'))).toEqual({ kind: 'json', text: '42' });
    expect(await pool.run(task('const x = 1;'))).toEqual({ kind: 'undefined' });
  });

  it('sees $vars, $flow and await, and date globals as Date objects', async () => {
    const result = await pool.run({
      code: 'await null; return [$vars.region, $flow.chatId, $when instanceof Date, $when.getUTCFullYear()].join("|")',
      globals: { $vars: { region: 'eu' }, $flow: { chatId: 'c-1' }, $when: '2024-05-06T00:00:00Z' },
      dateGlobals: ['$when'],
    });
    expect(result).toEqual({ kind: 'string', text: 'eu|c-1|true|2024' });
  });

  it('reports a thrown error or a syntax error as CODE_ERROR with its message', async () => {
    const thrown = await failure(pool.run(task('throw new TypeError("bad input")')));
    expect(thrown.failure).toBe('CODE_ERROR');
    expect(thrown.message).toBe('TypeError: bad input');
    expect((await failure(pool.run(task('return (')))).message).toMatch(/^SyntaxError/);
    const stuck = await failure(pool.run(task('await new Promise(() => {}); return 1')));
    expect(stuck.message).toContain('never settles');
  });

  it('fetches through the outbound policy, and shims node-fetch and axios onto that fetch', async () => {
    const viaFetch = await allowing.run(task(`const r = await fetch("${target.url}/json"); const j = await r.json(); return r.status + " " + j.city`));
    expect(viaFetch).toEqual({ kind: 'string', text: '200 Paris' });
    const viaNodeFetch = await allowing.run(
      task(`const fetch = require('node-fetch'); const r = await fetch("${target.url}/echo", { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } }); return await r.json()`),
    );
    expect(JSON.parse((viaNodeFetch as { text: string }).text)).toEqual({ method: 'POST', body: '{"a":1}', type: 'application/json', url: '/echo' });
    const viaAxios = await allowing.run(
      task(`const axios = require('axios'); const { data, status } = await axios.post("${target.url}/echo", { b: 2 }, { params: { q: 'x y' } }); return { status, data }`),
    );
    expect(JSON.parse((viaAxios as { text: string }).text)).toEqual({
      status: 201,
      data: { method: 'POST', body: '{"b":2}', type: 'application/json', url: '/echo?q=x%20y' },
    });
    const axiosError = await allowing.run(
      task(`const axios = require('axios'); try { await axios.get("${target.url}/teapot"); return 'no error' } catch (e) { return e.message + ' / ' + e.response.data }`),
    );
    expect(axiosError).toEqual({ kind: 'string', text: 'Request failed with status code 418 / short and stout' });
  });

  it('has setTimeout, and allows 8 requests in flight per call (a ninth fails)', async () => {
    expect(await pool.run(task('const t0 = Date.now(); await new Promise((r) => setTimeout(r, 20)); return Date.now() - t0 >= 20'))).toEqual({
      kind: 'json',
      text: 'true',
    });
    const waiting: Array<() => void> = [];
    target.route('/gate', (_req, res) => {
      waiting.push(() => res.writeHead(200).end('open'));
      if (waiting.length === 8) for (const open of waiting.splice(0)) open();
    });
    const code = `const calls = Array.from({ length: 9 }, () => fetch("${target.url}/gate").then((r) => r.text(), (e) => e.message)); return await Promise.all(calls)`;
    const results = JSON.parse(((await allowing.run(task(code))) as { text: string }).text) as string[];
    expect(results.slice(0, 8)).toEqual(Array(8).fill('open'));
    expect(results[8]).toBe('At most 8 requests may run at once');
  });

  it('refuses every other module with a clear error', async () => {
    for (const name of ['fs', 'child_process', 'crypto', 'lodash']) {
      const error = await failure(pool.run(task(`require('${name}'); return 'loaded'`)));
      expect(error.message).toContain(`require('${name}') is not available in the sandbox`);
    }
  });

  it('keeps no state from one task to the next', async () => {
    await pool.run(task('globalThis.leak = "secret"; Object.prototype.polluted = true; return 1'));
    expect(await pool.run(task('return typeof globalThis.leak + " " + typeof ({}).polluted'))).toEqual({ kind: 'string', text: 'undefined undefined' });
  });
});

describe('sandbox: escapes fail', () => {
  it('has no host objects: process, require, module, host globals, Buffer, WebAssembly', async () => {
    const result = await pool.run(
      task('return [typeof process, typeof module, typeof exports, typeof Buffer, typeof WebAssembly, typeof __aimFetch, typeof __aimInput, typeof std, typeof os].join(",")'),
    );
    expect(result).toEqual({ kind: 'string', text: 'undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined' });
  });

  it('constructor and prototype tricks reach only the sandbox itself', async () => {
    const probes = [
      `return this.constructor.constructor('return typeof process')()`,
      `return typeof (function(){}).constructor('return this')().process`,
      `return await Object.getPrototypeOf(async function(){}).constructor('return typeof process')()`,
      `return fetch.constructor('return typeof process')()`,
      `return require.constructor('return typeof globalThis.process')()`,
      `return [].map.constructor('return this')().require.__proto__.constructor('return typeof process')()`,
      `try { null.f() } catch (e) { return e.constructor.constructor('return typeof process')() }`,
      `return eval('typeof process')`,
    ];
    for (const code of probes) {
      const result = await pool.run(task(code));
      expect(result, code).toEqual({ kind: 'string', text: 'undefined' });
    }
    const env = await failure(pool.run(task(`return this.constructor.constructor('return process')().env.HOME`)));
    expect(env.message).toBe("ReferenceError: 'process' is not defined");
  });

  it('cannot import modules or read files', async () => {
    const dynamicImport = await failure(pool.run(task(`const fs = await import('fs'); return fs.readFileSync('/etc/passwd', 'utf8')`)));
    expect(dynamicImport.failure).toBe('CODE_ERROR');
    const fileFetch = await failure(allowing.run(task(`return await (await fetch('file:///etc/passwd')).text()`)));
    expect(fileFetch.message).toContain('Only http and https URLs may be fetched');
  });

  it('cannot fetch private or loopback addresses unless the policy allows them', async () => {
    const loopback = await failure(pool.run(task(`return await (await fetch("${target.url}/json")).text()`)));
    expect(loopback.message).toContain('127.0.0.1 is a loopback address');
    const metadata = await failure(allowing.run(task(`return await (await fetch('http://169.254.169.254/latest/meta-data/')).text()`)));
    expect(metadata.message).toContain('169.254.169.254 is a linkLocal address');
    const viaAxios = await failure(pool.run(task(`return (await require('axios').get('http://10.0.0.1/')).data`)));
    expect(viaAxios.message).toContain('10.0.0.1 is a private address');
  });

  it('stops an infinite loop at the deadline and replaces the worker', async () => {
    // Short, but the tasks that must finish under it get more room on a slow machine.
    const deadline = scaled(500);
    const short = new SandboxPool({ ...LIMITS, timeoutMs: deadline, poolSize: 1 }, OUTBOUND);
    try {
      const spin = await failure(short.run(task('while (true) {}')));
      expect(spin.failure).toBe('TIMEOUT');
      expect(spin.message).toContain(`${deadline} ms (SANDBOX_TIMEOUT)`);
      // A loop that catches the interrupt, or awaits forever on a timer, is killed all the same.
      expect((await failure(short.run(task('for (;;) { try { while (true) {} } catch (e) {} }')))).failure).toBe('TIMEOUT');
      // (Timers one after another, never done: one long timer is capped at the deadline inside the guest and
      // would race the kill.)
      expect((await failure(short.run(task('for (;;) await new Promise((r) => setTimeout(r, 50)); return 1')))).failure).toBe('TIMEOUT');
      expect(await short.run(task('return "next task runs"'))).toEqual({ kind: 'string', text: 'next task runs' });
    } finally {
      await short.close();
    }
  });

  it('stops memory bombs at the memory limit', async () => {
    const bombs = [
      'const a = []; for (let i = 0; ; i++) a.push({ i, pad: [i, i, i, i] });',
      'return new ArrayBuffer(1024 * 1024 * 1024).byteLength',
      'const a = []; try { for (let i = 0; ; i++) a.push({ i }) } catch (e) { return "caught, and again: " + a.map(String).join() }',
    ];
    for (const code of bombs) {
      const error = await failure(pool.run(task(code)));
      expect(error.failure, `${code}: ${error.message}`).toBe('MEMORY');
      expect(error.message).toContain('SANDBOX_MEMORY_LIMIT');
    }
    const doubling = await failure(pool.run(task('let s = "x"; while (true) s = s + s;')));
    expect(doubling.message).toMatch(/string too long|SANDBOX_MEMORY_LIMIT/);
    // Large arrays near the limit make QuickJS's collector slow; whichever limit comes first ends them.
    const short = new SandboxPool({ ...LIMITS, timeoutMs: 2000, poolSize: 1 }, OUTBOUND);
    try {
      const slow = await failure(short.run(task('const a = []; for (;;) a.push(Array.from({ length: 1e5 }, (_, i) => i))')));
      expect(['MEMORY', 'TIMEOUT']).toContain(slow.failure);
    } finally {
      await short.close();
    }
    expect(await pool.run(task('return "still fine"'))).toEqual({ kind: 'string', text: 'still fine' });
  });

  it('stops deep recursion at the stack limit', async () => {
    const error = await failure(pool.run(task('function down(n) { return down(n + 1) + 1 } return down(0)')));
    expect(error.failure).toBe('STACK');
    expect(error.message).toContain('recursed too deeply');
    expect(await pool.run(task('function down(n) { return n === 0 ? 0 : down(n - 1) + 1 } return down(1000)'))).toEqual({ kind: 'json', text: '1000' });
  });

  it('lets other tasks finish while one spins, and an abort stops the spinning one at once', async () => {
    const controller = new AbortController();
    const spinning = pool.run(task('while (true) {}'), controller.signal);
    const started = Date.now();
    expect(await pool.run(task('return "not blocked"'))).toEqual({ kind: 'string', text: 'not blocked' });
    expect(Date.now() - started).toBeLessThan(LIMITS.timeoutMs);
    const reason = new Error('run aborted');
    controller.abort(reason);
    await expect(spinning).rejects.toBe(reason);
    expect(await pool.run(task('return 1'))).toEqual({ kind: 'json', text: '1' });
  });
});

describe('sandbox configuration', () => {
  it('has documented defaults and bounds', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config/load-config.js');
    expect(loadConfig({ env: {}, ignoreDotEnv: true }).sandbox).toEqual({
      timeoutMs: 30000,
      memoryLimitBytes: 64 * 1024 * 1024,
      stackLimitBytes: 512 * 1024,
      poolSize: 4,
    });
    expect(() => loadConfig({ env: { SANDBOX_STACK_LIMIT: '64mb', SANDBOX_POOL_SIZE: '0' }, ignoreDotEnv: true })).toThrow(ConfigError);
    try {
      loadConfig({ env: { SANDBOX_STACK_LIMIT: '64mb', SANDBOX_POOL_SIZE: '0' }, ignoreDotEnv: true });
    } catch (error) {
      expect((error as InstanceType<typeof ConfigError>).problems).toEqual(['SANDBOX_STACK_LIMIT: must be at most 8mb', 'SANDBOX_POOL_SIZE: must be at least 1']);
    }
  });
});
