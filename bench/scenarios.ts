import type { Redis } from 'ioredis';
import { llmChainFlow } from '../test/fixtures/chatflows.js';
import { expectedAnswer } from '../test/fixtures/fake-llm-server.js';
import { BenchProcess, cpuMsOfTree, wakeupsOf } from './bench-process.js';
import type { LoadResult } from './load-generator.js';
import { type CommandStats, commandStats, statsDelta } from './redis-stats.js';
import type { Stack } from './stack.js';

export interface FlowHandle {
  id: string;
  model: string;
  expected: string;
}

/** Creates a credential and an llmChain chatflow whose model is the fake provider with `model` behaviour. */
export async function createBenchFlow(stack: Stack, fakeUrl: string, model: string): Promise<FlowHandle> {
  const credential = await stack.api<{ id: string }>('POST', '/api/v1/credentials', {
    name: 'bench',
    credentialName: 'openAIApi',
    plainDataObj: { openAIApiKey: 'sk-bench' },
  });
  // The flow's prompt does not echo the question, so every answer has the same expected text.
  const flow = llmChainFlow({ model, basepath: fakeUrl, credential: credential.id, template: 'Say something', promptValues: '' });
  const created = await stack.api<{ id: string }>('POST', '/api/v1/chatflows', { name: `bench ${model}`, flowData: JSON.stringify(flow) });
  return { id: created.id, model, expected: expectedAnswer(model, '') };
}

/** The shared services' root processes (redis-server, PostgreSQL's postmaster, the fake LLM), by name. */
const sharedProcesses: Record<string, number> = {};

/** Tells the measurements which processes are the shared services (their CPU is measured per load). */
export function measureSharedProcesses(pids: Record<string, number | undefined>): void {
  for (const [name, pid] of Object.entries(pids)) if (pid !== undefined) sharedProcesses[name] = pid;
}

/** CPU of the shared services: each one's process tree (all PostgreSQL backends, say). */
function sharedCpu(): Record<string, number> {
  return Object.fromEntries(Object.entries(sharedProcesses).map(([name, pid]) => [name, cpuMsOfTree(pid)]));
}

export interface MeasuredLoad extends LoadResult {
  concurrency: number;
  /** LLM tokens per prediction (streaming loads), for CPU per token. */
  tokens?: number;
  /** CPU ms per successful prediction, per process. */
  cpuMsPerPrediction: Record<string, number>;
  /** Wake-ups (voluntary context switches, all threads) per successful prediction, per product process. */
  wakeupsPerPrediction?: Record<string, number>;
  /**
   * Commands (INFO commandstats, which counts the commands run inside Lua scripts too), the µs those
   * commands report (a script's time is counted for the script and again for its commands), and the
   * CPU the Redis process really used (INFO cpu), per prediction.
   */
  redis?: { commandsPerPrediction: number; usecPerPrediction: number; cpuUsecPerPrediction: number; byCommand: Record<string, number> };
}

/**
 * Several measurements of one load as one: the first's latencies and throughput, the counts summed,
 * and the per-prediction CPU, wake-ups and Redis figures averaged (every round runs the same total).
 */
export function combineRounds(rounds: MeasuredLoad[]): MeasuredLoad {
  const [first] = rounds;
  if (!first || rounds.length === 1) return first!;
  const mean = (pick: (load: MeasuredLoad) => Record<string, number> | undefined) => {
    const sums: Record<string, number> = {};
    for (const load of rounds) for (const [k, v] of Object.entries(pick(load) ?? {})) sums[k] = (sums[k] ?? 0) + v / rounds.length;
    return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  };
  const redis = first.redis
    ? {
        commandsPerPrediction: mean((l) => ({ v: l.redis?.commandsPerPrediction ?? 0 })).v!,
        usecPerPrediction: mean((l) => ({ v: l.redis?.usecPerPrediction ?? 0 })).v!,
        cpuUsecPerPrediction: mean((l) => ({ v: l.redis?.cpuUsecPerPrediction ?? 0 })).v!,
        byCommand: mean((l) => l.redis?.byCommand),
      }
    : undefined;
  return {
    ...first,
    ok: rounds.reduce((n, l) => n + l.ok, 0),
    errors: rounds.reduce((n, l) => n + l.errors, 0),
    wrong: rounds.reduce((n, l) => n + l.wrong, 0),
    errorSamples: rounds.flatMap((l) => l.errorSamples).slice(0, 10),
    cpuMsPerPrediction: mean((l) => l.cpuMsPerPrediction),
    wakeupsPerPrediction: mean((l) => l.wakeupsPerPrediction),
    ...(redis ? { redis } : {}),
  };
}

/** Runs the load generator as its own process against a stack, measuring CPU and Redis around it. */
export async function measureLoad(
  stack: Stack,
  flow: FlowHandle,
  options: { mode: 'json' | 'stream'; concurrency: number; total: number; rampSeconds?: number; inspector?: Redis; tokens?: number },
): Promise<MeasuredLoad> {
  const cpuBefore = new Map(stack.processes.map((p) => [p.name, p.cpuMs()]));
  // redis-server is one process (PostgreSQL's backends are children of the postmaster: not counted).
  const watched = [...stack.processes.map((p) => ({ name: p.name.split('/').pop()!, pid: p.pid })), ...(sharedProcesses.redis ? [{ name: 'redis', pid: sharedProcesses.redis }] : [])];
  const wakeupsBefore = new Map(watched.map((p) => [p.name, wakeupsOf(p.pid)]));
  const sharedBefore = sharedCpu();
  const redisBefore: CommandStats | undefined = options.inspector ? await commandStats(options.inspector) : undefined;
  const load = BenchProcess.node(
    'load',
    'bench/load-generator.js',
    [
      `--url=${stack.url}`,
      `--flow=${flow.id}`,
      `--mode=${options.mode}`,
      `--concurrency=${options.concurrency}`,
      `--total=${options.total}`,
      `--expected=${flow.expected}`,
      `--ramp=${options.rampSeconds ?? 0}`,
    ],
    {},
  );
  const code = await new Promise<number | null>((resolve) => load.child.once('exit', resolve));
  const line = load.log.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`load generator failed (${code}): ${load.log.slice(-2000)}`);
  const result = JSON.parse(line) as LoadResult;
  const cpuMsPerPrediction: Record<string, number> = {};
  const wakeupsPerPrediction: Record<string, number> = {};
  for (const process of stack.processes) {
    const used = process.cpuMs() - (cpuBefore.get(process.name) ?? 0);
    cpuMsPerPrediction[process.name.split('/').pop()!] = Math.round((used / Math.max(1, result.ok)) * 100) / 100;
  }
  for (const { name, pid } of watched) {
    wakeupsPerPrediction[name] = Math.round(((wakeupsOf(pid) - wakeupsBefore.get(name)!) / Math.max(1, result.ok)) * 10) / 10;
  }
  const sharedAfter = sharedCpu();
  for (const [name, before] of Object.entries(sharedBefore)) {
    cpuMsPerPrediction[name] = Math.round(((sharedAfter[name]! - before) / Math.max(1, result.ok)) * 100) / 100;
  }
  cpuMsPerPrediction.load = result.loadCpuMsPerPrediction;
  let redis: MeasuredLoad['redis'];
  if (options.inspector && redisBefore) {
    const delta = statsDelta(redisBefore, await commandStats(options.inspector));
    const per = (n: number) => Math.round((n / Math.max(1, result.ok)) * 10) / 10;
    redis = {
      commandsPerPrediction: per(delta.calls),
      usecPerPrediction: per(delta.usec),
      cpuUsecPerPrediction: per(delta.cpuUsec),
      byCommand: Object.fromEntries(Object.entries(delta.byCommand).map(([k, v]) => [k, per(v)])),
    };
  }
  return { ...result, concurrency: options.concurrency, ...(options.tokens ? { tokens: options.tokens } : {}), cpuMsPerPrediction, wakeupsPerPrediction, ...(redis ? { redis } : {}) };
}
