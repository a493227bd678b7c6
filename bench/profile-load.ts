import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port.js';
import { PostgresServer } from '../test/support/postgres-server.js';
import { RedisServer } from '../test/support/redis-server.js';
import { BenchProcess, contextSwitchesOf } from './bench-process.js';
import { type CpuProfile, summariseProfile } from './profile-summary.js';
import { createBenchFlow, measureLoad, measureSharedProcesses } from './scenarios.js';
import { Stack, type StackSpec } from './stack.js';

/**
 * `npm run bench:profile -- --stack=queue-1w-postgres --load=json --concurrency=1`: starts one stack with
 * V8's sampling profiler on (`--cpu-prof`, 100 µs interval) in its server and workers, warms it up, runs
 * one load, stops the stack, and prints where each process spent its CPU during that load: self time by
 * package (node_modules/<name>, node:internals, the product's folders, GC, idle) and by function, in µs
 * per prediction. Profiles are kept in the printed directory for Chrome DevTools.
 */
const { values } = parseArgs({
  options: {
    stack: { type: 'string', default: 'queue-1w-postgres' },
    load: { type: 'string', default: 'json' },
    concurrency: { type: 'string', default: '1' },
    total: { type: 'string', default: '3000' },
    top: { type: 'string', default: '25' },
    /** Predictions at c=20 before the measured load (JIT and caches warm). */
    warmup: { type: 'string', default: '500' },
    /** JSON predictions (another flow, c=100) before the warm-up: a larger database, as late in `npm run bench`. */
    'fill-json': { type: 'string', default: '0' },
    /** KEY=VALUE environment for the stack's processes (repeatable), to compare settings. */
    env: { type: 'string', multiple: true, default: [] },
    /**
     * cpu-prof: V8's sampling profiler; strace: counts each process's system calls during the load
     * (`strace -c`, slows them down); none: only CPU and context switches (no observer effect).
     */
    with: { type: 'string', default: 'cpu-prof' },
  },
});

const SPECS: Record<string, StackSpec> = {
  'main-sqlite': { name: 'main-sqlite', mode: 'main', database: 'sqlite', workers: 0 },
  'main-postgres': { name: 'main-postgres', mode: 'main', database: 'postgres', workers: 0 },
  'queue-1w-postgres': { name: 'queue-1w-postgres', mode: 'queue', database: 'postgres', workers: 1 },
  'queue-1w-sqlite': { name: 'queue-1w-sqlite', mode: 'queue', database: 'sqlite', workers: 1 },
};

async function main(): Promise<void> {
  const spec = SPECS[values.stack!];
  if (!spec) throw new Error(`--stack must be one of ${Object.keys(SPECS).join(', ')}`);
  const stream = values.load === 'stream';
  const concurrency = Number(values.concurrency);
  const total = Number(values.total);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-profile-'));
  const fake = BenchProcess.node('fake-llm', 'bench/fake-llm-process.js', [`--port=${await freePort()}`], {});
  await fake.waitFor(/fake llm ready (\d+)/);
  const fakeUrl = `http://127.0.0.1:${/fake llm ready (\d+)/.exec(fake.log)![1]}/v1`;
  const redis = await RedisServer.start();
  // Only a PostgreSQL stack needs the cluster (Stack.start reads it for those alone).
  const postgres = spec.database === 'postgres' ? await PostgresServer.start() : undefined;
  measureSharedProcesses({ redis: redis.pid, postgres: postgres?.pid });
  if (values.with === 'cpu-prof') process.env.AIM_BENCH_NODE_ARGS = `${process.env.AIM_BENCH_NODE_ARGS ?? ''} --cpu-prof --cpu-prof-interval=100 --cpu-prof-dir=${dir}`;
  const extraEnv = Object.fromEntries(values.env!.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const stack = await Stack.start(spec, { redisUrl: redis.url, postgres, fakeUrl }, await freePort(), extraEnv);
  let window: { fromUs: number; toUs: number } | undefined;
  let measured: Awaited<ReturnType<typeof measureLoad>> | undefined;
  try {
    const flow = await createBenchFlow(stack, fakeUrl, stream ? 'fake;tokens=50;delay=20' : 'fake;tokens=50');
    if (Number(values['fill-json']) > 0) {
      const filler = await createBenchFlow(stack, fakeUrl, 'fake;tokens=50');
      await measureLoad(stack, filler, { mode: 'json', concurrency: 100, total: Number(values['fill-json']) });
    }
    await measureLoad(stack, flow, { mode: stream ? 'stream' : 'json', concurrency: 20, total: Number(values.warmup) }); // warm-up
    // V8 stamps samples with the monotonic clock process.hrtime reads: the window is exact.
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const before = new Map(stack.processes.map((p) => [p.pid, kernelCounters(p.pid)]));
    const tracers = values.with === 'strace' ? stack.processes.map((p) => traceSyscalls(p, dir)) : [];
    await Promise.all(tracers.map((t) => t.attached));
    measured = await measureLoad(stack, flow, { mode: stream ? 'stream' : 'json', concurrency, total, ...(stream ? { tokens: 50 } : {}) });
    window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
    for (const p of stack.processes) {
      const [a, b] = [before.get(p.pid)!, kernelCounters(p.pid)];
      const per = (k: keyof typeof a) => ((b[k] - a[k]) / measured!.ok).toFixed(k.endsWith('Ms') ? 3 : 1);
      console.log(`${p.name.split('/').pop()}: per prediction ${per('userMs')} ms user, ${per('systemMs')} ms system, ${per('voluntarySwitches')} voluntary and ${per('involuntarySwitches')} involuntary context switches (all threads)`);
    }
    for (const t of tracers) console.log(`\n## ${t.name}: system calls during the load, per prediction\n${await t.stop(measured.ok)}`);
  } finally {
    await stack.stop();
    await fake.stop();
    await redis.stop();
    await postgres?.stop();
  }
  if (!measured || !window) throw new Error('the load did not run');
  const pids = Object.fromEntries(stack.processes.map((p) => [p.pid, p.name.split('/').pop()!]));
  console.log(`${spec.name}, ${values.load} c=${concurrency}, ${measured.ok} predictions, ${measured.throughput}/s; CPU ms per prediction: ${JSON.stringify(measured.cpuMsPerPrediction)}`);
  if (values.with !== 'cpu-prof') {
    if (values.with === 'none') fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const pid = Number(/CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1]);
    const name = pids[pid] ?? `pid ${pid}`;
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    console.log(`\n## ${name} (${path.join(dir, file)})`);
    console.log(summariseProfile(profile, { ...window, perUnit: measured.ok * (stream ? 50 : 1), unit: stream ? 'token' : 'prediction', top: Number(values.top) }));
  }
}

/** A process's user and system CPU (ms, /proc/<pid>/stat) and its threads' context switches. */
function kernelCounters(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const switches = contextSwitchesOf(pid);
  return { userMs: Number(fields[11]) * 10, systemMs: Number(fields[12]) * 10, voluntarySwitches: switches.voluntary, involuntarySwitches: switches.involuntary };
}

/** `strace -c -f` attached to a process: counts its threads' system calls until stopped. */
function traceSyscalls(target: BenchProcess, dir: string) {
  const file = path.join(dir, `strace-${target.pid}.txt`);
  const child = spawn('strace', [...(process.env.AIM_STRACE_ARGS ?? '-c').split(' '), '-f', '-o', file, '-p', String(target.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const attached = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('attached')) resolve();
    });
    child.once('exit', () => reject(new Error(`strace: ${err}`)));
  });
  return {
    name: target.name.split('/').pop()!,
    attached,
    async stop(predictions: number): Promise<string> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      if (process.env.AIM_STRACE_ARGS) return file;
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(l));
      return lines
        .map((l) => l.trim().split(/\s+/))
        .map((f) => ({ calls: Number(f[3]), name: f.at(-1)! }))
        .sort((a, b) => b.calls - a.calls)
        .slice(0, 12)
        .map((r) => `${r.name} ${(r.calls / predictions).toFixed(1)}`)
        .join(', ');
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
