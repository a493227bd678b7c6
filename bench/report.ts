import fs from 'node:fs';
import { at, costTargets, fixedVariableTable, fmt, ratio, tokenCostTable } from './cost-report.js';
import type { MeasuredLoad } from './scenarios.js';
import type { LeakCheck, StreamSoak } from './soak.js';
import type { StackSpec } from './stack.js';
import { type VectorBenchResult, vectorReport } from './vector-bench.js';

export interface StackResult extends StackSpec {
  startupMs: Record<string, number>;
  idleRssMiB: Record<string, number>;
  afterLoadRssMiB: Record<string, number>;
  peakRssMiB: Record<string, number>;
  redisConnections: Record<string, number>;
  json: MeasuredLoad[];
  /** Streaming at c=20: latencies of the first round; CPU, wake-ups and Redis figures averaged over the rounds. */
  stream: MeasuredLoad;
  /** Product CPU µs per streamed token in each round (rounds alternate between stacks): shows the noise. */
  streamRoundsUsPerToken?: number[];
}

export interface SoakResult {
  streams: number;
  /** One server and one worker, PostgreSQL. */
  queue?: StreamSoak;
  leak?: LeakCheck;
  /** The same streams against main mode (one server, PostgreSQL). */
  main?: StreamSoak;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  stacks: StackResult[];
  soak?: SoakResult;
  vector?: VectorBenchResult;
}

export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
}

function targets(results: BenchResults): Target[] {
  const find = (name: string) => results.stacks.find((s) => s.name === name);
  const mainSqlite = find('main-sqlite');
  const queue1 = find('queue-1w-postgres');
  const list: Target[] = [];
  const q100 = at(queue1, 100);
  if (q100) list.push({ what: 'queue, 1 worker, c=100, PostgreSQL', goal: '≥ 650 predictions/s', measured: `${fmt(q100.throughput)}/s`, met: q100.throughput >= 650 });
  const m100 = at(mainSqlite, 100);
  if (m100 && q100) list.push({ what: 'main, SQLite, c=100', goal: '≥ queue 1 worker', measured: `${fmt(m100.throughput)}/s (${fmt(ratio(m100.throughput, q100.throughput), 2)}× queue)`, met: m100.throughput >= q100.throughput });
  const m1 = at(mainSqlite, 1);
  const q1 = at(queue1, 1);
  if (m1) list.push({ what: 'main p50 at c=1', goal: '≤ 4 ms', measured: `${fmt(m1.latencyMs.p50, 2)} ms`, met: m1.latencyMs.p50 <= 4 });
  if (m1 && q1) list.push({ what: 'queue p50 − main p50 at c=1', goal: '≤ 3 ms', measured: `${fmt(q1.latencyMs.p50 - m1.latencyMs.p50, 2)} ms`, met: q1.latencyMs.p50 - m1.latencyMs.p50 <= 3 });
  const idle = results.stacks.flatMap((s) => Object.values(s.idleRssMiB));
  if (idle.length) list.push({ what: 'idle RSS per process', goal: '≤ 150 MiB', measured: `max ${fmt(Math.max(...idle))} MiB`, met: Math.max(...idle) <= 150 });
  const startup = results.stacks.flatMap((s) => Object.values(s.startupMs));
  if (startup.length) list.push({ what: 'start-up to ready', goal: '≤ 1.5 s', measured: `max ${Math.max(...startup)} ms`, met: Math.max(...startup) <= 1500 });
  if (q1?.redis) {
    list.push({ what: 'Redis commands per JSON prediction (c=1)', goal: '≤ 60', measured: fmt(q1.redis.commandsPerPrediction), met: q1.redis.commandsPerPrediction <= 60 });
    list.push({
      what: 'Redis CPU per JSON prediction (c=1)',
      goal: '≤ 200 µs',
      measured: `${fmt(q1.redis.usecPerPrediction)} µs by commandstats, ${fmt(q1.redis.cpuUsecPerPrediction)} µs of Redis process CPU`,
      met: q1.redis.usecPerPrediction <= 200,
    });
  }
  const soak = results.soak;
  for (const [mode, r] of [['queue', soak?.queue], ['main', soak?.main]] as const) {
    if (!r) continue;
    list.push({ what: `${soak!.streams} concurrent streams (${mode})`, goal: '0 errors', measured: `${r.errors + r.wrong} errors, ${r.ok} complete`, met: r.errors + r.wrong === 0 && r.ok === soak!.streams });
  }
  if (soak?.queue) {
    const q = soak.queue;
    list.push({ what: 'soak peak RSS, server', goal: '≤ 1024 MiB', measured: `${fmt(q.peakRssMiB.server)} MiB`, met: (q.peakRssMiB.server ?? 0) <= 1024 });
    list.push({ what: 'soak peak RSS, worker', goal: '≤ 1536 MiB', measured: `${fmt(q.peakRssMiB.worker1)} MiB`, met: (q.peakRssMiB.worker1 ?? 0) <= 1536 });
  }
  const l = soak?.leak;
  if (l) {
    // Judged on what stays alive (V8 heap in use after a full GC): the RSS after one also counts what V8
    // and glibc keep for the next load (young generation, old-space pages not yet released), see README.
    const heapGrowth = ratio(l.workerHeapAfter10kGcMiB, l.workerHeapAfter1kGcMiB);
    const rssGrowth = ratio(l.workerRssAfter10kGcMiB, l.workerRssAfter1kGcMiB);
    const pct = (g: number | undefined) => `${fmt(((g ?? 1) - 1) * 100)}%`;
    list.push({
      what: 'worker JS heap in use after 10,000 vs 1,000 runs, after a full GC',
      goal: 'within 10%',
      measured:
        `${fmt(l.workerHeapAfter1kGcMiB)} → ${fmt(l.workerHeapAfter10kGcMiB)} MiB (${pct(heapGrowth)}); RSS after the GC ${fmt(l.workerRssAfter1kGcMiB)} → ${fmt(l.workerRssAfter10kGcMiB)} MiB ` +
        `(${pct(rssGrowth)}; young generation ${fmt(l.workerYoungAfter1kGcMiB)} → ${fmt(l.workerYoungAfter10kGcMiB)} MiB), without GC ${fmt(l.workerRssAfter1kMiB)} → ${fmt(l.workerRssAfter10kMiB)} MiB`,
      met: heapGrowth !== undefined && heapGrowth <= 1.1,
    });
  }
  return [...list, ...costTargets(results)];
}

function stackTables(results: BenchResults): string[] {
  const lines: string[] = [];
  const main = results.stacks.find((s) => s.name === 'main-sqlite');
  lines.push('## Throughput and latency (JSON, 50-token answers, no LLM delay)', '');
  lines.push('| stack | c | predictions/s | vs main-sqlite | p50 ms | p95 ms | p99 ms | errors | server CPU ms/pred | worker CPU ms/pred |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const stack of results.stacks) {
    for (const load of stack.json) {
      const workerCpu = Object.entries(load.cpuMsPerPrediction).filter(([k]) => k.startsWith('worker')).map(([, v]) => v);
      const vsMain = ratio(load.throughput, at(main, load.concurrency)?.throughput);
      lines.push(
        `| ${stack.name} | ${load.concurrency} | ${fmt(load.throughput)} | ${vsMain === undefined ? '–' : `${fmt(vsMain, 2)}×`} | ${fmt(load.latencyMs.p50, 2)} | ${fmt(load.latencyMs.p95, 2)} | ${fmt(load.latencyMs.p99, 2)} | ${load.errors + load.wrong} | ${fmt(load.cpuMsPerPrediction.server, 2)} | ${workerCpu.length ? workerCpu.map((v) => fmt(v, 2)).join(' + ') : '–'} |`,
      );
    }
  }
  lines.push('', '## Streaming (50 tokens, 20 ms apart, c=20)', '');
  lines.push('| stack | TTFT p50 ms | TTFT p99 ms | inter-token gap p50 ms | gap p99 ms | errors |');
  lines.push('|---|---|---|---|---|---|');
  for (const stack of results.stacks) {
    const s = stack.stream;
    lines.push(`| ${stack.name} | ${fmt(s.ttftMs?.p50, 2)} | ${fmt(s.ttftMs?.p99, 2)} | ${fmt(s.gapMs?.p50, 2)} | ${fmt(s.gapMs?.p99, 2)} | ${s.errors + s.wrong} |`);
  }
  lines.push('', '## Redis cost (queue mode)', '');
  lines.push('| stack | load | commands / prediction | commandstats µs / prediction | Redis process CPU µs / prediction | top commands |');
  lines.push('|---|---|---|---|---|---|');
  for (const stack of results.stacks.filter((s) => s.mode === 'queue')) {
    for (const load of [...stack.json.filter((j) => j.concurrency !== 20), stack.stream]) {
      if (!load.redis) continue;
      const top = Object.entries(load.redis.byCommand).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ');
      const what = load === stack.stream ? 'stream c=20' : `json c=${load.concurrency}`;
      lines.push(`| ${stack.name} | ${what} | ${fmt(load.redis.commandsPerPrediction)} | ${fmt(load.redis.usecPerPrediction)} | ${fmt(load.redis.cpuUsecPerPrediction)} | ${top} |`);
    }
  }
  lines.push('', '## Processes', '');
  lines.push('| stack | process | start-up ms | RSS idle MiB | RSS after load MiB | peak MiB | Redis connections |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const stack of results.stacks) {
    for (const name of Object.keys(stack.idleRssMiB)) {
      lines.push(`| ${stack.name} | ${name} | ${stack.startupMs[name] ?? '–'} | ${fmt(stack.idleRssMiB[name])} | ${fmt(stack.afterLoadRssMiB[name])} | ${fmt(stack.peakRssMiB[name])} | ${stack.redisConnections[name] ?? '–'} |`);
    }
  }
  return lines;
}

/** Writes `<base>.json` and `<base>.md`; returns their paths. */
export function writeReport(results: BenchResults, base: string): string[] {
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `# aimicromind benchmark, ${results.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`${results.command}\` on ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}. ` +
      'Every process (load generator, fake LLM, redis-server, PostgreSQL, server, workers) shares these cores, so ratios measured side by side in this one run mean more than absolute figures.',
    '',
    '## Targets',
    '',
    '| what | goal | measured | met |',
    '|---|---|---|---|',
    ...targets(results).map((t) => `| ${t.what} | ${t.goal} | ${t.measured} | ${t.met === undefined ? '–' : t.met ? 'yes' : 'no'} |`),
    '',
    ...stackTables(results),
    '',
    ...fixedVariableTable(results),
    '',
    ...tokenCostTable(results),
  ];
  if (results.vector) lines.push('', vectorReport(results.vector));
  if (results.soak) lines.push('', ...soakSection(results.soak));
  fs.writeFileSync(`${base}.md`, `${lines.join('\n')}\n`);
  return [`${base}.md`, `${base}.json`];
}

function soakSection(s: SoakResult): string[] {
  const lines = [
    '## Soak (PostgreSQL; queue: one server, one worker)',
    '',
    `${s.streams} concurrent streaming predictions (20 tokens, 50 ms apart), ramped over 20 s, against each mode.`,
    '',
    '| mode | complete | errors | wrong | in flight at most | duration s | TTFT p50 s | TTFT p99 s | peak RSS MiB | CPU ms / stream | Redis commands / stream |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [mode, r] of [['queue', s.queue], ['main', s.main]] as const) {
    if (!r) continue;
    const rss = Object.entries(r.peakRssMiB).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
    const cpu = Object.entries(r.cpuMsPerStream).filter(([k]) => k !== 'load').map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ');
    lines.push(
      `| ${mode} | ${r.ok} | ${r.errors} | ${r.wrong} | ${r.maxInFlight} | ${fmt(r.seconds)} | ${fmt((r.ttftMs?.p50 ?? NaN) / 1000, 2)} | ${fmt((r.ttftMs?.p99 ?? NaN) / 1000, 2)} | ${rss} | ${cpu} | ${fmt(r.redisCommandsPerStream)} |`,
    );
  }
  const l = s.leak;
  if (l) lines.push(
    '',
    `Leak check (queue worker): RSS ${fmt(l.workerRssAfter1kMiB)} MiB after 1,000 runs and ${fmt(l.workerRssAfter10kMiB)} MiB after 10,000 as measured; ` +
      `after a forced full GC (bench/gc-probe.ts) ${fmt(l.workerRssAfter1kGcMiB)} and ${fmt(l.workerRssAfter10kGcMiB)} MiB, of which young generation ` +
      `${fmt(l.workerYoungAfter1kGcMiB)} and ${fmt(l.workerYoungAfter10kGcMiB)} MiB, and V8 heap in use ${fmt(l.workerHeapAfter1kGcMiB)} and ${fmt(l.workerHeapAfter10kGcMiB)} MiB. Errors: ${l.errors}. ` +
      'Between the two without a GC, V8 grows its heap to fit the load; after one, the heap in use is what stayed alive, ' +
      'and the young generation is what V8 keeps committed for the next load (up to 2 × --max-semi-space-size).',
  );
  const samples = [...(s.queue?.errorSamples ?? []), ...(s.main?.errorSamples ?? [])];
  if (samples.length) lines.push('', 'Error samples:', ...samples.map((e) => `- ${e}`));
  return lines;
}
