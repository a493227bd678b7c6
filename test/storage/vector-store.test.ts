import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import type { DatabaseSchema } from '../../src/storage/schema.js';
import { VectorRepository } from '../../src/storage/repositories/vector-repository.js';
import { unitVector } from '../../src/shared/vector-math.js';
import { parseMetadataFilter } from '../../src/engine/vectors/vector-port.js';
import { createTestDatabase } from '../support/test-postgres.js';
import { openTestDatabase } from '../support/vector-db.js';

const chunk = (text: string, vector: number[], metadata: Record<string, unknown> = {}) => ({
  pageContent: text,
  metadata,
  contentHash: `hash-${text}`,
  embedding: unitVector(vector),
});

/** The same contract on every backend: idempotent writes, replace, exact ranking, filters, embedder change. */
function vectorStoreContract(name: string, expectedKind: string, open: () => Promise<{ repo: VectorRepository; uncached: VectorRepository; kind: string; close(): Promise<void> }>) {
  describe(`vector store on ${name}`, () => {
    let store: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => store?.close());

    const spec = { key: 'c1', embedder: 'e1', dims: 3 };

    it('writes each chunk once, however often it is written', async () => {
      const chunks = [chunk('east', [1, 0, 0], { side: 'e', n: 1 }), chunk('north', [0, 1, 0], { side: 'n', ok: true }), chunk('up', [0, 0, 1])];
      expect(await store.repo.write(spec, chunks, { replace: false })).toEqual({ numAdded: 3, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
      expect(await store.repo.write(spec, [...chunks, chunks[0]!], { replace: false })).toEqual({ numAdded: 0, numDeleted: 0, numUpdated: 0, numSkipped: 4 });
      expect(await store.repo.count('c1')).toBe(3);
    });

    it('ranks by cosine similarity, best first, and filters on metadata', async () => {
      const found = await store.repo.search('c1', unitVector([0.9, 0.3, 0]), 2);
      expect(found.map((f) => f.pageContent)).toEqual(['east', 'north']);
      expect(found[0]!.score).toBeCloseTo(0.9 / Math.hypot(0.9, 0.3), 4);
      expect((await store.repo.search('c1', unitVector([1, 0, 0]), 3, { side: 'n' })).map((f) => f.pageContent)).toEqual(['north']);
      expect((await store.repo.search('c1', unitVector([1, 0, 0]), 3, { ok: true })).map((f) => f.pageContent)).toEqual(['north']);
      expect((await store.repo.search('c1', unitVector([1, 0, 0]), 3, { n: 1 })).map((f) => f.pageContent)).toEqual(['east']);
      // Keys are bound, never spliced into SQL: a hostile one matches nothing and changes nothing.
      expect(await store.repo.search('c1', unitVector([1, 0, 0]), 3, { "a'); drop table vector_chunk; --": 1 })).toEqual([]);
      expect(await store.repo.count('c1')).toBe(3);
      // Without room to hold the vectors in memory, the database's own scan answers the same.
      const scanned = await store.uncached.search('c1', unitVector([0.9, 0.3, 0]), 2);
      expect(scanned.map((f) => [f.pageContent, Math.round(f.score * 1e4)])).toEqual(found.map((f) => [f.pageContent, Math.round(f.score * 1e4)]));
      expect(await store.repo.search('unknown', unitVector([1, 0, 0]), 3)).toEqual([]);
    });

    it('replace keeps what is still there and drops the rest; another embedder starts afresh', async () => {
      const kept = await store.repo.write(spec, [chunk('east', [1, 0, 0], { side: 'e', n: 1 }), chunk('west', [-1, 0, 0])], { replace: true });
      expect(kept).toEqual({ numAdded: 1, numDeleted: 2, numUpdated: 0, numSkipped: 1 });
      const other = await store.repo.write({ key: 'c1', embedder: 'e2', dims: 2 }, [chunk('flat', [1, 1])], { replace: true });
      expect(other).toMatchObject({ numAdded: 1, numDeleted: 2 });
      expect(await store.repo.describe('c1')).toEqual({ key: 'c1', embedder: 'e2', dims: 2 });
      await expect(store.repo.search('c1', unitVector([1, 0, 0]), 1)).rejects.toThrow(/3 values; the collection holds 2/);
    });

    it('filters on metadata keys with spaces, quotes and dots, and on "__proto__" (finding 17)', async () => {
      const odd = JSON.parse('{"my key \\"quoted\\"":"x","a.b":"dot","__proto__":"p"}') as Record<string, unknown>;
      await store.repo.write({ key: 'odd', embedder: 'e1', dims: 3 }, [chunk('odd one', [1, 0, 0], odd), chunk('plain one', [1, 0, 0], { other: 1 })], { replace: true });
      const find = async (filter: string) => (await store.repo.search('odd', unitVector([1, 0, 0]), 5, parseMetadataFilter(filter))).map((f) => f.pageContent);
      expect(await find('{"my key \\"quoted\\"":"x"}')).toEqual(['odd one']);
      expect(await find('{"a.b":"dot"}')).toEqual(['odd one']);
      expect(await find('{"__proto__":"p"}')).toEqual(['odd one']);
      expect(await find('{"__proto__":"q"}')).toEqual([]);
    });

    it('writes a large upsert in bounded transactions, serving the event loop between them (finding 8)', async () => {
      const many = Array.from({ length: 2600 }, (_, i) => chunk(`bulk ${i}`, [1, i % 7, (i % 11) + 1]));
      // Counts event-loop turns (setImmediate callbacks) while the write runs: one transaction for all
      // rows gives none on SQLite, whose statements are synchronous; batches of 500 give one after each.
      let turns = 0;
      let writing = true;
      const spin = () => {
        if (!writing) return;
        turns += 1;
        setImmediate(spin);
      };
      setImmediate(spin);
      const written = await store.repo.write({ key: 'bulk', embedder: 'e1', dims: 3 }, many, { replace: true });
      writing = false;
      expect(written).toEqual({ numAdded: 2600, numDeleted: 0, numUpdated: 0, numSkipped: 0 });
      expect(turns).toBeGreaterThanOrEqual(5);
      expect(await store.repo.count('bulk')).toBe(2600);
      // Replace deletes in batches too, and a search afterwards sees the final state.
      const fewer = await store.repo.write({ key: 'bulk', embedder: 'e1', dims: 3 }, many.slice(0, 100), { replace: true });
      expect(fewer).toEqual({ numAdded: 0, numDeleted: 2500, numUpdated: 0, numSkipped: 100 });
      expect((await store.repo.search('bulk', unitVector([1, 0, 1]), 200)).length).toBe(100);
    });

    it(`keeps embeddings as ${expectedKind}`, async () => {
      expect(store.kind).toBe(expectedKind);
    });
  });
}

vectorStoreContract('SQLite', 'blob', async () => {
  const db = await openTestDatabase();
  const uncached = new VectorRepository(db.database.db, 'sqlite', undefined, 0);
  return { repo: db.repos.vectors, uncached, kind: await db.repos.vectors.storageKind(), close: () => db.close() };
});

vectorStoreContract('PostgreSQL without pgvector', 'bytea', async () => {
  const db = await openTestDatabase(await createTestDatabase('vec'));
  const uncached = new VectorRepository(db.database.db, 'postgres', undefined, 0);
  return { repo: db.repos.vectors, uncached, kind: await db.repos.vectors.storageKind(), close: () => db.close() };
});

vectorStoreContract('PostgreSQL with pgvector (PGlite)', 'pgvector', async () => {
  const pglite = await PGlite.create({ extensions: { vector } });
  const db: Db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite)) }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) throw error;
  const repo = new VectorRepository(db, 'postgres');
  return {
    repo,
    uncached: repo,
    kind: await repo.storageKind(),
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
});

describe('pgvector index', () => {
  it('creates one partial HNSW expression index per collection, and the search uses it', async () => {
    const pglite = await PGlite.create({ extensions: { vector } });
    const db: Db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite)) }) });
    try {
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
      if (error) throw error;
      const repo = new VectorRepository(db, 'postgres');
      const dims = 8;
      const rows = Array.from({ length: 300 }, (_, i) => chunk(`c${i}`, Array.from({ length: dims }, (_, d) => Math.sin(i * (d + 1)))));
      await repo.write({ key: 'big', embedder: 'e', dims }, rows, { replace: true });
      await repo.write({ key: 'small', embedder: 'e', dims: 2 }, [chunk('a', [1, 0])], { replace: true });
      const indexes = await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = 'vector_chunk' and indexdef like '%hnsw%'`.execute(db);
      expect(indexes.rows).toHaveLength(2);
      expect(indexes.rows.map((r) => r.indexdef).join('\n')).toMatch(/USING hnsw \(\(\(embedding\)::vector\(8\)\) vector_cosine_ops\) WHERE \("collectionId" = '[0-9a-f-]+'::text\)/);
      const found = await repo.search('big', rows[42]!.embedding, 3);
      expect(found[0]!.pageContent).toBe('c42');
      // Few rows: the planner would rather sort; forbid the alternatives to show the index serves this query.
      await sql`set enable_seqscan = off`.execute(db);
      await sql`set enable_bitmapscan = off`.execute(db);
      await sql`set enable_sort = off`.execute(db);
      const id = (await db.selectFrom('vector_collection').select('id').where('key', '=', 'big').executeTakeFirstOrThrow()).id;
      const plan = await sql<{ 'QUERY PLAN': string }>`explain select id from vector_chunk where "collectionId" = ${sql.lit(id)} order by embedding::vector(8) <=> ${'[' + Array.from(rows[1]!.embedding).join(',') + ']'}::vector(8) limit 3`.execute(db);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using vector_chunk_hnsw_/);
    } finally {
      await db.destroy();
      await pglite.close();
    }
  });
});
