import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../test/support/free-port.js';
import { PostgresServer } from '../test/support/postgres-server.js';
import { RedisServer } from '../test/support/redis-server.js';
import { BenchProcess, ROOT } from './bench-process.js';
import { ownCpuMs, productCpuMs } from './cost-report.js';
import { connectionsByPid } from './redis-stats.js';
import { type BenchResults, type StackResult, writeReport } from './report.js';
import { type FlowHandle, type MeasuredLoad, combineRounds, createBenchFlow, measureLoad, measureSharedProcesses } from './scenarios.js';
import { Stack, type StackSpec } from './stack.js';
import { runMainSoak, runQueueSoak } from './soak.js';
import { runVectorBench } from './vector-bench.js';

/**
 * `npm run bench`: starts everything itself (fake LLM, redis-server, PostgreSQL, the server in each
 * mode, workers; all built JavaScript), runs the matrix, stops what it started and writes
 * bench/results/<date>.md and .json. `--quick` runs a small matrix without the soak.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-soak': { type: 'boolean', default: false },
    'no-vector': { type: 'boolean', default: false },
    /** Streams of each soak (10,000); given with --quick, the quick run includes the soaks. */
    'soak-streams': { type: 'string' },
    /** Which soaks to run: queue, main or both (the TTFT target compares them). */
    soak: { type: 'string', default: 'queue,main' },
  },
});
const quick = values.quick === true;

const STACKS: StackSpec[] = [
  { name: 'main-sqlite', mode: 'main', database: 'sqlite', workers: 0 },
  { name: 'main-postgres', mode: 'main', database: 'postgres', workers: 0 },
  { name: 'queue-1w-postgres', mode: 'queue', database: 'postgres', workers: 1 },
  { name: 'queue-2w-postgres', mode: 'queue', database: 'postgres', workers: 2 },
  { name: 'queue-2w-sqlite', mode: 'queue', database: 'sqlite', workers: 2 },
];

const JSON_MODEL = 'fake;tokens=50';
const STREAM_TOKENS = 50;
const STREAM_MODEL = `fake;tokens=${STREAM_TOKENS};delay=20`;
const STREAM_ROUNDS = quick ? 1 : 3;
const totals = (concurrency: number) => (quick ? [200, 600, 1500] : [1000, 4000, 10000])[[1, 20, 100].indexOf(concurrency)]!;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

type Services = { redisUrl: string; postgres: PostgresServer; fakeUrl: string };

/** A stack started for the matrix, with its flows and what it measured so far. */
interface Running {
  spec: StackSpec;
  stack: Stack;
  jsonFlow: FlowHandle;
  streamFlow: FlowHandle;
  idle: Record<string, number>;
  json: MeasuredLoad[];
  stream?: MeasuredLoad;
  streamRounds: MeasuredLoad[];
}

const short = (p: { name: string }) => p.name.split('/').pop()!;

async function startStack(spec: StackSpec, services: Services): Promise<Running> {
  log(`${spec.name}: starting`);
  const stack = await Stack.start(spec, services, await freePort());
  const jsonFlow = await createBenchFlow(stack, services.fakeUrl, JSON_MODEL);
  const streamFlow = await createBenchFlow(stack, services.fakeUrl, STREAM_MODEL);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = Object.fromEntries(stack.processes.map((p) => [short(p), p.memory().rssMiB]));
  return { spec, stack, jsonFlow, streamFlow, idle, json: [], streamRounds: [] };
}

/**
 * Only the stack under load runs: the others are frozen (SIGSTOP), so what they still do after their
 * own load (collecting its garbage, expiring its run events, their timers) takes no CPU from the stack
 * being measured on the shared cores. Redis, PostgreSQL and the fake LLM stay shared.
 */
function focus(running: Running[], current: Running): void {
  for (const r of running) for (const p of r.stack.processes) if (r !== current) p.setFrozen(true);
  for (const p of current.stack.processes) p.setFrozen(false);
}

/** Warm-up rounds: at least MIN, at most MAX, of this many JSON predictions at c=20 each. */
const WARM_UP = { min: 2, max: quick ? 3 : 8, predictions: quick ? 500 : 2000, settledWithin: 0.05 };

/**
 * Runs JSON predictions until the stack's CPU per prediction settles (two rounds in a row within 5%):
 * V8 keeps optimising code and sizing its heap for thousands of predictions after start-up, and the
 * c=1 load, measured first, would otherwise pay for that warm-up alone (measured: a queue worker's c=1
 * CPU per prediction was 1.71 ms after 500 warm-up predictions and 1.13 ms after 15,000).
 */
async function warmUp(r: Running): Promise<void> {
  let previous: number | undefined;
  for (let round = 1; round <= WARM_UP.max; round += 1) {
    const load = await measureLoad(r.stack, r.jsonFlow, { mode: 'json', concurrency: 20, total: WARM_UP.predictions });
    const cpu = ownCpuMs(load);
    const settled = previous !== undefined && Math.abs(cpu - previous) <= previous * WARM_UP.settledWithin;
    log(`${r.spec.name}: warm-up round ${round}: ${cpu.toFixed(2)} ms CPU per prediction${settled ? ', settled' : ''}`);
    if (settled && round >= WARM_UP.min) return;
    previous = cpu;
  }
}

/**
 * Every stack runs each load in turn (json c=1 on all stacks, then c=20 on all, …), so the figures
 * compared side by side were measured minutes apart at most, not a whole matrix apart: on a machine
 * whose other load comes and goes, that keeps the ratios between stacks meaningful.
 */
async function runMatrix(running: Running[], inspector: Redis): Promise<void> {
  const redisFor = (r: Running) => (r.spec.mode === 'queue' ? { inspector } : {});
  for (const r of running) {
    focus(running, r);
    await warmUp(r);
  }
  for (const concurrency of [1, 20, 100]) {
    for (const r of running) {
      focus(running, r);
      const result = await measureLoad(r.stack, r.jsonFlow, { mode: 'json', concurrency, total: totals(concurrency), ...redisFor(r) });
      log(`${r.spec.name}: json c=${concurrency}: ${result.throughput}/s p50 ${result.latencyMs.p50} ms, errors ${result.errors + result.wrong}`);
      r.json.push(result);
    }
  }
  for (const r of running) {
    focus(running, r);
    // The streaming path (token events, Redis stream writes, SSE relay) runs here first: warm it too.
    await measureLoad(r.stack, r.streamFlow, { mode: 'stream', concurrency: 20, total: quick ? 40 : 100 });
  }
  // Streaming CPU per token varied by up to 30% between runs of the same code (a collection of a large
  // heap lands in one 20 s window or not): rounds alternate between stacks and their CPU is averaged.
  for (let round = 1; round <= STREAM_ROUNDS; round += 1) {
    for (const r of running) {
      focus(running, r);
      const load = await measureLoad(r.stack, r.streamFlow, { mode: 'stream', concurrency: 20, total: quick ? 100 : 400, tokens: STREAM_TOKENS, ...redisFor(r) });
      r.streamRounds.push(load);
      log(`${r.spec.name}: stream c=20 round ${round}: ttft p50 ${load.ttftMs?.p50} ms, gap p50 ${load.gapMs?.p50} ms, errors ${load.errors + load.wrong}`);
    }
  }
  for (const r of running) r.stream = combineRounds(r.streamRounds);
}

async function stackResult(r: Running, inspector: Redis): Promise<StackResult> {
  const { stack, spec } = r;
  const byPid = await connectionsByPid(inspector);
  // A worker's own connections, plus its BullMQ blocking one (named after the queue, shared out evenly).
  const blocking = (byPid[`bull:${Buffer.from(stack.env.QUEUE_NAME!).toString('base64')}`] ?? 0) / Math.max(1, stack.workers.length);
  const connections = Object.fromEntries(stack.processes.map((p) => [short(p), (byPid[String(p.pid)] ?? 0) + (p === stack.server ? 0 : blocking)]));
  return {
    ...spec,
    startupMs: Object.fromEntries(stack.processes.map((p) => [short(p), p.readyMs ?? 0])),
    idleRssMiB: r.idle,
    afterLoadRssMiB: Object.fromEntries(stack.processes.map((p) => [short(p), p.memory().rssMiB])),
    peakRssMiB: Object.fromEntries(stack.processes.map((p) => [short(p), p.memory().peakMiB])),
    redisConnections: spec.mode === 'queue' ? connections : {},
    json: r.json,
    stream: r.stream!,
    streamRoundsUsPerToken: r.streamRounds.map((load) => Math.round(productCpuMs(spec, load) * (1000 / STREAM_TOKENS))),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  log('starting shared services: fake LLM, redis-server, PostgreSQL');
  const fake = BenchProcess.node('fake-llm', 'bench/fake-llm-process.js', [`--port=${await freePort()}`], {});
  await fake.waitFor(/fake llm ready (\d+)/);
  const fakePort = /fake llm ready (\d+)/.exec(fake.log)![1];
  const fakeUrl = `http://127.0.0.1:${fakePort}/v1`;
  const redis = await RedisServer.start();
  const postgres = await PostgresServer.start();
  const inspector = new Redis(redis.url, { connectionName: 'bench-inspector' });
  measureSharedProcesses({ redis: redis.pid, postgres: postgres.pid, fakeLlm: fake.pid });
  const services = { redisUrl: redis.url, postgres, fakeUrl };
  const results: BenchResults = {
    date: startedAt.toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    stacks: [],
  };
  try {
    const selected = values.only ? STACKS.filter((s) => values.only!.split(',').includes(s.name)) : STACKS;
    const running: Running[] = [];
    try {
      for (const spec of selected) running.push(await startStack(spec, services));
      await runMatrix(running, inspector);
      for (const r of running) for (const p of r.stack.processes) p.setFrozen(false);
      for (const r of running) results.stacks.push(await stackResult(r, inspector));
    } finally {
      for (const r of running) await r.stack.stop();
    }
    // `--only=vector` runs the vector store section alone.
    if (!values['no-vector'] && (!values.only || values.only.split(',').includes('vector'))) {
      log('vector store: search latency by collection size');
      results.vector = await runVectorBench({ quick, postgres, log });
    }
    const soaks = values['no-soak'] || (quick && values['soak-streams'] === undefined) ? [] : values.soak!.split(',');
    if (soaks.length > 0) {
      const streams = Number(values['soak-streams'] ?? 10000);
      const queue = soaks.includes('queue') ? await runQueueSoak(services, inspector, streams, log) : undefined;
      const main = soaks.includes('main') ? await runMainSoak(services, streams, log) : undefined;
      results.soak = { streams, ...(queue ? { queue: queue.stream, leak: queue.leak } : {}), ...(main ? { main } : {}) };
    }
  } finally {
    inspector.disconnect();
    await fake.stop();
    await redis.stop();
    await postgres.stop();
  }
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const files = writeReport(results, path.join(dir, `${stamp}${quick ? '-quick' : ''}`));
  log(`wrote ${files.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
