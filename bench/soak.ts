import type { Redis } from 'ioredis';
import { freePort } from '../test/support/free-port.js';
import type { PostgresServer } from '../test/support/postgres-server.js';
import type { Percentiles } from './load-generator.js';
import { GC_PROBE_NODE_ARGS } from './bench-process.js';
import { createBenchFlow, measureLoad } from './scenarios.js';
import { Stack, type StackSpec } from './stack.js';

type Services = { redisUrl: string; postgres: PostgresServer; fakeUrl: string };

/** One stack's answer to the streaming soak. */
export interface StreamSoak {
  stack: string;
  ok: number;
  errors: number;
  wrong: number;
  errorSamples: string[];
  maxInFlight: number;
  seconds: number;
  ttftMs?: Percentiles;
  latencyMs: Percentiles;
  /** Peak RSS during the soak, per process (server, worker1…). */
  peakRssMiB: Record<string, number>;
  /** CPU ms per stream, per process. */
  cpuMsPerStream: Record<string, number>;
  redisCommandsPerStream?: number;
}

/** The soak's streams: 20 tokens, 50 ms apart, ramped up over 20 s. */
export const SOAK_MODEL = 'fake;tokens=20;delay=50';

/**
 * `streams` concurrent streaming predictions of a slow LLM against one stack, every answer checked;
 * peak RSS of its processes sampled meanwhile.
 */
async function streamSoak(stack: Stack, services: Services, streams: number, inspector: Redis | undefined): Promise<StreamSoak> {
  const flow = await createBenchFlow(stack, services.fakeUrl, SOAK_MODEL);
  const name = (p: { name: string }) => p.name.split('/').pop()!;
  const peak: Record<string, number> = Object.fromEntries(stack.processes.map((p) => [name(p), p.memory().rssMiB]));
  const sampler = setInterval(() => {
    for (const p of stack.processes) peak[name(p)] = Math.max(peak[name(p)]!, p.memory().rssMiB);
  }, 250);
  try {
    const soak = await measureLoad(stack, flow, { mode: 'stream', concurrency: streams, total: streams, rampSeconds: 20, ...(inspector ? { inspector } : {}) });
    return {
      stack: stack.spec.name,
      ok: soak.ok,
      errors: soak.errors,
      wrong: soak.wrong,
      errorSamples: soak.errorSamples,
      maxInFlight: soak.maxInFlight,
      seconds: soak.seconds,
      ...(soak.ttftMs ? { ttftMs: soak.ttftMs } : {}),
      latencyMs: soak.latencyMs,
      peakRssMiB: peak,
      cpuMsPerStream: soak.cpuMsPerPrediction,
      ...(soak.redis ? { redisCommandsPerStream: soak.redis.commandsPerPrediction } : {}),
    };
  } finally {
    clearInterval(sampler);
  }
}

export interface LeakCheck {
  workerRssAfter1kMiB: number;
  workerRssAfter10kMiB: number;
  /** After a full GC (bench/gc-probe.ts): RSS, its young-generation part, and V8 heap in use. */
  workerRssAfter1kGcMiB: number;
  workerRssAfter10kGcMiB: number;
  workerYoungAfter1kGcMiB: number;
  workerYoungAfter10kGcMiB: number;
  workerHeapAfter1kGcMiB: number;
  workerHeapAfter10kGcMiB: number;
  errors: number;
}

/**
 * The queue-mode soak, each part on a fresh server and worker (default WORKER_CONCURRENCY), so the
 * streaming soak starts as main mode's does: first the leak check (worker RSS and heap after 1,000 and
 * after 10,000 runs, each also after a full GC), then the streaming soak.
 */
export async function runQueueSoak(services: Services, inspector: Redis, streams: number, log: (message: string) => void): Promise<{ stream: StreamSoak; leak: LeakCheck }> {
  log('soak (queue): leak check, one server and one worker');
  const spec: StackSpec = { name: 'soak-queue-1w-postgres', mode: 'queue', database: 'postgres', workers: 1 };
  let leak: LeakCheck;
  const leakStack = await Stack.start(spec, services, await freePort(), {}, GC_PROBE_NODE_ARGS);
  try {
    const worker = leakStack.workers[0]!;
    const quickFlow = await createBenchFlow(leakStack, services.fakeUrl, 'fake;tokens=20');
    await measureLoad(leakStack, quickFlow, { mode: 'json', concurrency: 50, total: 1000 });
    const after1k = worker.memory().rssMiB;
    const after1kGc = await worker.memoryAfterGc();
    const leakLoad = await measureLoad(leakStack, quickFlow, { mode: 'json', concurrency: 50, total: 9000 });
    const after10k = worker.memory().rssMiB;
    const after10kGc = await worker.memoryAfterGc();
    leak = {
      workerRssAfter1kMiB: after1k,
      workerRssAfter10kMiB: after10k,
      workerRssAfter1kGcMiB: after1kGc.rssMiB,
      workerRssAfter10kGcMiB: after10kGc.rssMiB,
      workerYoungAfter1kGcMiB: after1kGc.youngMiB,
      workerYoungAfter10kGcMiB: after10kGc.youngMiB,
      workerHeapAfter1kGcMiB: after1kGc.heapUsedMiB,
      workerHeapAfter10kGcMiB: after10kGc.heapUsedMiB,
      errors: leakLoad.errors + leakLoad.wrong,
    };
    log(`soak (queue): worker RSS after 1,000 runs ${after1k} MiB (after GC ${JSON.stringify(after1kGc)}), after 10,000 ${after10k} MiB (after GC ${JSON.stringify(after10kGc)}), errors ${leak.errors}`);
  } finally {
    await leakStack.stop();
  }
  log(`soak (queue): one server and one worker for ${streams} concurrent streams`);
  const stack = await Stack.start(spec, services, await freePort());
  try {
    const stream = await streamSoak(stack, services, streams, inspector);
    log(`soak (queue): ${describe(stream, streams)}`);
    return { stream, leak };
  } finally {
    await stack.stop();
  }
}

/** The same streaming soak against main mode (one server on PostgreSQL, as the queue soak uses). */
export async function runMainSoak(services: Services, streams: number, log: (message: string) => void): Promise<StreamSoak> {
  log(`soak (main): starting one server for ${streams} concurrent streams`);
  const spec: StackSpec = { name: 'soak-main-postgres', mode: 'main', database: 'postgres', workers: 0 };
  const stack = await Stack.start(spec, services, await freePort());
  try {
    const stream = await streamSoak(stack, services, streams, undefined);
    log(`soak (main): ${describe(stream, streams)}`);
    return stream;
  } finally {
    await stack.stop();
  }
}

function describe(s: StreamSoak, streams: number): string {
  const rss = Object.entries(s.peakRssMiB).map(([k, v]) => `${k} ${v} MiB`).join(', ');
  return `${s.ok}/${streams} complete, errors ${s.errors + s.wrong}, max in flight ${s.maxInFlight}, TTFT p50 ${s.ttftMs?.p50} ms, peak RSS ${rss}`;
}
