import { parseArgs } from 'node:util';
import { SandboxPool } from '../src/sandbox/sandbox-pool.js';

/**
 * `npm run bench:sandbox`: what a custom-tool call costs. Measures, on the built JavaScript, a pool
 * worker's start (first call on a cold pool), the latency of a small tool body at concurrency 1 and at
 * the pool's size, and the process RSS with every worker started. Then memory bombs (each form tries
 * to hold 640 MiB against the 64 MiB limit): the process RSS at its peak while they run on every worker
 * at once and after the replaced workers have exited, and the largest WebAssembly memory a worker
 * reported. No network: the tool bodies only compute. Prints one JSON object.
 */
const { values } = parseArgs({ options: { calls: { type: 'string', default: '400' }, pool: { type: 'string', default: '4' } } });
const calls = Number(values.calls);
const poolSize = Number(values.pool);

const CODE = 'const words = $text.split(" "); return { count: words.length, upper: words.map((w) => w.toUpperCase()).join(" "), vars: $vars.unit }';
const task = (i: number) => ({ code: CODE, globals: { $text: `call number ${i} of the sandbox bench`, $vars: { unit: 'C' }, $flow: {} } });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => Math.round(n * 100) / 100;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function latencies(pool: SandboxPool, concurrency: number): Promise<{ p50: number; p95: number; callsPerSecond: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        samples.push(await timed(() => pool.run(task(i))));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return { p50: ms(percentile(samples, 50)), p95: ms(percentile(samples, 95)), callsPerSecond: Math.round(calls / seconds) };
}

const MiB = 1024 * 1024;
const BOMBS = [
  'const a = []; for (let i = 0; i < 40; i++) a.push(new Uint8Array(16 * 1024 * 1024)); return a.length',
  'const a = []; for (let i = 0; i < 40; i++) a.push("x".repeat(16 * 1024 * 1024 + i)); return a.length',
  'const a = []; for (let i = 0; i < 40; i++) a.push(new ArrayBuffer(16 * 1024 * 1024)); return a.length',
  'const a = []; for (let i = 0; i < 20; i++) a.push(new Array(2e6).fill(i + 0.5)); return a.length',
];

/** Runs every bomb on every worker at once, sampling the process RSS; then waits for the replaced workers to exit. */
async function memoryBombs(pool: SandboxPool, rssBefore: number) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const outcomes: string[] = [];
  try {
    for (const code of BOMBS) {
      const runs = Array.from({ length: poolSize }, () => pool.run({ code, globals: {} }).then((r) => `returned ${JSON.stringify(r)}`, (e: Error & { failure?: string }) => e.failure ?? e.message));
      outcomes.push(...(await Promise.all(runs)));
    }
  } finally {
    clearInterval(sampler);
  }
  await pool.drained();
  const stats = pool.memoryStats();
  return {
    outcomes: [...new Set(outcomes)],
    capMiBPerWorker: stats.capBytes / MiB,
    largestWorkerMemoryMiB: Math.round(stats.peakBytes / MiB),
    workersReplaced: stats.recycled,
    peakAddedRssMiB: Math.round((peak - rssBefore) / MiB),
    addedRssMiBAfter: Math.round((process.memoryUsage().rss - rssBefore) / MiB),
  };
}

const rssBefore = process.memoryUsage().rss;
const pool = new SandboxPool(
  { timeoutMs: 30000, memoryLimitBytes: 64 * 1024 * 1024, stackLimitBytes: 512 * 1024, poolSize },
  { allowList: [], denyList: [], maxResponseBytes: 10 * 1024 * 1024, timeoutMs: 30000, maxRedirects: 5 },
);
try {
  const coldStartMs = ms(await timed(() => pool.run(task(0))));
  const sequential = await latencies(pool, 1);
  const parallel = await latencies(pool, poolSize);
  const rssMiB = Math.round((process.memoryUsage().rss - rssBefore) / MiB);
  const bombs = await memoryBombs(pool, rssBefore);
  console.log(JSON.stringify({ node: process.version, poolSize, calls, coldStartMs, sequential, parallel, addedRssMiBWithAllWorkers: rssMiB, bombs }, null, 2));
} finally {
  await pool.close();
}
