import { createHash } from 'node:crypto';
import type pg from 'pg';
import { TopK, bytesToVector, dot, vectorToBytes } from '../../../shared/vector-math.js';

/**
 * A Flowise `postgres` vector table in the user's own database: `id uuid, "pageContent" text, metadata
 * jsonb, embedding vector` (Flowise's TypeORM driver), so tables Flowise filled keep working. Where
 * pgvector is missing, the table is created with `embedding bytea` (float32) and searched here.
 * Chunk ids derive from the chunk's content hash: a repeated or retried upsert adds nothing twice.
 */
export type DistanceStrategy = 'cosine' | 'euclidean' | 'innerProduct';

/** Flowise's marker of chunks uploaded in a chat (`fileUpload`): only that chat finds them. */
export const FLOWISE_CHATID = 'flowise_chatId';

const OPERATORS: Record<DistanceStrategy, string> = { cosine: '<=>', euclidean: '<->', innerProduct: '<#>' };
const SCAN_BATCH = 2000;

/** Flowise's rule: trimmed, lower case, spaces as `_`, then letters, digits and `_` only. */
export function sanitizeTableName(name: string): string {
  const clean = name.trim().toLowerCase().replace(/\s+/g, '_');
  if (!/^[a-z0-9_]+$/.test(clean)) throw new Error(`Invalid table name "${name}": use letters, digits and _`);
  return clean;
}

/** A UUID made from a content hash (the version nibble says 5: name-based). */
export function hashToUuid(contentHash: string): string {
  const hex = createHash('sha256').update(contentHash).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface TableChunk {
  pageContent: string;
  metadata: Record<string, unknown>;
  contentHash: string;
  /** As the embedding model returned it (pgvector's distances need the raw values). */
  vector: number[];
}

export interface TableMatch {
  id: string;
  pageContent: string;
  metadata: Record<string, unknown>;
  /** Flowise returns the distance (smaller is closer). */
  distance: number;
}

type Mode = 'pgvector' | 'bytea';

function distance(strategy: DistanceStrategy, query: Float32Array, vector: Float32Array): number {
  if (strategy === 'innerProduct') return -dot(query, vector);
  if (strategy === 'euclidean') {
    let sum = 0;
    for (let i = 0; i < query.length; i += 1) sum += (query[i]! - vector[i]!) ** 2;
    return Math.sqrt(sum);
  }
  const norms = Math.sqrt(dot(query, query) * dot(vector, vector));
  return norms === 0 ? 1 : 1 - dot(query, vector) / norms;
}

export class PostgresVectorTable {
  private mode: Promise<Mode | undefined> | undefined;
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    tableName: string,
    private readonly strategy: DistanceStrategy,
  ) {
    this.table = `"${sanitizeTableName(tableName)}"`;
  }

  /** The table's embedding type, or undefined when it does not exist (yet). */
  private detect(): Promise<Mode | undefined> {
    this.mode ??= this.pool
      .query<{ type: string }>(
        `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = to_regclass($1) and attname = 'embedding'`,
        [this.table],
      )
      .then((r) => (r.rows[0] ? (r.rows[0].type.startsWith('vector') ? 'pgvector' : 'bytea') : undefined));
    return this.mode;
  }

  /** Creates the table (and pgvector, where the server has it and we may); answers its mode. */
  private async ensureTable(): Promise<Mode> {
    const found = await this.detect();
    if (found) return found;
    let vector = true;
    try {
      await this.pool.query('create extension if not exists vector');
    } catch {
      vector = false;
    }
    await this.pool.query(
      `create table if not exists ${this.table} ("id" uuid primary key, "pageContent" text, metadata jsonb, embedding ${vector ? 'vector' : 'bytea'})`,
    );
    this.mode = undefined;
    return (await this.detect()) ?? 'bytea';
  }

  /** Inserts chunks not held yet (by id = hash); answers how many were new. */
  async add(chunks: TableChunk[], batchSize: number): Promise<number> {
    if (chunks.length === 0) return 0;
    const mode = await this.ensureTable();
    let added = 0;
    for (let start = 0; start < chunks.length; start += batchSize) {
      const batch = chunks.slice(start, start + batchSize);
      const params: unknown[] = [];
      const tuples = batch.map((chunk) => {
        const embedding = mode === 'pgvector' ? `[${chunk.vector.join(',')}]` : vectorToBytes(Float32Array.from(chunk.vector));
        params.push(hashToUuid(chunk.contentHash), chunk.pageContent.replace(/\0/g, ''), JSON.stringify(chunk.metadata), embedding);
        const n = params.length;
        return `($${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n})`;
      });
      const result = await this.pool.query(
        `insert into ${this.table} ("id", "pageContent", metadata, embedding) values ${tuples.join(', ')} on conflict ("id") do nothing`,
        params,
      );
      added += result.rowCount ?? 0;
    }
    return added;
  }

  /**
   * The `k` nearest chunks whose metadata contains `filter` (jsonb containment, bound as one
   * parameter). With a chat id, chunks uploaded in other chats are left out (Flowise's rule).
   */
  async search(query: number[], k: number, filter: Record<string, unknown> = {}): Promise<TableMatch[]> {
    const mode = await this.detect();
    if (!mode) return [];
    const { [FLOWISE_CHATID]: chatId, ...rest } = filter;
    const params: unknown[] = [JSON.stringify(rest)];
    let where = `((metadata @> $1::jsonb) and not (metadata ? '${FLOWISE_CHATID}'))`;
    if (chatId !== undefined) {
      params.push(JSON.stringify({ [FLOWISE_CHATID]: chatId }));
      where += ` or metadata @> $2::jsonb`;
    }
    if (mode === 'pgvector') {
      params.push(`[${query.join(',')}]`, k);
      const n = params.length;
      const rows = await this.pool.query<{ id: string; pageContent: string; metadata: Record<string, unknown>; _distance: number }>(
        `select "id", "pageContent", metadata, embedding ${OPERATORS[this.strategy]} $${n - 1} as "_distance" from ${this.table} where ${where} order by "_distance" asc limit $${n}`,
        params,
      );
      return rows.rows.map((r) => ({ id: r.id, pageContent: r.pageContent, metadata: r.metadata ?? {}, distance: Number(r._distance) }));
    }
    return this.scan(Float32Array.from(query), k, where, params);
  }

  private async scan(query: Float32Array, k: number, where: string, params: unknown[]): Promise<TableMatch[]> {
    const best = new TopK<TableMatch>(k);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.pool.query<{ id: string; pageContent: string; metadata: Record<string, unknown>; embedding: Buffer }>(
        `select "id", "pageContent", metadata, embedding from ${this.table} where (${where}) and "id" > $${params.length + 1} order by "id" limit ${SCAN_BATCH}`,
        [...params, after],
      );
      for (const row of rows.rows) {
        const vector = bytesToVector(row.embedding);
        if (vector.length !== query.length) continue;
        const d = distance(this.strategy, query, vector);
        best.offer(-d, { id: row.id, pageContent: row.pageContent, metadata: row.metadata ?? {}, distance: d });
      }
      if (rows.rows.length < SCAN_BATCH) break;
      after = rows.rows[rows.rows.length - 1]!.id;
    }
    return best.result().map((entry) => entry.item);
  }
}
