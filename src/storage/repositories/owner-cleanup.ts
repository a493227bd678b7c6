import { sql } from 'kysely';
import type { Db } from '../database.js';
import { yieldToLoop } from '../../shared/yield-to-loop.js';
import { dropHnswIndexSql } from './vector-search.js';

/** Rows deleted per statement: each SQLite statement blocks the event loop, so none runs long. */
const BATCH = 1000;


/**
 * What a deleted chatflow leaves in the vector store: its collections (`faiss:<chatflowId>:…`, keyed
 * by its id; a collection shared by Base Path, `faiss:path:…`, stays with the other chatflows naming
 * it), deleted chunk batch by chunk batch with the event loop served in between, then the collection
 * row and (PostgreSQL) its HNSW index. Answers the number of chunks deleted.
 */
export async function deleteChatflowCollections(db: Db, dialect: 'sqlite' | 'postgres', chatflowId: string): Promise<number> {
  const prefix = `faiss:${chatflowId}:`;
  const collections = await db
    .selectFrom('vector_collection')
    .select(['id', 'dims'])
    .where(sql<boolean>`substr(${sql.ref('key')}, 1, ${prefix.length}) = ${prefix}`)
    .execute();
  let chunks = 0;
  for (const collection of collections) {
    for (;;) {
      const ids = await db.selectFrom('vector_chunk').select('id').where('collectionId', '=', collection.id).limit(BATCH).execute();
      if (ids.length === 0) break;
      const done = await db.deleteFrom('vector_chunk').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
      chunks += Number(done.numDeletedRows);
      await yieldToLoop();
    }
    if (dialect === 'postgres') await dropHnswIndexSql(collection.id, Number(collection.dims)).execute(db);
    await db.deleteFrom('vector_collection').where('id', '=', collection.id).execute();
  }
  return chunks;
}

/** A deleted chatflow's finished runs (active ones end first; their rows are kept with their outcome). */
export async function deleteFinishedRuns(db: Db, chatflowId: string): Promise<number> {
  const done = await db.deleteFrom('run').where('chatflowId', '=', chatflowId).where('status', 'not in', ['queued', 'running']).executeTakeFirst();
  return Number(done.numDeletedRows);
}
