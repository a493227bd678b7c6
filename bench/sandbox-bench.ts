import { parseArgs } from 'node:util';
import { SandboxPool } from '../src/sandbox/sandbox-pool.js';

/**
 * `npm run bench:sandbox`: what a custom-tool call costs. Measures, on the built JavaScript, a pool
 * worker's start (first call on a cold pool), the latency of a small tool body at concurrency 1 and at
 * the pool's size, and the process RSS with every worker started. No network: the tool body only
 * computes. Prints one JSON object.
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

const rssBefore = process.memoryUsage().rss;
const pool = new SandboxPool(
  { timeoutMs: 30000, memoryLimitBytes: 64 * 1024 * 1024, stackLimitBytes: 512 * 1024, poolSize },
  { allowList: [], denyList: [], maxResponseBytes: 10 * 1024 * 1024, timeoutMs: 30000, maxRedirects: 5 },
);
try {
  const coldStartMs = ms(await timed(() => pool.run(task(0))));
  const sequential = await latencies(pool, 1);
  const parallel = await latencies(pool, poolSize);
  const rssMiB = Math.round((process.memoryUsage().rss - rssBefore) / (1024 * 1024));
  console.log(JSON.stringify({ node: process.version, poolSize, calls, coldStartMs, sequential, parallel, addedRssMiBWithAllWorkers: rssMiB }, null, 2));
} finally {
  await pool.close();
}
