import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The shared vector store (nodes-rag.md §3.3), the embedding cache, upsert jobs and Flowise's upsert
 * history. On PostgreSQL the `embedding` column is pgvector's `vector` (no fixed dimensions, so one
 * table holds every model) when the extension can be created here, else `bytea` holding float32.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const vectorType = postgres ? ((await createVectorExtension(db)) ? sql`vector` : sql`bytea`) : sql`blob`;
  const blob = postgres ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('vector_collection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('embedder', 'text', (c) => c.notNull())
    .addColumn('dims', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vector_chunk')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('collectionId', 'text', (c) => c.notNull())
    .addColumn('contentHash', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('embedding', vectorType, (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addUniqueConstraint('vector_chunk_hash_unique', ['collectionId', 'contentHash'])
    .execute();
  // Exact search reads a collection's rows in id order, in batches (keyset paging).
  await db.schema.createIndex('vector_chunk_scan_idx').on('vector_chunk').columns(['collectionId', 'id']).execute();

  await db.schema
    .createTable('embedding_cache')
    .addColumn('embedder', 'text', (c) => c.notNull())
    .addColumn('textHash', 'text', (c) => c.notNull())
    .addColumn('embedding', blob, (c) => c.notNull())
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('embedding_cache_pk', ['embedder', 'textHash'])
    .execute();

  await db.schema
    .createTable('upsert_job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowId', 'text', (c) => c.notNull())
    .addColumn('chatflowVersion', 'integer')
    .addColumn('chatId', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('addedDocs', 'text')
    .addColumn('error', 'text')
    .addColumn('errorCode', 'text')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('startedDate', 'text')
    .addColumn('finishedDate', 'text')
    .execute();

  await db.schema
    .createTable('upsert_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chatflowid', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('flowData', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upsert_history_flow_idx').on('upsert_history').columns(['chatflowid', 'date']).execute();
}

/**
 * Creates pgvector when the server has it and we may; a refusal (no such extension, no privilege)
 * must not abort the migration's transaction, hence the savepoint.
 */
async function createVectorExtension(db: Kysely<unknown>): Promise<boolean> {
  const available = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'vector'`.execute(db);
  if ((available.rows[0]?.n ?? 0) === 0) return false;
  await sql`savepoint create_vector`.execute(db);
  try {
    await sql`create extension if not exists vector`.execute(db);
    await sql`release savepoint create_vector`.execute(db);
    return true;
  } catch {
    await sql`rollback to savepoint create_vector`.execute(db);
    return false;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['upsert_history', 'upsert_job', 'embedding_cache', 'vector_chunk', 'vector_collection']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
