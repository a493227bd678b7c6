import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PostgresServer } from '../test/support/postgres-server.js';
import { BenchProcess } from './bench-process.js';

export const BENCH_ADMIN_KEY = 'bench-admin-key';

export interface StackSpec {
  name: string;
  mode: 'main' | 'queue';
  database: 'sqlite' | 'postgres';
  workers: number;
}

export interface SharedServices {
  redisUrl: string;
  /** Needed by PostgreSQL stacks only. */
  postgres?: PostgresServer;
  fakeUrl: string;
}

function requirePostgres(shared: SharedServices): PostgresServer {
  if (!shared.postgres) throw new Error('a PostgreSQL stack needs a PostgreSQL server');
  return shared.postgres;
}

/** One deployment under test: a server process and its worker processes, with their own database. */
export class Stack {
  private constructor(
    readonly spec: StackSpec,
    readonly url: string,
    readonly server: BenchProcess,
    readonly workers: BenchProcess[],
    readonly env: Record<string, string>,
  ) {}

  get processes(): BenchProcess[] {
    return [this.server, ...this.workers];
  }

  static async start(
    spec: StackSpec,
    shared: SharedServices,
    port: number,
    extraEnv: Record<string, string> = {},
    workerNodeArgs: string[] = [],
  ): Promise<Stack> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aim-bench-${spec.name}-`));
    const database: Record<string, string> =
      spec.database === 'postgres'
        ? { DATABASE_TYPE: 'postgres', DATABASE_URL: await requirePostgres(shared).createDatabase('bench') }
        : { DATABASE_TYPE: 'sqlite' };
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      MODE: spec.mode,
      LOG_LEVEL: 'warn',
      DATABASE_PATH: dir,
      SECRETKEY_PATH: dir,
      SECRET_KEY: 'bench-secret-key',
      AIMICROMIND_API_KEY: BENCH_ADMIN_KEY,
      REDIS_URL: shared.redisUrl,
      QUEUE_NAME: `bench-${spec.name}-${Date.now()}`,
      LLM_MAX_RETRIES: '0',
      WORKER_PORT: '0',
      ...database,
      ...extraEnv,
    };
    // Logs at warn hide the ready line; the server says it at info, so wait on /readyz instead.
    const server = BenchProcess.node(`${spec.name}/server`, 'src/cli/main.js', ['start'], { ...env, LOG_LEVEL: 'info' });
    await server.waitFor(/aimicromind server ready/);
    const workers: BenchProcess[] = [];
    for (let i = 0; i < (spec.mode === 'queue' ? spec.workers : 0); i += 1) {
      const worker = BenchProcess.node(`${spec.name}/worker${i + 1}`, 'src/cli/main.js', ['worker'], { ...env, LOG_LEVEL: 'info' }, workerNodeArgs);
      await worker.waitFor(/aimicromind worker ready/);
      workers.push(worker);
    }
    return new Stack(spec, `http://127.0.0.1:${port}`, server, workers, env);
  }

  async addWorker(): Promise<BenchProcess> {
    const worker = BenchProcess.node(`${this.spec.name}/worker${this.workers.length + 1}`, 'src/cli/main.js', ['worker'], { ...this.env, LOG_LEVEL: 'info' });
    await worker.waitFor(/aimicromind worker ready/);
    this.workers.push(worker);
    return worker;
  }

  async api<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(this.url + route, {
      method,
      headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Where the processes run (heap snapshots land here). */
  get directory(): string {
    return this.env.DATABASE_PATH!;
  }

  /** Stops the processes and removes the stack's directory (its SQLite database, secret key, uploads). */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.server.stop();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
