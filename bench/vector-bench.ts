import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRootLogger } from '../src/shared/logger.js';
import { unitVector } from '../src/shared/vector-math.js';
import { type Database, openDatabase } from '../src/storage/database.js';
import { VectorRepository } from '../src/storage/repositories/vector-repository.js';
import type { PostgresServer } from '../test/support/postgres-server.js';

/**
 * The vector store's search latency (exact search, k = 4) at growing collection sizes, on SQLite and
 * on PostgreSQL without pgvector (both scan every chunk of the collection; pgvector's HNSW index does
 * not). Vectors are random unit vectors of 1536 dimensions (OpenAI's ada-002/3-small size).
 */
export interface VectorBenchPoint {
  backend: 'sqlite' | 'postgres (no pgvector)';
  chunks: number;
  dims: number;
  /** Seconds to write the collection, for scale. */
  writeSeconds: number;
  /**
   * The longest the event loop was kept from running while this size was written, ms (writes are
   * committed 500 rows a transaction with the loop served between them: what a ping waits at most).
   */
  writeMaxLagMs: number;
  /** The first search after the collection changed: it (re)loads the vectors into memory when they fit, ms. */
  firstMs: number;
  /** Search latency over `queries` further questions, ms. */
  searchMs: { p50: number; p95: number; max: number };
  queries: number;
}

export interface VectorBenchResult {
  points: VectorBenchPoint[];
  /** The largest size measured whose p95 stays under FAST_MS, per backend. */
  fastUpTo: Record<string, number | undefined>;
}

export const FAST_MS = 100;
const DIMS = 1536;
const WRITE_BATCH = 2000;

/** A deterministic pseudo-random generator (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomVector = (next: () => number) => unitVector(Array.from({ length: DIMS }, () => next() - 0.5));

function percentiles(values: number[]): VectorBenchPoint['searchMs'] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1]! * 10) / 10 };
}

/** Grows one collection to each size in turn and measures its search there. */
async function measure(database: Database, backend: VectorBenchPoint['backend'], sizes: number[], log: (m: string) => void): Promise<VectorBenchPoint[]> {
  const repo = new VectorRepository(database.db, database.dialect);
  const spec = { key: 'bench', embedder: 'bench', dims: DIMS };
  const next = random(42);
  const points: VectorBenchPoint[] = [];
  let held = 0;
  let writeSeconds = 0;
  for (const size of sizes) {
    const started = performance.now();
    let writeMaxLagMs = 0;
    while (held < size) {
      const count = Math.min(WRITE_BATCH, size - held);
      const chunks = Array.from({ length: count }, (_, i) => ({
        pageContent: `chunk ${held + i}`,
        metadata: { n: held + i },
        contentHash: `h${held + i}`,
        embedding: randomVector(next),
      }));
      // Only the write is watched (making the random vectors above blocks the loop too).
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      await repo.write(spec, chunks, { replace: false });
      lag.disable();
      writeMaxLagMs = Math.max(writeMaxLagMs, Math.round(lag.max / 1e6));
      held += count;
    }
    writeSeconds += (performance.now() - started) / 1000;
    // Collections beyond the in-memory limit take seconds a search: fewer questions there.
    const queries = size > 40000 ? 5 : 20;
    const first = performance.now();
    await repo.search('bench', randomVector(next), 4);
    const firstMs = Math.round(performance.now() - first);
    const times: number[] = [];
    for (let q = 0; q < queries; q += 1) {
      const query = randomVector(next);
      const t = performance.now();
      await repo.search('bench', query, 4);
      times.push(performance.now() - t);
    }
    const point = { backend, chunks: size, dims: DIMS, writeSeconds: Math.round(writeSeconds), writeMaxLagMs, firstMs, searchMs: percentiles(times), queries };
    log(`vector ${backend} ${size} chunks: first search ${firstMs} ms, then p50 ${point.searchMs.p50} ms, p95 ${point.searchMs.p95} ms; writing kept the event loop at most ${writeMaxLagMs} ms`);
    points.push(point);
  }
  return points;
}

export async function runVectorBench(options: { quick: boolean; postgres?: PostgresServer; log: (m: string) => void }): Promise<VectorBenchResult> {
  const logger = createRootLogger('silent', { role: 'bench' });
  // 40k × 1536 floats fits the default in-memory limit (VECTOR_CACHE_SIZE, 256 MiB); 100k does not.
  const sizes = options.quick ? [1000, 10000] : [10000, 40000, 100000];
  const points: VectorBenchPoint[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-vector-bench-'));
  try {
    const sqlite = await openDatabase({ type: 'sqlite', directory: dir, file: path.join(dir, 'database.sqlite') }, logger);
    try {
      await sqlite.migrate();
      points.push(...(await measure(sqlite, 'sqlite', sizes, options.log)));
    } finally {
      await sqlite.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (options.postgres) {
    const url = await options.postgres.createDatabase(`vec_${Date.now()}`);
    const pg = await openDatabase({ type: 'postgres', url, host: '', port: 5432, database: '', ssl: false }, logger);
    try {
      await pg.migrate();
      points.push(...(await measure(pg, 'postgres (no pgvector)', options.quick ? [1000, 10000] : [10000, 100000], options.log)));
    } finally {
      await pg.close();
    }
  }
  const fastUpTo: Record<string, number | undefined> = {};
  for (const backend of new Set(points.map((p) => p.backend))) {
    const fast = points.filter((p) => p.backend === backend && p.searchMs.p95 < FAST_MS);
    fastUpTo[backend] = fast.length > 0 ? Math.max(...fast.map((p) => p.chunks)) : undefined;
  }
  return { points, fastUpTo };
}

/** The report's section. */
export function vectorReport(result: VectorBenchResult): string {
  const rows = result.points.map(
    (p) => `| ${p.backend} | ${p.chunks.toLocaleString('en')} | ${p.dims} | ${p.firstMs} | ${p.searchMs.p50} | ${p.searchMs.p95} | ${p.searchMs.max} | ${p.queries} | ${p.writeSeconds} | ${p.writeMaxLagMs} |`,
  );
  const fast = Object.entries(result.fastUpTo)
    .map(([backend, size]) => `${backend}: ${size === undefined ? 'none of the sizes measured' : `up to ${size.toLocaleString('en')} chunks`}`)
    .join('; ');
  return [
    '## Vector store (exact search, k = 4)',
    '',
    '| backend | chunks | dims | first search ms (loads vectors) | search p50 ms | p95 ms | max ms | searches | write s (cumulative) | longest event-loop stall while writing, ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Fast (p95 under ${FAST_MS} ms): ${fast}. Search time grows linearly with the collection (every chunk is scored); beyond that size use PostgreSQL with pgvector (HNSW index per collection).`,
    '',
  ].join('\n');
}
