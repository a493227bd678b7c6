import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { llmChainFlow } from '../test/fixtures/chatflows.js';
import { freePort } from '../test/support/free-port.js';
import { PostgresServer } from '../test/support/postgres-server.js';
import { RedisServer } from '../test/support/redis-server.js';
import { ROOT, cpuMsOfTree } from './bench-process.js';
import { Stack, type StackSpec } from './stack.js';

/**
 * `npm run bench:anchor`: our server measured exactly as `../shared/anchors/flowise/run-bench.sh`
 * measures Flowise 3.1.4, for a side-by-side in one sitting: the anchors' own fake LLM
 * (`fake-llm/server.mjs`, 50 tokens, no delay) and load generator (`loadgen.mjs`, every answer checked
 * against its nonce), the same flow (Prompt Template "Answer the question: {question}" → LLM Chain ←
 * ChatOpenAI), the same warm-up (30 sequential predictions, JSON then streaming) and the same cases and
 * sizes (JSON at c=1, 20, 100: 200, 1,500, 2,000 predictions; streaming at c=20: 600), on PostgreSQL, in
 * main mode and in queue mode with one worker. Prints one JSON line per case (the load generator's
 * output plus CPU ms per process over the case) and writes them to `--out` (JSON lines).
 */
const { values } = parseArgs({
  options: {
    anchors: { type: 'string', default: path.resolve(ROOT, '../shared/anchors') },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/anchor-side-by-side.jsonl') },
    modes: { type: 'string', default: 'main,queue1' },
  },
});
const anchors = values.anchors!;
const TOKENS = 50;
const CASES: Array<{ name: string; total: number; concurrency: number; stream: boolean }> = [
  { name: 'nonstream-c1', total: 200, concurrency: 1, stream: false },
  { name: 'nonstream-c20', total: 1500, concurrency: 20, stream: false },
  { name: 'nonstream-c100', total: 2000, concurrency: 100, stream: false },
  { name: 'stream-c20', total: 600, concurrency: 20, stream: true },
];

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.slice(-1000)}`))));
  });
}

async function main(): Promise<void> {
  const fakePort = await freePort();
  const fake = spawn(process.execPath, [path.join(anchors, 'fake-llm/server.mjs')], {
    env: { ...process.env, PORT: String(fakePort), TOKENS: String(TOKENS), TOKEN_DELAY_MS: '0', FIRST_TOKEN_MS: '0' },
    stdio: 'ignore',
  });
  const redis = await RedisServer.start();
  const postgres = await PostgresServer.start();
  const lines: string[] = [];
  try {
    for (let i = 0; i < 100; i += 1) {
      if ((await fetch(`http://127.0.0.1:${fakePort}/health`).catch(() => undefined))?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const mode of values.modes!.split(',')) {
      const spec: StackSpec =
        mode === 'main' ? { name: 'main-postgres', mode: 'main', database: 'postgres', workers: 0 } : { name: 'queue-1w-postgres', mode: 'queue', database: 'postgres', workers: 1 };
      const stack = await Stack.start(spec, { redisUrl: redis.url, postgres, fakeUrl: '' }, await freePort());
      try {
        const credential = await stack.api<{ id: string }>('POST', '/api/v1/credentials', { name: 'bench', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-bench' } });
        const flow = llmChainFlow({ model: 'gpt-4o-mini', basepath: `http://127.0.0.1:${fakePort}/v1`, credential: credential.id, template: 'Answer the question: {question}', promptValues: '' });
        const { id } = await stack.api<{ id: string }>('POST', '/api/v1/chatflows', { name: 'bench-llm-chain', flowData: JSON.stringify(flow) });
        const loadgen = (total: number, concurrency: number, stream: boolean, label: string) =>
          run(process.execPath, [path.join(anchors, 'loadgen.mjs'), stack.url, id, String(total), String(concurrency), stream ? 'on' : 'off', '--tokens', String(TOKENS), '--label', label, '--max-seconds', '600', '--timeout-ms', '120000']);
        await loadgen(30, 1, false, `${mode}/warmup`);
        await loadgen(30, 1, true, `${mode}/warmup-stream`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        for (const c of CASES) {
          const processes: Array<[string, number]> = [...stack.processes.map((p): [string, number] => [p.name.split('/').pop()!, p.pid]), ['redis', redis.pid!], ['fake', fake.pid!]];
          const before = processes.map(([, pid]) => cpuMsOfTree(pid));
          const pgBefore = cpuMsOfTree(postgres.pid!);
          const result = JSON.parse((await loadgen(c.total, c.concurrency, c.stream, `${mode}/${c.name}`)).trim().split('\n').at(-1)!) as Record<string, unknown>;
          const cpu = Object.fromEntries(processes.map(([name, pid], i) => [name, cpuMsOfTree(pid) - before[i]!]));
          const line = JSON.stringify({ ...result, product: 'aimicromind', db: 'postgres', mode, case: c.name, cpu_ms: { ...cpu, postgres: cpuMsOfTree(postgres.pid!) - pgBefore } });
          console.log(line);
          lines.push(line);
        }
      } finally {
        await stack.stop();
      }
    }
  } finally {
    fake.kill();
    await redis.stop();
    await postgres.stop();
  }
  fs.writeFileSync(values.out!, `${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
