import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { type QuickJSSyncVariant, type QuickJSWASMModule, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxConfig, SandboxError } from '../../src/sandbox/code-sandbox.js';
import { runQuickJsTask } from '../../src/sandbox/quickjs-task.js';
import { SandboxPool } from '../../src/sandbox/sandbox-pool.js';
import type { OutboundFetch, OutboundPolicyConfig } from '../../src/security/outbound-policy.js';
import { scaled } from '../support/machine.js';
import { rejectionOf } from '../support/rejection.js';

const LIMITS: SandboxConfig = { timeoutMs: 20000, memoryLimitBytes: 32 * 1024 * 1024, stackLimitBytes: 512 * 1024, poolSize: 1 };
const OUTBOUND: OutboundPolicyConfig = { allowList: [], denyList: [], maxResponseBytes: 1024 * 1024, timeoutMs: 10000, maxRedirects: 5 };
const failure = (promise: Promise<unknown>) => rejectionOf(promise, SandboxError);

let pool: SandboxPool;
beforeAll(() => {
  pool = new SandboxPool(LIMITS, OUTBOUND);
});
afterAll(async () => pool.close());

describe('sandbox result path: code that breaks its own globals', () => {
  it('gets its real return value, and its worker keeps running', async () => {
    expect(await pool.run({ code: 'return "warm"', globals: {} })).toEqual({ kind: 'string', text: 'warm' });
    const started = pool.startedWorkers;
    const cases: Array<[string, unknown]> = [
      ['JSON.stringify = () => ({}); return { a: 1 }', { kind: 'json', text: '{"a":1}' }],
      [`JSON.stringify = () => '{"kind":"json","text":"injected"}'; return 5`, { kind: 'json', text: '5' }],
      ['Promise.prototype.then = function () { throw new Error("then hijacked") }; return 1', { kind: 'json', text: '1' }],
      ['Promise.resolve = () => { throw new Error("resolve hijacked") }; return "still me"', { kind: 'string', text: 'still me' }],
      ['Object.defineProperty(Promise.prototype, "constructor", { get() { throw new Error("no") } }); return [1]', { kind: 'json', text: '[1]' }],
      ['delete globalThis.JSON; String = null; Object.prototype.toJSON = undefined; return { b: 2 }', { kind: 'json', text: '{"b":2}' }],
      ['return function named() { return 1 }', { kind: 'string', text: 'function named() { return 1 }' }],
    ];
    for (const [code, expected] of cases) expect(await pool.run({ code, globals: {} }), code).toEqual(expected);
    expect(pool.startedWorkers).toBe(started);
  });

  it("reports a return value that cannot become text as the tool's code failing, not the sandbox", async () => {
    const started = pool.startedWorkers;
    const cases: Array<[string, RegExp]> = [
      ['return { toJSON() { throw new Error("nope") } }', /^The tool's code failed: its return value could not be turned into text: Error: nope$/],
      ['const a = {}; a.self = a; return a', /^The tool's code failed: its return value could not be turned into text: TypeError: circular/],
      ['return { n: 1n }', /^The tool's code failed: its return value could not be turned into text: TypeError/],
    ];
    for (const [code, message] of cases) {
      const error = await failure(pool.run({ code, globals: {} }));
      expect(error.failure, code).toBe('CODE_ERROR');
      expect(error.message, code).toMatch(message);
    }
    expect(pool.startedWorkers).toBe(started);
  });
});

describe("sandbox bridges: code that breaks the globals fetch and setTimeout use", () => {
  it("gets its own error (the tool's code failed), and its worker keeps running", async () => {
    expect(await pool.run({ code: 'return "warm"', globals: {} })).toEqual({ kind: 'string', text: 'warm' });
    const started = pool.startedWorkers;
    // No request leaves the sandbox here: nothing is allowed (OUTBOUND's allow list is empty), and the calls fail first.
    const cases: Array<[string, RegExp]> = [
      ['Number = () => ({ valueOf() { throw new Error("valueOf hijacked") } }); setTimeout(() => 1, 5); return 1', /^Error: valueOf hijacked$/],
      ['JSON.stringify = () => Symbol("s"); await fetch("http://127.0.0.1:9/"); return 2', /^Error: /],
      ['JSON.stringify = () => ({ toString() { throw new Error("toString hijacked") } }); await fetch("http://127.0.0.1:9/"); return 3', /^Error: /],
      ['String = () => Symbol("x"); await fetch({ url: Symbol("u") }); return 4', /^Error: /],
      ['Object.defineProperty(Object.prototype, "then", { get() { throw new Error("then getter") } }); return { a: 1 }', /^Error: then getter$/],
      ['throw new Proxy({}, { get() { throw new Error("get hijacked") } })', /^Error: /],
      ['throw { name: { toString() { throw 1 } }, message: Symbol("m") }', /^Error: /],
    ];
    for (const [code, message] of cases) {
      const error = await failure(pool.run({ code, globals: {} }));
      expect(error.failure, code).toBe('CODE_ERROR');
      expect(error.message, code).toMatch(message);
    }
    expect(pool.startedWorkers).toBe(started);
  });
});

describe('sandbox deadline inside the worker', () => {
  let quickjs: QuickJSWASMModule;
  const noNetwork: OutboundFetch = { fetch: () => Promise.reject(new Error('no network in this test')) };
  beforeAll(async () => {
    quickjs = await newQuickJSWASMModuleFromVariant((releaseSync as unknown as { default: QuickJSSyncVariant }).default);
  });

  // Run without the pool (whose own kill would also say TIMEOUT): the worker's report is what is tested.
  const run = (code: string, timeoutMs: number) =>
    runQuickJsTask(quickjs, { code, globals: {} }, { timeoutMs, memoryLimitBytes: LIMITS.memoryLimitBytes, stackLimitBytes: LIMITS.stackLimitBytes }, noNetwork);

  it('reports an endless chain of promise jobs as the time limit, not as a promise that never settles', async () => {
    const timeoutMs = scaled(300);
    for (const code of [
      '(async () => { for (;;) await null })(); await new Promise(() => {})',
      'const loop = () => { for (let i = 0; i < 100; i++); Promise.resolve().then(loop) }; loop(); await new Promise(() => {})',
      'const loop = () => { Promise.resolve().then(loop); for (let i = 0; i < 100; i++); }; loop(); await new Promise(() => {})',
      'for (;;) await null',
    ]) {
      expect(await run(code, timeoutMs), code).toEqual({ ok: false, failure: 'TIMEOUT', message: `The code ran longer than ${timeoutMs} ms (SANDBOX_TIMEOUT)` });
    }
  });

  it('still reports a promise that nothing can settle at once, long before the deadline', async () => {
    const started = Date.now();
    const outcome = await run('await new Promise(() => {}); return 1', 60000);
    expect(outcome).toEqual({ ok: false, failure: 'CODE_ERROR', message: 'Error: the code awaited a promise that never settles' });
    expect(Date.now() - started).toBeLessThan(30000);
  });
});
