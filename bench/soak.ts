import type { Redis } from 'ioredis';
import { freePort } from '../test/support/free-port.js';
import type { PostgresServer } from '../test/support/postgres-server.js';
import type { SoakResult } from './report.js';
import { createBenchFlow, measureLoad } from './scenarios.js';
import { Stack } from './stack.js';

/**
 * The soak: one server and one worker (default WORKER_CONCURRENCY). First the leak check (worker RSS
 * after 1,000 and after 10,000 runs), then `streams` concurrent streaming predictions of a slow LLM
 * (20 tokens, 50 ms apart) ramped up over 20 s; every answer must be complete.
 */
export async function runSoak(
  services: { redisUrl: string; postgres: PostgresServer; fakeUrl: string },
  inspector: Redis,
  streams: number,
  log: (message: string) => void,
): Promise<SoakResult> {
  log(`soak: starting one server and one worker for ${streams} concurrent streams`);
  const stack = await Stack.start({ name: 'soak', mode: 'queue', database: 'postgres', workers: 1 }, services, await freePort(), {}, [
    '--heapsnapshot-signal=SIGUSR2',
  ]);
  try {
    const worker = stack.workers[0]!;
    const quickFlow = await createBenchFlow(stack, services.fakeUrl, 'fake;tokens=20');
    await measureLoad(stack, quickFlow, { mode: 'json', concurrency: 50, total: 1000 });
    const after1k = worker.memory().rssMiB;
    const after1kGc = await worker.memoryAfterGc(stack.directory);
    const leak = await measureLoad(stack, quickFlow, { mode: 'json', concurrency: 50, total: 9000 });
    const after10k = worker.memory().rssMiB;
    const after10kGc = await worker.memoryAfterGc(stack.directory);
    log(`soak: worker RSS after 1,000 runs ${after1k} MiB (${after1kGc} after GC), after 10,000 ${after10k} MiB (${after10kGc} after GC), errors ${leak.errors + leak.wrong}`);

    const slowFlow = await createBenchFlow(stack, services.fakeUrl, 'fake;tokens=20;delay=50');
    const before = { server: stack.server.memory().rssMiB, worker: worker.memory().rssMiB };
    let peakServer = before.server;
    let peakWorker = before.worker;
    const sampler = setInterval(() => {
      peakServer = Math.max(peakServer, stack.server.memory().rssMiB);
      peakWorker = Math.max(peakWorker, worker.memory().rssMiB);
    }, 250);
    const soak = await measureLoad(stack, slowFlow, { mode: 'stream', concurrency: streams, total: streams, rampSeconds: 20, inspector });
    clearInterval(sampler);
    log(`soak: ${soak.ok}/${streams} complete, errors ${soak.errors + soak.wrong}, max in flight ${soak.maxInFlight}, peak RSS server ${peakServer} MiB, worker ${peakWorker} MiB`);
    return {
      streams,
      ok: soak.ok,
      errors: soak.errors,
      wrong: soak.wrong,
      errorSamples: soak.errorSamples,
      maxInFlight: soak.maxInFlight,
      seconds: soak.seconds,
      ttftMs: soak.ttftMs,
      latencyMs: soak.latencyMs,
      peakRssMiB: { server: peakServer, worker: peakWorker },
      leak: {
        workerRssAfter1kMiB: after1k,
        workerRssAfter10kMiB: after10k,
        workerRssAfter1kGcMiB: after1kGc,
        workerRssAfter10kGcMiB: after10kGc,
        errors: leak.errors + leak.wrong,
      },
      redisCommandsPerStream: soak.redis?.commandsPerPrediction,
    };
  } finally {
    await stack.stop();
  }
}
