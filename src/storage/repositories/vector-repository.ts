import { randomUUID } from 'node:crypto';
import { type Transaction, sql } from 'kysely';
import type { Logger } from '../../shared/logger.js';
import { TopK, bytesToVector, dot, vectorToBytes } from '../../shared/vector-math.js';
import type { Db } from '../database.js';
import type { DatabaseSchema } from '../schema.js';
import { nowIso } from './json-columns.js';
import { VectorMatrixCache, topRows } from './vector-matrix-cache.js';
import { deleteChatflowCollections } from './owner-cleanup.js';
import { yieldToLoop } from '../../shared/yield-to-loop.js';
import { type Filter, bumpVersion, checkedId, dropHnswIndexSql, filterConditions, hnswIndexName, hnswIndexSql, parseMetadata, pgvectorCast, pgvectorLiteral } from './vector-search.js';

export interface CollectionSpec {
  key: string;
  embedder: string;
  dims: number;
}

export interface StoredChunkInput {
  pageContent: string;
  metadata: Record<string, unknown>;
  contentHash: string;
  /** Unit length. */
  embedding: Float32Array;
}

export interface FoundChunk {
  id: string;
  pageContent: string;
  metadata: Record<string, unknown>;
  score: number;
}

export interface WriteCounts {
  numAdded: number;
  numDeleted: number;
  numUpdated: number;
  numSkipped: number;
}

/** How embeddings are kept: SQLite BLOB, pgvector `vector`, or `bytea` scanned in the process. */
type Storage = 'blob' | 'pgvector' | 'bytea';

const INSERT_BATCH = 200;
/** Rows one write transaction holds (the event loop runs between transactions). */
const WRITE_BATCH = 500;
const SCAN_BATCH = 2000;
/** Vectors a process keeps in memory between searches (about 40k chunks of 1536 dimensions). */
export const DEFAULT_MATRIX_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The vector store every process shares (nodes-rag.md §3.3): chunks keyed by (collection, content
 * hash), so writes are idempotent. Search is exact over float32 (the collection's vectors held in this
 * process per collection version, or rows scored here in batches) or pgvector with a per-collection
 * HNSW index.
 */
export class VectorRepository {
  private storage: Promise<Storage> | undefined;
  private readonly matrices: VectorMatrixCache;

  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly logger?: Logger,
    matrixCacheBytes = DEFAULT_MATRIX_CACHE_BYTES,
  ) {
    this.matrices = new VectorMatrixCache(matrixCacheBytes);
  }

  /** Which column type the migration chose (PostgreSQL: `vector` when pgvector was there; else a warning, once). */
  storageKind(): Promise<Storage> {
    this.storage ??= (async (): Promise<Storage> => {
      if (this.dialect === 'sqlite') return 'blob';
      const row = await sql<{ type: string }>`select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'vector_chunk'::regclass and attname = 'embedding'`.execute(this.db);
      if (row.rows[0]?.type === 'vector') return 'pgvector';
      this.logger?.warn('pgvector is not installed in the database: vector search scans each collection in the process (fine for tens of thousands of chunks)');
      return 'bytea';
    })();
    return this.storage;
  }

  async describe(key: string): Promise<CollectionSpec | undefined> {
    const row = await this.db.selectFrom('vector_collection').select(['key', 'embedder', 'dims']).where('key', '=', key).executeTakeFirst();
    return row ? { key: row.key, embedder: row.embedder, dims: Number(row.dims) } : undefined;
  }

  async count(key: string): Promise<number> {
    const row = await this.db
      .selectFrom('vector_chunk')
      .innerJoin('vector_collection', 'vector_collection.id', 'vector_chunk.collectionId')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('vector_collection.key', '=', key)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Adds the chunks not yet held (by hash); with `replace`, removes the others. In transactions of at
   * most WRITE_BATCH rows, the event loop served between them (better-sqlite3 is synchronous: one
   * transaction of 23,444 chunks froze a main-mode server for seconds). Batches are idempotent (unique
   * hash) and each bumps the version, so no process keeps a copy of the vectors it cached mid-write.
   */
  async write(spec: CollectionSpec, chunks: StoredChunkInput[], options: { replace: boolean }): Promise<WriteCounts> {
    const storage = await this.storageKind();
    for (const chunk of chunks) {
      if (chunk.embedding.length !== spec.dims) throw new Error(`chunk vector has ${chunk.embedding.length} values; the collection needs ${spec.dims}`);
    }
    const { id, numDeleted: emptied } = await this.db.transaction().execute(async (trx) => {
      const found = await this.collectionFor(trx, spec, chunks.length > 0);
      if (found.numDeleted > 0) await bumpVersion(trx, found.id);
      return found;
    });
    const existing = await this.db.selectFrom('vector_chunk').select(['id', 'contentHash']).where('collectionId', '=', id).execute();
    const held = new Set(existing.map((row) => row.contentHash));
    const rows = [...new Map(chunks.filter((chunk) => !held.has(chunk.contentHash)).map((chunk) => [chunk.contentHash, chunk])).values()];
    let numAdded = 0;
    for (let start = 0; start < rows.length; start += WRITE_BATCH) {
      const now = nowIso();
      const batch = rows.slice(start, start + WRITE_BATCH).map((chunk) => chunkRow(chunk, id, storage === 'pgvector', now));
      numAdded += await this.db.transaction().execute(async (trx) => {
        let added = 0;
        for (let at = 0; at < batch.length; at += INSERT_BATCH) {
          const result = await trx
            .insertInto('vector_chunk')
            .values(batch.slice(at, at + INSERT_BATCH))
            .onConflict((oc) => oc.columns(['collectionId', 'contentHash']).doNothing())
            .executeTakeFirst();
          added += Number(result.numInsertedOrUpdatedRows ?? 0n);
        }
        if (added > 0) await bumpVersion(trx, id);
        return added;
      });
      await yieldToLoop();
    }
    let numDeleted = emptied;
    if (options.replace) {
      const keep = new Set(chunks.map((c) => c.contentHash));
      const stale = existing.filter((row) => !keep.has(row.contentHash)).map((row) => row.id);
      for (let start = 0; start < stale.length; start += WRITE_BATCH) {
        numDeleted += await this.db.transaction().execute(async (trx) => {
          const result = await trx.deleteFrom('vector_chunk').where('id', 'in', stale.slice(start, start + WRITE_BATCH)).executeTakeFirst();
          const deleted = Number(result.numDeletedRows);
          if (deleted > 0) await bumpVersion(trx, id);
          return deleted;
        });
        await yieldToLoop();
      }
    }
    // After the writes: an index built during them would also read the rows they delete (another size).
    if (storage === 'pgvector' && numAdded > 0) await this.ensureIndex(id, spec.dims);
    return { numAdded, numDeleted, numUpdated: 0, numSkipped: chunks.length - numAdded };
  }

  /** The collection's HNSW index, built once (looked up first: building takes a lock writers wait on). */
  private async ensureIndex(collectionId: string, dims: number): Promise<void> {
    const ddl = hnswIndexSql(collectionId, dims);
    if (!ddl) return;
    const name = hnswIndexName(collectionId, dims);
    const found = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where tablename = 'vector_chunk' and indexname = ${name}`.execute(this.db);
    if ((found.rows[0]?.n ?? 0) === 0) await ddl.execute(this.db);
  }

  /** The collection's id, created on first write; another embedder (or size) empties it first. */
  private async collectionFor(trx: Transaction<DatabaseSchema>, spec: CollectionSpec, writing: boolean): Promise<{ id: string; numDeleted: number }> {
    const now = nowIso();
    await trx
      .insertInto('vector_collection')
      .values({ id: randomUUID(), key: spec.key, embedder: spec.embedder, dims: spec.dims, version: 1, createdDate: now, updatedDate: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await trx.selectFrom('vector_collection').selectAll().where('key', '=', spec.key).executeTakeFirstOrThrow();
    if (row.embedder === spec.embedder && (Number(row.dims) === spec.dims || !writing)) return { id: row.id, numDeleted: 0 };
    const deleted = await trx.deleteFrom('vector_chunk').where('collectionId', '=', row.id).executeTakeFirst();
    // Its HNSW index casts to the old size; new vectors would not fit it.
    if ((await this.storageKind()) === 'pgvector') await dropHnswIndexSql(row.id, Number(row.dims)).execute(trx);
    await trx.updateTable('vector_collection').set({ embedder: spec.embedder, dims: spec.dims, updatedDate: now }).where('id', '=', row.id).execute();
    return { id: row.id, numDeleted: Number(deleted.numDeletedRows) };
  }

  /** Deletes a deleted chatflow's collections (see owner-cleanup.ts); answers the chunks deleted. */
  deleteChatflowCollections(chatflowId: string): Promise<number> {
    return deleteChatflowCollections(this.db, this.dialect, chatflowId);
  }

  /** The `k` chunks closest to `query` (a unit vector), best first. */
  async search(key: string, query: Float32Array, k: number, filter?: Filter): Promise<FoundChunk[]> {
    const collection = await this.db.selectFrom('vector_collection').select(['id', 'dims', 'version']).where('key', '=', key).executeTakeFirst();
    if (!collection || k < 1) return [];
    const dims = Number(collection.dims);
    if (query.length !== dims) throw new Error(`the question's vector has ${query.length} values; the collection holds ${dims}`);
    const storage = await this.storageKind();
    if (storage === 'pgvector') return this.searchPgvector(collection.id, dims, query, k, filter);
    if (!filter) {
      const held = await this.matrixOf(collection.id, dims, Number(collection.version));
      if (held) return this.rowsByScore(topRows(held, query, k));
    }
    return this.scan(collection.id, query, k, filter);
  }

  private async searchPgvector(collectionId: string, dims: number, query: Float32Array, k: number, filter?: Filter): Promise<FoundChunk[]> {
    // Literal id and size, so the planner can match the collection's partial index (a bound
    // parameter in a generic prepared plan could not).
    const cast = sql.raw(`${pgvectorCast(dims)?.type ?? 'vector'}(${dims})`);
    const q = pgvectorLiteral(query);
    const rows = await this.db
      .selectFrom('vector_chunk')
      .select(['id', 'content', 'metadata', sql<number>`1 - (embedding::${cast} <=> ${q}::${cast})`.as('score')])
      .where(sql<boolean>`"collectionId" = ${sql.lit(checkedId(collectionId))}`)
      .where((eb) => eb.and(filterConditions(eb, filter, 'postgres')))
      .orderBy(sql`embedding::${cast} <=> ${q}::${cast}`)
      .limit(k)
      .execute();
    return rows.map((r) => ({ id: r.id, pageContent: r.content, metadata: parseMetadata(r.metadata), score: Number(r.score) }));
  }

  /** The collection's vectors from this process's memory, loaded once per version; none when too large. */
  private async matrixOf(collectionId: string, dims: number, version: number) {
    const held = this.matrices.get(collectionId, version);
    if (held) return held;
    const counted = await this.db
      .selectFrom('vector_chunk')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('collectionId', '=', collectionId)
      .executeTakeFirstOrThrow();
    const rows = Number(counted.n);
    if (!this.matrices.fits(rows, dims)) return undefined;
    const ids: string[] = [];
    const matrix = new Float32Array(rows * dims);
    let after = '';
    for (;;) {
      const batch = await this.db
        .selectFrom('vector_chunk')
        .select(['id', 'embedding'])
        .where('collectionId', '=', collectionId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(SCAN_BATCH)
        .execute();
      for (const row of batch) {
        const vector = bytesToVector(row.embedding as Buffer);
        // Rows written meanwhile (past the count) wait for the next version's load.
        if (vector.length !== dims || ids.length >= rows) continue;
        matrix.set(vector, ids.length * dims);
        ids.push(row.id);
      }
      if (batch.length < SCAN_BATCH) break;
      after = batch[batch.length - 1]!.id;
    }
    const loaded = { ids, matrix: ids.length === rows ? matrix : matrix.subarray(0, ids.length * dims), dims };
    this.matrices.put(collectionId, version, loaded);
    return loaded;
  }

  /** The chunks of scored ids, in score order. */
  private async rowsByScore(top: Array<{ id: string; score: number }>): Promise<FoundChunk[]> {
    if (top.length === 0) return [];
    const found = await this.db.selectFrom('vector_chunk').select(['id', 'content', 'metadata']).where('id', 'in', top.map((t) => t.id)).execute();
    const byId = new Map(found.map((row) => [row.id, row]));
    return top.flatMap(({ id, score }) => {
      const row = byId.get(id);
      return row ? [{ id, pageContent: row.content, metadata: parseMetadata(row.metadata), score }] : [];
    });
  }

  /**
   * Exact search in the database's rows, read in id order in batches (filtered searches, and
   * collections too large to hold in memory).
   */
  private async scan(collectionId: string, query: Float32Array, k: number, filter?: Filter): Promise<FoundChunk[]> {
    const best = new TopK<string>(k);
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('vector_chunk')
        .select(['id', 'embedding'])
        .where('collectionId', '=', collectionId)
        .where('id', '>', after)
        .where((eb) => eb.and(filterConditions(eb, filter, this.dialect)))
        .orderBy('id')
        .limit(SCAN_BATCH)
        .execute();
      for (const row of rows) {
        const vector = bytesToVector(row.embedding as Buffer);
        if (vector.length === query.length) best.offer(dot(query, vector), row.id);
      }
      if (rows.length < SCAN_BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
    return this.rowsByScore(best.result().map(({ score, item }) => ({ id: item, score })));
  }
}

function chunkRow(chunk: StoredChunkInput, collectionId: string, pgvector: boolean, createdDate: string) {
  const embedding = pgvector ? pgvectorLiteral(chunk.embedding) : vectorToBytes(chunk.embedding);
  return { id: randomUUID(), collectionId, contentHash: chunk.contentHash, content: chunk.pageContent, metadata: JSON.stringify(chunk.metadata), embedding, createdDate };
}
