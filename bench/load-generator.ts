import http from 'node:http';
import { parseArgs } from 'node:util';

/**
 * The benchmark's load, run as its own process so its CPU is not the server's. Sends predictions
 * over keep-alive HTTP/1.1 with a fixed number in flight, checks every answer's text (a wrong or
 * incomplete answer is an error, never throughput) and prints one JSON line of statistics.
 */
export interface LoadOptions {
  url: string;
  chatflowId: string;
  mode: 'json' | 'stream';
  concurrency: number;
  total: number;
  /** The exact answer every prediction must produce. */
  expected: string;
  /** Seconds over which the in-flight count rises to `concurrency` (soak). */
  rampSeconds: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  wrong: number;
  errorSamples: string[];
  seconds: number;
  throughput: number;
  latencyMs: Percentiles;
  ttftMs?: Percentiles;
  gapMs?: Percentiles;
  maxInFlight: number;
  /** CPU the load generator itself used, per successful prediction. */
  loadCpuMsPerPrediction: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!) };
}

interface One {
  ok: boolean;
  wrong?: string;
  error?: string;
  latencyMs: number;
  ttftMs?: number;
  gaps?: number[];
}

/** Parses the SSE body incrementally: token texts with their arrival times. */
class SseCollector {
  private buffer = '';
  text = '';
  ended = false;
  errorEvent: string | undefined;
  firstTokenAt: number | undefined;
  lastTokenAt: number | undefined;
  readonly gaps: number[] = [];

  push(chunk: string, now: number): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const line = block.split('\n').find((l) => l.startsWith('data:'));
      if (!line) continue;
      const envelope = JSON.parse(line.slice(5)) as { event: string; data: unknown };
      if (envelope.event === 'token') {
        if (this.firstTokenAt === undefined) this.firstTokenAt = now;
        else this.gaps.push(now - this.lastTokenAt!);
        this.lastTokenAt = now;
        this.text += envelope.data as string;
      } else if (envelope.event === 'restart') {
        this.text = '';
      } else if (envelope.event === 'error') {
        this.errorEvent = String(envelope.data);
      } else if (envelope.event === 'end') {
        this.ended = true;
      }
    }
  }
}

function predict(agent: http.Agent, options: LoadOptions, index: number): Promise<One> {
  const url = new URL(`/api/v1/prediction/${options.chatflowId}`, options.url);
  const body = JSON.stringify({ question: `bench question ${index}`, streaming: options.mode === 'stream' });
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: options.mode === 'stream' ? 'text/event-stream' : 'application/json' },
        timeout: options.timeoutMs,
      },
      (response) => {
        response.setEncoding('utf8');
        if (options.mode === 'stream' && response.statusCode === 200) {
          const sse = new SseCollector();
          response.on('data', (chunk: string) => sse.push(chunk, performance.now()));
          response.on('end', () => {
            const latencyMs = performance.now() - started;
            const ttftMs = sse.firstTokenAt === undefined ? undefined : sse.firstTokenAt - started;
            if (sse.errorEvent) return resolve({ ok: false, error: `error event: ${sse.errorEvent}`, latencyMs });
            if (!sse.ended) return resolve({ ok: false, error: 'stream ended without end event', latencyMs });
            if (sse.text !== options.expected) return resolve({ ok: false, wrong: sse.text.slice(0, 80), latencyMs });
            resolve({ ok: true, latencyMs, ...(ttftMs !== undefined ? { ttftMs } : {}), gaps: sse.gaps });
          });
          return;
        }
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const latencyMs = performance.now() - started;
          if (response.statusCode !== 200) return resolve({ ok: false, error: `HTTP ${response.statusCode}: ${text.slice(0, 120)}`, latencyMs });
          try {
            const answer = (JSON.parse(text) as { text?: unknown }).text;
            if (answer !== options.expected) return resolve({ ok: false, wrong: String(answer).slice(0, 80), latencyMs });
            resolve({ ok: true, latencyMs });
          } catch {
            resolve({ ok: false, error: `not JSON: ${text.slice(0, 80)}`, latencyMs });
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ ok: false, error: error.message, latencyMs: performance.now() - started }));
    request.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency + 10, maxFreeSockets: options.concurrency + 10 });
  const latencies: number[] = [];
  const ttfts: number[] = [];
  const gaps: number[] = [];
  const errorSamples: string[] = [];
  let ok = 0;
  let errors = 0;
  let wrong = 0;
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const lane = async (laneIndex: number) => {
    if (options.rampSeconds > 0) {
      await new Promise((resolve) => setTimeout(resolve, (laneIndex / options.concurrency) * options.rampSeconds * 1000));
    }
    while (next < options.total) {
      const index = next++;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const one = await predict(agent, options, index);
      inFlight -= 1;
      latencies.push(one.latencyMs);
      if (one.ttftMs !== undefined) ttfts.push(one.ttftMs);
      if (one.gaps) gaps.push(...one.gaps);
      if (one.ok) ok += 1;
      else if (one.wrong !== undefined) {
        wrong += 1;
        if (errorSamples.length < 5) errorSamples.push(`wrong answer: ${one.wrong}`);
      } else {
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(one.error ?? 'error');
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => lane(i)));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  agent.destroy();
  return {
    ok,
    errors,
    wrong,
    errorSamples,
    seconds: Math.round(seconds * 1000) / 1000,
    throughput: Math.round((ok / seconds) * 10) / 10,
    latencyMs: percentiles(latencies),
    ...(ttfts.length > 0 ? { ttftMs: percentiles(ttfts) } : {}),
    ...(gaps.length > 0 ? { gapMs: percentiles(gaps) } : {}),
    maxInFlight,
    loadCpuMsPerPrediction: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, ok)) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      flow: { type: 'string' },
      mode: { type: 'string', default: 'json' },
      concurrency: { type: 'string', default: '1' },
      total: { type: 'string', default: '100' },
      expected: { type: 'string' },
      ramp: { type: 'string', default: '0' },
      timeout: { type: 'string', default: '120000' },
    },
  });
  const result = await runLoad({
    url: values.url!,
    chatflowId: values.flow!,
    mode: values.mode === 'stream' ? 'stream' : 'json',
    concurrency: Number(values.concurrency),
    total: Number(values.total),
    expected: values.expected!,
    rampSeconds: Number(values.ramp),
    timeoutMs: Number(values.timeout),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
