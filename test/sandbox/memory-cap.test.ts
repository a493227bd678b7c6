import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxConfig, SandboxError } from '../../src/sandbox/code-sandbox.js';
import { SandboxPool } from '../../src/sandbox/sandbox-pool.js';
import { WASM_OVERHEAD_BYTES, wasmMemoryCap } from '../../src/sandbox/wasm-memory.js';
import type { OutboundPolicyConfig } from '../../src/security/outbound-policy.js';
import { HttpTarget } from '../support/http-target.js';
import { rejectionOf } from '../support/rejection.js';

const MiB = 1024 * 1024;
const LIMITS: SandboxConfig = { timeoutMs: 60000, memoryLimitBytes: 32 * MiB, stackLimitBytes: 512 * 1024, poolSize: 1 };
const OUTBOUND: OutboundPolicyConfig = { allowList: ['127.0.0.1'], denyList: [], maxResponseBytes: MiB, timeoutMs: 10000, maxRedirects: 5 };
const CAP = wasmMemoryCap(LIMITS.memoryLimitBytes);

/**
 * Each form tries to hold 256 MiB, eight times the limit, in pieces smaller than the limit (one piece
 * larger than the limit was refused even before the cap; many smaller ones were not).
 */
const BOMBS: Record<string, string> = {
  'typed arrays': 'const a = []; for (let i = 0; i < 16; i++) a.push(new Uint8Array(16 * 1024 * 1024)); return a.length * 16 + " MiB held"',
  strings: 'const a = []; for (let i = 0; i < 16; i++) a.push("x".repeat(16 * 1024 * 1024 + i)); return a.length * 16 + " MiB held"',
  ArrayBuffers: 'const a = []; for (let i = 0; i < 16; i++) a.push(new ArrayBuffer(16 * 1024 * 1024)); return a.length * 16 + " MiB held"',
  'arrays of numbers': 'const a = []; for (let i = 0; i < 8; i++) a.push(new Array(2e6).fill(i + 0.5)); return a.length * 32 + " MiB held"',
  'small objects': 'const a = []; for (let i = 0; i < 5e6; i++) a.push({ i }); return a.length + " objects"',
};

const rss = () => process.memoryUsage.rss();
const failure = (promise: Promise<unknown>) => rejectionOf(promise, SandboxError);

const target = new HttpTarget();
let pool: SandboxPool;

beforeAll(async () => {
  await target.start();
  target.route('/big', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('y'.repeat(900 * 1024)));
  pool = new SandboxPool(LIMITS, OUTBOUND);
});
afterAll(async () => {
  await Promise.all([pool.close(), target.stop()]);
});

describe('sandbox memory cap', () => {
  it('is SANDBOX_MEMORY_LIMIT plus a fixed overhead, never below what the interpreter needs to start', () => {
    expect(CAP).toBe(32 * MiB + WASM_OVERHEAD_BYTES);
    expect(wasmMemoryCap(MiB)).toBe(16 * MiB);
    expect(pool.memoryStats().capBytes).toBe(CAP);
  });

  for (const [form, code] of Object.entries(BOMBS)) {
    it(`stops ${form} at the cap, and replaces the worker that reached it`, async () => {
      const before = pool.memoryStats().recycled;
      const error = await failure(pool.run({ code, globals: {} }));
      expect(error.failure, error.message).toBe('MEMORY');
      expect(error.message).toContain('memory limit (SANDBOX_MEMORY_LIMIT)');
      const stats = pool.memoryStats();
      // The worker's own report of its WebAssembly memory: grown to the cap at most, then replaced.
      expect(stats.peakBytes).toBeGreaterThan(LIMITS.memoryLimitBytes);
      expect(stats.peakBytes).toBeLessThanOrEqual(CAP);
      expect(stats.recycled).toBe(before + 1);
      expect(stats.heldBytes).toBe(0);
      expect(await pool.run({ code: 'return "next call runs"', globals: {} })).toEqual({ kind: 'string', text: 'next call runs' });
    });
  }

  it('lets a call use memory up to the limit, and keeps a worker that stayed small', async () => {
    const started = pool.startedWorkers;
    const code = 'const a = []; for (let i = 0; i < 24; i++) a.push(new Uint8Array(1024 * 1024)); return a.length + " MiB held"';
    expect(await pool.run({ code, globals: {} })).toEqual({ kind: 'string', text: '24 MiB held' });
    expect(await pool.run({ code: 'return 1', globals: {} })).toEqual({ kind: 'json', text: '1' });
    expect(pool.startedWorkers - started).toBeLessThanOrEqual(1);
    expect(await pool.run({ code: 'return 2', globals: {} })).toEqual({ kind: 'json', text: '2' });
    expect(pool.startedWorkers - started).toBeLessThanOrEqual(1);
  });

  it('a fetched body that no longer fits is the memory limit, not a write over the interpreter', async () => {
    // Fill the memory, give back a little (room for fetch's own objects, not for the 900 KiB body).
    const code = `const hold = []; try { for (;;) hold.push(new Uint8Array(256 * 1024)) } catch (e) {} hold.pop();
      const r = await fetch("${target.url}/big"); return (await r.text()).length + " " + hold.length`;
    const error = await failure(pool.run({ code, globals: {} }));
    expect(error.failure, error.message).toBe('MEMORY');
    expect(await pool.run({ code: 'return "intact"', globals: {} })).toEqual({ kind: 'string', text: 'intact' });
  });

  it("keeps the process's memory bounded while bombs run, and gives it back to the OS", async () => {
    await pool.run({ code: 'return 1', globals: {} });
    await pool.drained();
    const baseline = rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
    try {
      for (const code of Object.values(BOMBS).slice(0, 4)) {
        expect((await failure(pool.run({ code, globals: {} }))).failure).toBe('MEMORY');
      }
    } finally {
      clearInterval(sampler);
    }
    await pool.drained();
    const after = rss();
    // Bound: one worker's cap plus the start of its replacement (about 40 MiB) plus noise; without the
    // cap each bomb held 256 MiB, and kept it.
    expect(peak - baseline, `peak ${Math.round((peak - baseline) / MiB)} MiB above the baseline`).toBeLessThan(CAP + 104 * MiB);
    expect(after - baseline, `${Math.round((after - baseline) / MiB)} MiB above the baseline after the bombs`).toBeLessThan(64 * MiB);
  });
});
